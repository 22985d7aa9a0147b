package org.portcullis.delivery;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.SmtpReply;

/**
 * An open, greeted SMTP connection to a next hop, with what its EHLO offered: ready for
 * transactions, and reusable after one. Not thread-safe: one delivery uses it at a time.
 */
final class SmtpConnection implements Closeable {

  private final SmtpClient client;
  private final String mta;
  private final InetSocketAddress address;
  private final Set<String> extensions;
  private final OptionalLong sizeLimit;
  private final String serverName;
  private long idleSince;

  private SmtpConnection(SmtpClient client, String mta, InetSocketAddress address, SmtpReply ehlo,
      Set<String> extensions, OptionalLong sizeLimit) {
    this.client = client;
    this.serverName = ehlo.lines().getFirst().strip().split(" ", 2)[0];
    this.mta = mta;
    this.address = address;
    this.extensions = extensions;
    this.sizeLimit = sizeLimit;
  }

  /** What opening a connection came to, short of a network failure (an {@link IOException}). */
  sealed interface Opened {
    record Ready(SmtpConnection connection) implements Opened {}

    /** The server answered the greeting, EHLO or HELO with a refusal. */
    record Refused(DeliveryOutcome.Remote remote) implements Opened {}

    /** The next hop cannot be used as configured (no STARTTLS, a bad certificate, AUTH refused): defer. */
    record Unusable(String why) implements Opened {}
  }

  /**
   * Opens a connection to a configured next hop under its {@link NextHopSecurity}: TLS required
   * or implicit, the certificate checked against {@code mta}, then AUTH. Anything short of that is
   * {@link Opened.Unusable} (a deferral: a wrong password never bounces mail), never a fallback
   * to plaintext.
   */
  static Opened openSecured(InetSocketAddress address, String mta, String helo, NextHopSecurity security,
      Duration connectTimeout, Duration readTimeout) throws IOException {
    SSLContext context = security.verified().orElseThrow();
    SmtpClient client = SmtpClient.connect(address, Optional.empty(), connectTimeout, readTimeout);
    boolean ok = false;
    try {
      if (security.tls() == NextHopSecurity.Tls.IMPLICIT) {
        try {
          client.startTls(context, mta, true);
        } catch (IOException e) {
          return new Opened.Unusable("TLS with " + mta + " failed: " + e.getMessage());
        }
      }
      SmtpReply greeting = client.readReply();
      if (greeting.code() != 220) {
        quietQuit(client);
        return new Opened.Refused(new DeliveryOutcome.Remote(mta, greeting, "the greeting"));
      }
      SmtpReply ehlo = client.command("EHLO " + helo);
      if (!ehlo.isPositive()) {
        quietQuit(client);
        return new Opened.Refused(new DeliveryOutcome.Remote(mta, ehlo, "EHLO"));
      }
      if (security.tls() == NextHopSecurity.Tls.REQUIRED) {
        if (!offers(ehlo, "STARTTLS")) {
          quietQuit(client);
          return new Opened.Unusable(mta + " does not offer STARTTLS, and TLS is required (delivery.smarthost-tls)");
        }
        SmtpReply go = client.command("STARTTLS");
        if (go.code() != 220) {
          quietQuit(client);
          return new Opened.Unusable(mta + " answered " + go.code() + " to STARTTLS, and TLS is required");
        }
        try {
          client.startTls(context, mta, true);
        } catch (IOException e) {
          return new Opened.Unusable("TLS with " + mta + " failed: " + e.getMessage());
        }
        ehlo = client.command("EHLO " + helo);
        if (!ehlo.isPositive()) {
          quietQuit(client);
          return new Opened.Refused(new DeliveryOutcome.Remote(mta, ehlo, "EHLO after STARTTLS"));
        }
      }
      if (security.credentials().isPresent()) {
        Optional<String> refused = authenticate(client, mta, ehlo, security.credentials().get());
        if (refused.isPresent()) {
          quietQuit(client);
          return new Opened.Unusable(refused.get());
        }
      }
      ok = true;
      return new Opened.Ready(new SmtpConnection(client, mta, address, ehlo, keywords(ehlo), size(ehlo)));
    } finally {
      if (!ok) {
        client.close();
      }
    }
  }

  /** AUTH PLAIN or LOGIN; empty when accepted, else why not (the password is never in it). */
  private static Optional<String> authenticate(SmtpClient client, String mta, SmtpReply ehlo,
      NextHopSecurity.Credentials c) throws IOException {
    boolean offered = ehlo.lines().stream().skip(1).map(l -> l.strip().toUpperCase(Locale.ROOT))
        .anyMatch(l -> (l.startsWith("AUTH ") || l.startsWith("AUTH=")) && List.of(l.substring(5).split(" "))
            .contains(c.mechanism()));
    if (!offered) {
      return Optional.of(mta + " does not offer AUTH " + c.mechanism());
    }
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    SmtpReply reply;
    if (c.mechanism().equals("PLAIN")) {
      reply = client.command("AUTH PLAIN " + b64.encodeToString(("\0" + c.username() + "\0" + c.password())
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } else {
      reply = client.command("AUTH LOGIN");
      if (reply.code() == 334) {
        reply = client.command(b64.encodeToString(c.username().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      if (reply.code() == 334) {
        reply = client.command(b64.encodeToString(c.password().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
    if (reply.code() == 235) {
      return Optional.empty();
    }
    String said = reply.lines().isEmpty() ? "" : " " + org.portcullis.mail.LogText.forReply(reply.lines().getFirst(),
        200);
    return Optional.of("authentication as " + c.username() + " at " + mta + " failed: " + reply.code() + said
        + " (check delivery.smarthost-username and the password file)");
  }

  /**
   * Connects, reads the greeting, says EHLO (HELO if EHLO is refused), and switches to TLS when
   * offered and {@code tls} is given (opportunistic, RFC 3207; a failed handshake falls back to a
   * new plaintext connection, as Postfix does with {@code smtp_tls_security_level = may}).
   */
  static Opened open(InetSocketAddress address, String mta, Optional<InetAddress> source, String helo,
      Optional<SSLContext> tls, Duration connectTimeout, Duration readTimeout) throws IOException {
    SmtpClient client = SmtpClient.connect(address, source, connectTimeout, readTimeout);
    boolean ok = false;
    try {
      SmtpReply greeting = client.readReply();
      if (greeting.code() != 220) {
        quietQuit(client);
        return new Opened.Refused(new DeliveryOutcome.Remote(mta, greeting, "the greeting"));
      }
      SmtpReply ehlo = client.command("EHLO " + helo);
      if (!ehlo.isPositive()) {
        SmtpReply heloReply = client.command("HELO " + helo);
        if (!heloReply.isPositive()) {
          quietQuit(client);
          return new Opened.Refused(new DeliveryOutcome.Remote(mta, heloReply, "HELO"));
        }
        ok = true;
        return new Opened.Ready(new SmtpConnection(client, mta, address, heloReply, Set.of(), OptionalLong.empty()));
      }
      if (tls.isPresent() && offers(ehlo, "STARTTLS")) {
        SmtpReply go = client.command("STARTTLS");
        if (go.code() == 220) {
          try {
            client.startTls(tls.get(), mta);
          } catch (IOException handshake) {
            client.close();
            return open(address, mta, source, helo, Optional.empty(), connectTimeout, readTimeout);
          }
          ehlo = client.command("EHLO " + helo);
          if (!ehlo.isPositive()) {
            quietQuit(client);
            return new Opened.Refused(new DeliveryOutcome.Remote(mta, ehlo, "EHLO after STARTTLS"));
          }
        }
      }
      ok = true;
      return new Opened.Ready(new SmtpConnection(client, mta, address, ehlo, keywords(ehlo), size(ehlo)));
    } finally {
      if (!ok) {
        client.close();
      }
    }
  }

  private static boolean offers(SmtpReply ehlo, String keyword) {
    return keywords(ehlo).contains(keyword);
  }

  private static Set<String> keywords(SmtpReply ehlo) {
    Set<String> out = new HashSet<>();
    List<String> lines = ehlo.lines();
    for (int i = 1; i < lines.size(); i++) {
      String word = lines.get(i).strip().split(" ", 2)[0].toUpperCase(Locale.ROOT);
      if (!word.isEmpty()) {
        out.add(word);
      }
    }
    return Set.copyOf(out);
  }

  private static OptionalLong size(SmtpReply ehlo) {
    for (String line : ehlo.lines()) {
      String[] words = line.strip().split(" ");
      if (words.length == 2 && words[0].equalsIgnoreCase("SIZE") && words[1].matches("[0-9]{1,18}")) {
        long limit = Long.parseLong(words[1]);
        return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  private static void quietQuit(SmtpClient client) {
    try {
      client.command("QUIT");
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  SmtpClient client() {
    return client;
  }

  /** The server's name for reports: the MX host name. */
  String mta() {
    return mta;
  }

  /** The name the server gave in its EHLO (or HELO) reply. */
  String serverName() {
    return serverName;
  }

  /** {@code mx.example.net[192.0.2.1]:25}. */
  String describe() {
    return mta + "[" + Addresses.toText(address.getAddress()) + "]:" + address.getPort();
  }

  InetSocketAddress address() {
    return address;
  }

  boolean supports(String extension) {
    return extensions.contains(extension);
  }

  /** The largest message the server takes, if it said (SIZE, RFC 1870). */
  OptionalLong sizeLimit() {
    return sizeLimit;
  }

  Optional<String> tls() {
    return client.tls();
  }

  long idleSince() {
    return idleSince;
  }

  void markIdle(long nanos) {
    idleSince = nanos;
  }

  /** Says QUIT (without waiting long) and closes. */
  void quit() {
    quietQuit(client);
    close();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
