package org.portcullis.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.portcullis.files.PrivateFiles;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.portcullis.mail.EmailAddress;
import org.portcullis.queue.QueuedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers into Maildirs under a root: {@code <root>/<domain>/<local-part>/{tmp,new,cur}}, one file
 * per recipient, written in {@code tmp} and renamed into {@code new} (the Maildir protocol), with a
 * {@code Return-Path} and {@code Delivered-To} header and LF line endings.
 *
 * <p>Durability in batches: files are not fsynced one by one; {@link #sync} makes all deliveries so
 * far durable with one {@code syncfs} (or, where that is unavailable, an fsync of each file and
 * directory), and the spool keeps each message until then. File names are derived from the queue
 * id and recipient index ({@code <time>.<queue-id>_<n>.<host>,S=<size>}): a delivery repeated after
 * a crash finds its file, compares the content, and rewrites it only if it is not complete.
 * Local parts are lower-cased and every character outside {@code [a-z0-9._+=-]} is %-encoded, so
 * an address can never escape the root. Thread-safe.
 */
public final class MaildirTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger("portcullis.delivery");

  private final Path root;
  private final String hostname;
  /** Mailboxes whose tmp/new/cur directories are known to exist. */
  private final Set<Path> created = ConcurrentHashMap.newKeySet();
  private volatile Optional<FileSystemSync> fileSystem;
  /** Files and directories to fsync one by one when syncfs is unavailable. */
  private final Set<Path> unsynced = new LinkedHashSet<>();

  public MaildirTransport(Path root, String hostname) {
    this.root = root.toAbsolutePath().normalize();
    this.hostname = hostname.replace('/', '_').replace(':', '_');
  }

  @Override
  public String name() {
    return "maildir";
  }

  /** The Maildir of an address under the root. */
  public Path mailbox(EmailAddress address) {
    Path dir = root.resolve(safeName(address.domain())).resolve(safeName(address.localPart().toLowerCase(Locale.ROOT)));
    if (!dir.normalize().startsWith(root)) {
      throw new IllegalStateException("mailbox path escapes the Maildir root: " + dir);
    }
    return dir;
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    for (int index : recipients) {
      EmailAddress rcpt = message.envelope().recipients().get(index).address();
      try {
        outcomes.put(index, deliverOne(mailbox(rcpt), message, index, rcpt, content));
      } catch (IOException | RuntimeException e) {
        log.warn("maildir delivery of {} to <{}> failed: {}", message.queueId(), rcpt, e.toString());
        outcomes.put(index, new DeliveryOutcome.Deferred("maildir write failed: " + e.getMessage()));
      }
    }
    return outcomes;
  }

  private DeliveryOutcome deliverOne(Path box, QueuedMessage message, int index, EmailAddress rcpt, byte[] content)
      throws IOException {
    byte[] file = render(message, rcpt, content);
    String name = message.receivedAt().getEpochSecond() + "." + message.queueId() + "_" + index + "."
        + hostname + ",S=" + file.length;
    Path newDir = box.resolve("new");
    Path target = newDir.resolve(name);
    if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), file)) {
      return new DeliveryOutcome.Delivered("already in " + target + " (repeated attempt)");
    }
    Path tmpDir = box.resolve("tmp");
    if (!created.contains(box)) {
      // Mail is private to the service user (and whoever reads it through the service's group, if configured).
      PrivateFiles.createDirectories(tmpDir);
      PrivateFiles.createDirectories(newDir);
      PrivateFiles.createDirectories(box.resolve("cur"));
      created.add(box);
    }
    Path tmp = tmpDir.resolve(name);
    try (FileChannel channel = PrivateFiles.open(tmp, java.util.EnumSet.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
      ByteBuffer buffer = ByteBuffer.wrap(file);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    if (fileSystem().isEmpty()) {
      synchronized (unsynced) {
        unsynced.add(tmp);
      }
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (fileSystem().isEmpty()) {
      synchronized (unsynced) {
        unsynced.remove(tmp);
        unsynced.add(target);
        unsynced.add(newDir);
      }
    }
    return new DeliveryOutcome.Delivered("delivered to maildir " + box);
  }

  @Override
  public void sync() throws IOException {
    Optional<FileSystemSync> fs = fileSystem();
    if (fs.isPresent()) {
      fs.get().sync();
      return;
    }
    List<Path> paths;
    synchronized (unsynced) {
      paths = new ArrayList<>(unsynced);
      unsynced.clear();
    }
    try {
      for (Path path : paths) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
          channel.force(true);
        }
      }
    } catch (IOException e) {
      synchronized (unsynced) {
        unsynced.addAll(paths);
      }
      throw e;
    }
  }

  private Optional<FileSystemSync> fileSystem() throws IOException {
    Optional<FileSystemSync> fs = fileSystem;
    if (fs == null) {
      synchronized (this) {
        if (fileSystem == null) {
          PrivateFiles.createDirectories(root);
          fileSystem = FileSystemSync.open(root);
          if (fileSystem.isEmpty()) {
            log.info("syncfs is not available; Maildir files are fsynced one by one");
          }
        }
        fs = fileSystem;
      }
    }
    return fs;
  }

  /** Return-Path and Delivered-To, then the message with CRLF turned into LF. */
  static byte[] render(QueuedMessage message, EmailAddress rcpt, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 128);
    String sender = message.envelope().sender().mailbox().map(EmailAddress::toString).orElse("");
    out.writeBytes(("Return-Path: <" + sender + ">\nDelivered-To: " + rcpt + "\n").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < content.length; i++) {
      byte b = content[i];
      if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
        continue;
      }
      out.write(b);
    }
    return out.toByteArray();
  }

  static String safeName(String text) {
    StringBuilder out = new StringBuilder(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      boolean plain = b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '+' || b == '='
          || b == '-' || (b == '.' && i > 0);
      if (plain) {
        out.append((char) b);
      } else {
        out.append('%').append(String.format("%02X", b));
      }
    }
    return out.isEmpty() ? "%00" : out.toString();
  }
}
