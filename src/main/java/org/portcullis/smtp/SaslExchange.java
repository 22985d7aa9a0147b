package org.portcullis.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.SmtpReply;

/**
 * The AUTH command of RFC 4954 with SASL PLAIN (RFC 4616) and LOGIN: the challenges, the
 * responses and the answer. The session has checked the sequence (EHLO, TLS, no transaction);
 * this reads what the mechanism needs, asks the {@link Authenticator} and replies. Not thread-safe.
 */
final class SaslExchange {

  /** RFC 4954 4: a SASL response line may be this long. */
  private static final int RESPONSE_LINE_MAX = 12_288;

  private record Credentials(String user, String password) {}

  private final SessionWire wire;
  private final Authenticator authenticator;

  SaslExchange(SessionWire wire, Authenticator authenticator) {
    this.wire = wire;
    this.authenticator = authenticator;
  }

  /**
   * Runs {@code AUTH <argument>} to its end.
   *
   * @param deadline when the next response must have arrived ({@link System#nanoTime()}), asked at each challenge
   * @return the authenticated user, or empty when refused, cancelled or malformed (already answered)
   */
  Optional<String> authenticate(String argument, InetAddress client, LongSupplier deadline) throws IOException {
    String[] words = argument.strip().split(" ");
    if (words[0].isEmpty() || words.length > 2) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: AUTH mechanism [initial-response]"));
      return Optional.empty();
    }
    Optional<String> initial = words.length == 2 ? Optional.of(words[1]) : Optional.empty();
    Optional<Credentials> credentials;
    switch (words[0].toUpperCase(Locale.ROOT)) {
      case "PLAIN" -> credentials = plain(initial, deadline);
      case "LOGIN" -> credentials = login(initial, deadline);
      default -> {
        wire.clientError(SmtpReply.of(504, EnhancedStatus.parse("5.5.4"), "Unrecognized authentication type"
            + " (PLAIN and LOGIN are offered)"));
        return Optional.empty();
      }
    }
    if (credentials.isEmpty()) {
      return Optional.empty(); // cancelled or undecodable: already answered
    }
    switch (authenticator.authenticate(client, credentials.get().user(), credentials.get().password())) {
      case Authenticator.Accepted a -> {
        wire.reply(SmtpReply.of(235, EnhancedStatus.parse("2.7.0"), "Authentication successful"));
        return Optional.of(a.user());
      }
      case Authenticator.Rejected r -> wire.clientError(SmtpReply.of(535, EnhancedStatus.parse("5.7.8"),
          "Error: authentication failed: wrong user name or password"));
      case Authenticator.Throttled t -> wire.clientError(SmtpReply.of(454, EnhancedStatus.parse("4.7.0"),
          "Error: " + t.why()));
    }
    return Optional.empty();
  }

  /** SASL PLAIN: authzid NUL authcid NUL password; a different authzid is refused. */
  private Optional<Credentials> plain(Optional<String> initial, LongSupplier deadline) throws IOException {
    Optional<String> response = initial.isPresent() ? initial : challenge("", deadline);
    Optional<String> decoded = response.isEmpty() ? Optional.empty() : decode(response.get());
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = decoded.get().split("\u0000", -1);
    if (parts.length != 3 || parts[1].isEmpty() || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
      wire.clientError(SmtpReply.of(535, EnhancedStatus.parse("5.7.8"), "Error: authentication failed: "
          + (parts.length != 3 ? "malformed PLAIN response" : "acting for another user is not allowed")));
      return Optional.empty();
    }
    return Optional.of(new Credentials(parts[1], parts[2]));
  }

  /** SASL LOGIN (draft-murchison-sasl-login): user name, then password, each on a prompt. */
  private Optional<Credentials> login(Optional<String> initial, LongSupplier deadline) throws IOException {
    Optional<String> user = initial.isPresent() ? initial : challenge("Username:", deadline);
    if (user.isEmpty() || (user = decode(user.get())).isEmpty()) {
      return Optional.empty();
    }
    Optional<String> password = challenge("Password:", deadline);
    if (password.isEmpty() || (password = decode(password.get())).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Credentials(user.get(), password.get()));
  }

  /** Sends a 334 challenge and reads the response line; empty (answered 501) if the client cancels. */
  private Optional<String> challenge(String prompt, LongSupplier deadline) throws IOException {
    wire.reply(SmtpReply.of(334, Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.UTF_8))));
    wire.flush();
    wire.input().deadline(deadline.getAsLong());
    Line line = wire.line();
    if (!wire.input().readLine(line, RESPONSE_LINE_MAX) || line.ending == Line.Ending.EOF) {
      throw new IOException("connection closed during AUTH");
    }
    if (line.overflow) {
      wire.clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: AUTH response too long"));
      return Optional.empty();
    }
    String text = line.text().strip();
    if (text.equals("*")) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.0.0"), "Authentication cancelled"));
      return Optional.empty();
    }
    return Optional.of(text);
  }

  /** Base64 to UTF-8 text ({@code =} is the empty response); empty (answered 501) if it is not base64. */
  private Optional<String> decode(String base64) throws IOException {
    if (base64.equals("=")) {
      return Optional.of("");
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.2"), "Error: cannot decode the AUTH response (base64)"));
      return Optional.empty();
    }
  }
}
