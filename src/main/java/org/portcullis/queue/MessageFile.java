package org.portcullis.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.zip.CRC32C;
import org.portcullis.files.PrivateFiles;
import org.portcullis.mail.Envelope;

/**
 * One message with its envelope in a file of its own, in the spool's record format (checksummed
 * envelope and content): for messages kept out of the queue, such as quarantined ones, that may
 * be queued later exactly as they arrived.
 */
public final class MessageFile {

  /** What a message file holds. */
  public record Stored(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, byte[] content) {}

  private MessageFile() {}

  /**
   * Writes the message to {@code file} (mode 0600) and makes it durable: the file and its directory
   * are fsynced before this returns. An existing file is never overwritten.
   */
  public static void write(Path file, String queueId, Instant receivedAt, String clientAddress, String clientName,
      String helo, Envelope envelope, List<ByteBuffer> content) throws IOException {
    byte[] meta = SpoolRecord.encodeMeta(new SpoolRecord.Meta(queueId, receivedAt, clientAddress, clientName, helo,
        envelope));
    int length = content.stream().mapToInt(ByteBuffer::remaining).sum();
    ByteBuffer[] buffers = SpoolRecord.encode(meta, content, length);
    try (FileChannel channel = PrivateFiles.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE))) {
      for (ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          channel.write(b);
        }
      }
      channel.force(true);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /**
   * Reads a message file back.
   *
   * @throws IOException if it cannot be read, or its checksum or format is wrong
   */
  public static Stored read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(all);
    if (all.length < SpoolRecord.HEADER_BYTES + 8 || in.getInt() != SpoolRecord.MAGIC) {
      throw new IOException(file + " is not a message file");
    }
    int payload = in.getInt();
    int crc = in.getInt();
    if (payload != all.length - SpoolRecord.HEADER_BYTES) {
      throw new IOException(file + " is truncated");
    }
    CRC32C check = new CRC32C();
    check.update(all, SpoolRecord.HEADER_BYTES, payload);
    if ((int) check.getValue() != crc) {
      throw new IOException(file + " fails its checksum");
    }
    int metaLength = in.getInt();
    if (metaLength < 0 || metaLength > SpoolRecord.MAX_META_BYTES || metaLength > in.remaining() - 4) {
      throw new IOException(file + " has a bad envelope length");
    }
    byte[] meta = new byte[metaLength];
    in.get(meta);
    int contentLength = in.getInt();
    if (contentLength != in.remaining()) {
      throw new IOException(file + " has a bad content length");
    }
    byte[] content = new byte[contentLength];
    in.get(content);
    SpoolRecord.Meta m = SpoolRecord.decodeMeta(meta);
    return new Stored(m.queueId(), m.receivedAt(), m.clientAddress(), m.clientName(), m.helo(), m.envelope(), content);
  }
}
