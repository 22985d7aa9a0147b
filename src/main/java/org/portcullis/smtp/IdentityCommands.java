package org.portcullis.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.LogText;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.SessionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands that say who the client is and how it is connected, rather than what it sends:
 * HELO and EHLO, STARTTLS (RFC 3207), AUTH (RFC 4954, through {@link SaslExchange}) and XCLIENT
 * (from a trusted proxy). Each leaves the session ready for a new transaction. Not thread-safe.
 */
final class IdentityCommands {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");

  private final SessionWire wire;
  private final SessionState state;
  private final SmtpSettings settings;
  private final PolicyEngine engine;
  private final SessionPolicy policy;
  private final ProtocolFacts protocol;
  /** Who connected: XCLIENT is judged by the peer, never by the client it asserted. */
  private final InetAddress peer;
  private final Supplier<String> clientText;

  IdentityCommands(SessionWire wire, SessionState state, SmtpSettings settings, PolicyEngine engine,
      SessionPolicy policy, InetAddress peer, Supplier<String> clientText) {
    this.wire = wire;
    this.state = state;
    this.settings = settings;
    this.engine = engine;
    this.policy = policy;
    this.protocol = policy.protocol();
    this.peer = peer;
    this.clientText = clientText;
  }

  // ---- HELO / EHLO ----

  void helo(String argument, boolean extended) throws IOException {
    String name = argument.strip();
    if (name.isEmpty()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
      return;
    }
    if (name.length() > 255 || !wire.line().isAscii()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Error: invalid HELO argument"));
      return;
    }
    state.forgetGreeting();
    state.esmtp = extended;
    protocol.recordEsmtp(extended);
    if (wire.refused(policy.helo(HeloName.parse(name)))) {
      return;
    }
    wire.reply(extended ? new SmtpReply(250, Optional.empty(), ehloKeywords()) : SmtpReply.of(250, settings.hostname()));
  }

  private List<String> ehloKeywords() {
    List<String> lines = new ArrayList<>(List.of(settings.hostname(), "PIPELINING",
        "SIZE " + settings.messageSizeMaxBytes(), "ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8", "DSN"));
    if (settings.tls().isPresent() && !protocol.tls()) {
      lines.add("STARTTLS");
    }
    if (settings.submission().isPresent() && protocol.tls()) {
      lines.add("AUTH PLAIN LOGIN"); // only under TLS: passwords never cross in clear (RFC 4954 4)
    }
    if (xclientAllowed()) {
      lines.add("XCLIENT NAME ADDR PORT PROTO HELO LOGIN");
    }
    return lines;
  }

  // ---- STARTTLS ----

  void starttls(String argument) throws IOException {
    if (settings.tls().isEmpty()) {
      wire.clientError(SmtpReply.of(502, EnhancedStatus.parse("5.5.1"), "Error: STARTTLS not offered"));
      return;
    }
    if (protocol.tls()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: TLS already active"));
      return;
    }
    if (!argument.isBlank()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: STARTTLS"));
      return;
    }
    int dropped = wire.input().discardBuffered();
    if (dropped > 0) {
      // RFC 3207 6: plaintext sent after STARTTLS is an injection attempt; it must not be obeyed.
      log.warn("discarded {} octet(s) of plaintext pipelined after STARTTLS from {}", dropped, clientText.get());
    }
    wire.reply(SmtpReply.of(220, EnhancedStatus.OK, "Ready to start TLS"));
    wire.flush();
    if (!startTls(wire, settings, protocol, state.clientAddress, clientText)) {
      wire.close();
      return;
    }
    state.forgetGreeting();
    policy.forgetHelo();
  }

  /** The TLS handshake, for STARTTLS and for a listener with implicit TLS; false (logged) if it failed. */
  static boolean startTls(SessionWire wire, SmtpSettings settings, ProtocolFacts protocol, InetAddress client,
      Supplier<String> clientText) throws IOException {
    Optional<String> negotiated = wire.startTls(settings.tls().orElseThrow(), client.getHostAddress(),
        settings.commandTimeout());
    negotiated.ifPresent(tls -> {
      protocol.recordTls(tls);
      log.info("TLS established with {}: {}", clientText.get(), tls);
    });
    return negotiated.isPresent();
  }

  // ---- AUTH (submission) ----

  void auth(String argument) throws IOException {
    Optional<String> refusal = settings.submission().isEmpty() ? Optional.of("authentication not enabled on this port")
        : !state.esmtp ? Optional.of("send EHLO first")
        : protocol.authenticatedUser().isPresent() ? Optional.of("already authenticated")
        : state.inTransaction() ? Optional.of("MAIL transaction in progress") : Optional.empty();
    if (refusal.isPresent()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: " + refusal.get()));
      return;
    }
    if (!protocol.tls()) {
      wire.clientError(SmtpReply.of(538, EnhancedStatus.parse("5.7.11"),
          "Encryption required for requested authentication mechanism; use STARTTLS first"));
      return;
    }
    SaslExchange sasl = new SaslExchange(wire, settings.submission().orElseThrow().authenticator());
    Optional<String> user = sasl.authenticate(argument, state.clientAddress,
        () -> state.commandDeadline(settings.commandTimeout()));
    if (user.isPresent()) {
      protocol.recordAuthentication(user.get());
      log.info("authenticated {} as {} mechanism={}", clientText.get(), LogText.value(user.get()),
          argument.strip().split(" ")[0].toUpperCase(Locale.ROOT));
    }
  }

  // ---- XCLIENT ----

  private boolean xclientAllowed() {
    InetAddress address = Addresses.unmap(peer);
    return settings.xclientNetworks().stream().anyMatch(n -> n.contains(address));
  }

  void xclient(String argument) throws IOException {
    if (!xclientAllowed()) {
      wire.clientError(SmtpReply.of(550, EnhancedStatus.parse("5.7.0"), "Error: insufficient authorization"));
      return;
    }
    if (state.inTransaction()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: MAIL transaction in progress"));
      return;
    }
    Map<String, String> attributes;
    try {
      attributes = Xclient.parse(argument);
    } catch (IllegalArgumentException e) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Bad XCLIENT attribute: "
          + LogText.forReply(e.getMessage(), 100)));
      return;
    }
    Xclient.Change change = Xclient.change(attributes, engine, state.clientAddress, state.clientPort);
    change.login().ifPresent(protocol::recordAuthentication);
    log.info("xclient from {}: client is now {}[{}]", clientText.get(), change.client().nameOrUnknown(),
        change.client().addressText());
    state.clientAddress = change.client().address();
    state.clientPort = change.port();
    policy.replaceClient(change.client());
    state.forgetGreeting();
    state.connectRefusal = null;
    if (policy.connect() instanceof SessionPolicy.Decision.Refused refused) {
      wire.reply(refused.refusal().reply());
      if (refused.refusal().disconnects()) {
        wire.close();
      } else {
        state.connectRefusal = refused.refusal();
      }
      return;
    }
    change.helo().ifPresent(helo -> policy.helo(HeloName.parse(helo)));
    wire.reply(SmtpReply.of(220, settings.hostname() + " ESMTP Portcullis"));
  }
}
