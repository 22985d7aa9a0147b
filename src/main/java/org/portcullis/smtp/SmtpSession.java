package org.portcullis.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.Phase;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.SessionPolicy;
import org.portcullis.smtp.CommandCounts.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection, on its own virtual thread: the state machine of RFC 5321 with PIPELINING,
 * SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8, DSN, STARTTLS and XCLIENT. The session judges
 * syntax, sequence and limits; policy is asked at each phase through {@link SessionPolicy}, and
 * what it cannot go on with (a malformed address, a full connection table, a sender the login does
 * not own) is judged there too, as a {@link ProtocolProblem}. Its parts: {@link SessionWire} (I/O,
 * errors, TLS), {@link ConnectionStart} (PROXY, pregreet), {@link EnvelopeArguments},
 * {@link SaslExchange}, {@link Xclient}, {@link SubmissionRules} and {@link MessageAcceptance}.
 *
 * <p>Replies are buffered and flushed when the client has nothing more pipelined. Not
 * thread-safe; {@link #run} is called once.
 */
final class SmtpSession implements Runnable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");
  private static final SmtpReply OK = SmtpReply.of(250, EnhancedStatus.OK, "Ok");
  private static final int EXCERPT = 60;

  private final Socket socket;
  private final SmtpSettings settings;
  private final PolicyEngine engine;
  private final MessageAcceptance acceptance;
  private final ConnectionLimiter limiter;
  private final MemoryBudget memory;
  private final References queueIds;
  private final SmtpStats stats;
  private final Optional<SubmissionRules> submission;
  private final ProtocolFacts protocol = new ProtocolFacts();
  private final CommandCounts counts = new CommandCounts();

  private SessionWire wire;
  private SessionState state;
  private SessionPolicy policy;
  private IdentityCommands identity;
  private boolean clientSlot;
  private InetAddress limitedAddress;
  private boolean limitedLan;
  private String lastCommand = "CONNECT";
  private boolean lastLineCrlf = true;

  SmtpSession(Socket socket, SmtpSettings settings, PolicyEngine engine, MessageAcceptance acceptance,
      ConnectionLimiter limiter, MemoryBudget memory, References queueIds, SmtpStats stats) {
    this.socket = socket;
    this.settings = settings;
    this.engine = engine;
    this.acceptance = acceptance;
    this.limiter = limiter;
    this.memory = memory;
    this.queueIds = queueIds;
    this.stats = stats;
    this.submission = settings.submission().map(SubmissionRules::new);
  }

  @Override
  public void run() {
    try (socket) {
      try {
        socket.setTcpNoDelay(true);
        wire = new SessionWire(socket, settings.hostname(), settings.errorsMax());
        wire.describeClientAs(this::clientText);
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (settings.proxyProtocol()) {
          Optional<InetSocketAddress> real = ConnectionStart.proxiedClient(wire.input(), remote,
              settings.proxyNetworks(), settings.commandTimeout());
          if (real.isEmpty()) {
            return;
          }
          remote = real.get();
        }
        state = new SessionState(Addresses.unmap(remote.getAddress()), remote.getPort());
        if (settings.submission().map(SmtpSettings.Submission::implicitTls).orElse(false)
            && !IdentityCommands.startTls(wire, settings, protocol, state.clientAddress, this::clientText)) {
          return;
        }
        open();
      } catch (SocketTimeoutException e) {
        log.info("timeout after {} from {}", lastCommand, clientText());
        wire.tryReply(SmtpReply.of(421, EnhancedStatus.parse("4.4.2"), settings.hostname() + " Error: timeout exceeded"));
      } catch (IOException e) {
        log.info("lost connection after {} from {}: {}", lastCommand, clientText(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("internal error in session with {}", clientText(), e);
        if (wire != null) {
          wire.tryReply(SmtpReply.of(421, EnhancedStatus.TEMPORARY_SYSTEM_ERROR,
              settings.hostname() + " Error: internal error, try again later"));
        }
      } finally {
        if (wire != null) {
          wire.flushQuietly();
        }
      }
    } catch (IOException closing) {
      // the socket could not be closed cleanly; nothing more to do
    } finally {
      releaseClientSlot();
      limiter.releaseTotal();
      stats.sessionEnded();
      if (policy != null) {
        log.info("disconnect from {} {}", clientText(), counts.summary(wire.errors()));
      }
    }
  }

  /** Takes the client's place under the per-client and per-network limits, then greets and serves. */
  private void open() throws IOException {
    limitedAddress = state.clientAddress;
    limitedLan = engine.site().isLan(limitedAddress);
    ConnectionLimiter.Slot slot = limiter.acquireClient(limitedAddress, limitedLan);
    clientSlot = slot == ConnectionLimiter.Slot.TAKEN;
    policy = engine.newSession(engine.client(state.clientAddress, state.clientPort), protocol);
    identity = new IdentityCommands(wire, state, settings, engine, policy,
        ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress(), this::clientText);
    log.info("connect from {}[{}] port={}", policy.client().nameOrUnknown(), policy.client().addressText(),
        state.clientPort);
    if (slot != ConnectionLimiter.Slot.TAKEN) {
      // connection-limit answers 421; the connection closes here in any case
      boolean network = slot == ConnectionLimiter.Slot.NETWORK_FULL;
      wire.refused(policy.judge(new ProtocolProblem.TooManyConnections(
          network ? Optional.of(Cidr.clientNetwork(limitedAddress).toString()) : Optional.empty(),
          network ? settings.limits().connectionsPerNetworkMax() : settings.connectionsPerClientMax()), Optional.empty()));
      return;
    }
    greet();
    commandLoop();
  }

  /**
   * Frees this connection's place in the per-client count; done at QUIT before the 221, so that a
   * client reconnecting at once is not refused for a connection it has already ended.
   */
  private void releaseClientSlot() {
    if (clientSlot) {
      clientSlot = false;
      limiter.releaseClient(limitedAddress, limitedLan);
    }
  }

  private void greet() throws IOException {
    ConnectionStart.detectPregreet(wire.input(), settings.greetingDelay(), protocol, EXCERPT, clientText());
    if (policy.connect() instanceof SessionPolicy.Decision.Refused refused) {
      if (refused.refusal().disconnects()) {
        wire.reply(refused.refusal().reply());
        wire.close();
        return;
      }
      // A refusal instead of the greeting (554 when permanent, RFC 5321 3.1), then only QUIT.
      state.connectRefusal = refused.refusal();
      wire.reply(state.connectRefusal.reply());
      return;
    }
    wire.reply(SmtpReply.of(220, settings.hostname() + " ESMTP Portcullis"));
  }

  // ---- command loop ----

  private void commandLoop() throws IOException {
    SmtpInput input = wire.input();
    Line line = wire.line();
    while (!wire.closing()) {
      // RFC 2920: replies to a pipelined group may wait until its last command; flush when our
      // buffer is drained (asking the kernel for more would cost a system call per command).
      if (input.buffered() == 0) {
        wire.flush();
      }
      input.deadline(state.commandDeadline(settings.commandTimeout()));
      int limit = settings.commandLineMaxBytes() + (state.esmtp ? settings.esmtpParameterAllowanceBytes() : 0);
      if (!input.readLine(line, limit) || line.ending == Line.Ending.EOF) {
        log.info("lost connection after {} from {}", lastCommand, clientText());
        return;
      }
      lastLineCrlf = line.ending == Line.Ending.CRLF;
      if (line.overflow) {
        wire.clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: line too long (limit " + limit + " octets)"));
        continue;
      }
      if (line.contains((byte) 0)) {
        wire.clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: NUL character in command"));
        continue;
      }
      String text = line.text();
      int space = text.indexOf(' ');
      String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
      String argument = space < 0 ? "" : text.substring(space + 1);
      lastCommand = verb.length() > 12 ? "UNKNOWN" : verb;
      if (state.connectRefusal != null && !verb.equals("QUIT")) {
        wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: this server refused your connection; send QUIT"));
        continue;
      }
      watchPipelining(verb, line);
      dispatch(verb, argument);
    }
    wire.flush();
  }

  private void dispatch(String verb, String argument) throws IOException {
    switch (verb) {
      case "EHLO" -> count(Command.EHLO).identity.helo(argument, true);
      case "HELO" -> count(Command.HELO).identity.helo(argument, false);
      case "MAIL" -> count(Command.MAIL).mail(argument);
      case "RCPT" -> count(Command.RCPT).rcpt(argument);
      case "DATA" -> count(Command.DATA).data(argument);
      case "RSET" -> {
        count(Command.RSET).resetTransaction();
        wire.reply(OK);
      }
      case "NOOP" -> count(Command.NOOP).wire.reply(OK);
      case "QUIT" -> {
        count(Command.QUIT).releaseClientSlot();
        wire.reply(SmtpReply.of(221, EnhancedStatus.OK, "Bye"));
        wire.close();
      }
      case "VRFY" -> count(Command.VRFY).wire.reply(SmtpReply.of(252, EnhancedStatus.parse("2.5.0"),
          "Cannot VRFY user, but will accept message and attempt delivery"));
      case "HELP" -> count(Command.HELP).wire.reply(SmtpReply.of(214, EnhancedStatus.OK,
          "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS; see RFC 5321"));
      case "STARTTLS" -> count(Command.STARTTLS).identity.starttls(argument);
      case "XCLIENT" -> count(Command.XCLIENT).identity.xclient(argument);
      case "AUTH" -> count(Command.AUTH).identity.auth(argument);
      case "EXPN", "ETRN", "TURN", "BDAT", "ATRN" -> count(Command.UNKNOWN).wire.clientError(
          SmtpReply.of(502, EnhancedStatus.parse("5.5.1"), "Error: command not implemented"));
      case "GET", "POST", "HEAD", "PUT", "CONNECT", "OPTIONS", "USER-AGENT:", "HOST:" -> {
        count(Command.UNKNOWN);
        log.info("non-SMTP command {} from {}; closing", verb, clientText());
        wire.reply(SmtpReply.of(421, EnhancedStatus.parse("4.7.0"), settings.hostname()
            + " Error: this is an SMTP server, not a web proxy; closing"));
        wire.close();
      }
      default -> count(Command.UNKNOWN).wire.clientError(
          SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: command not recognized"));
    }
  }

  /**
   * postscreen's pipelining test: a command that must end a group (RFC 2920 3.1), or any command
   * when PIPELINING was not offered, followed by more input before our reply.
   */
  private void watchPipelining(String verb, Line line) throws IOException {
    if (verb.equals("QUIT") || protocol.pipeliningViolation().isPresent()) {
      return;
    }
    boolean mustWait = !state.esmtp || switch (verb) {
      case "EHLO", "HELO", "DATA", "STARTTLS", "VRFY", "NOOP", "XCLIENT" -> true;
      default -> false;
    };
    if (mustWait && wire.input().hasPendingInput()) {
      protocol.recordPipeliningViolation(line.excerpt(EXCERPT) + " followed at once by \""
          + ConnectionStart.printable(wire.input().peek(EXCERPT)) + "\"");
      log.info("improper pipelining from {} after {}", clientText(), verb);
    }
  }

  // ---- MAIL ----

  private void mail(String argument) throws IOException {
    if (state.inTransaction()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: nested MAIL command"));
      return;
    }
    Optional<String> rest = EnvelopeArguments.afterKeyword(argument, "FROM:");
    if (rest.isEmpty()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: MAIL FROM:<address>"));
      return;
    }
    EnvelopeArguments.Mail mail;
    try {
      mail = EnvelopeArguments.mail(rest.get());
    } catch (AddressSyntaxException e) {
      refuseAddress(Phase.MAIL, e, rest.get(), Optional.empty());
      return;
    } catch (EsmtpParameters.ParameterException e) {
      wire.clientError(e.reply);
      return;
    }
    if (mail.parameters().declaredSize().orElse(0) > settings.messageSizeMaxBytes()) {
      wire.clientError(SmtpReply.of(552, EnhancedStatus.parse("5.3.4"),
          "Message size exceeds fixed maximum message size (" + settings.messageSizeMaxBytes() + " octets)"));
      return;
    }
    if (submission.isPresent()) {
      Optional<String> user = protocol.authenticatedUser();
      Optional<SmtpReply> loginMissing = submission.get().loginMissing(user);
      if (loginMissing.isPresent()) {
        wire.clientError(loginMissing.get());
        return;
      }
      Optional<ProtocolProblem> problem = submission.get().senderProblem(user, mail.path(), rest.get());
      if (problem.isPresent() && wire.refused(policy.judge(problem.get(), Optional.empty()))) {
        return;
      }
    }
    if (wire.refused(policy.mail(mail.path(), mail.parameters()))) {
      policy.resetTransaction();
      return;
    }
    state.beginTransaction(settings.limits().transactionMax());
    wire.reply(SmtpReply.of(250, EnhancedStatus.SENDER_OK, "Ok"));
  }

  // ---- RCPT ----

  private void rcpt(String argument) throws IOException {
    if (!state.inTransaction()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: need MAIL command"));
      return;
    }
    Optional<String> rest = EnvelopeArguments.afterKeyword(argument, "TO:");
    if (rest.isEmpty()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: RCPT TO:<address>"));
      return;
    }
    Recipient recipient;
    try {
      String postmasterDomain = policy.site().acceptedDomains().stream().sorted().findFirst().orElse(settings.hostname());
      recipient = EnvelopeArguments.rcpt(rest.get(), policy.mailParameters().smtputf8(), postmasterDomain);
    } catch (AddressSyntaxException e) {
      refuseAddress(Phase.RCPT, e, rest.get(), Optional.empty());
      return;
    } catch (EsmtpParameters.ParameterException e) {
      wire.clientError(e.reply);
      return;
    }
    if (state.recipients() >= settings.recipientsMax()) {
      // RFC 5321 4.5.3.1.10: the client sends these in another transaction; not an error, up to
      // an allowance (Postfix's smtpd_recipient_overshoot_limit).
      SmtpReply tooMany = SmtpReply.of(452, EnhancedStatus.parse("4.5.3"),
          "Too many recipients (at most " + settings.recipientsMax() + " per message); send the rest in another "
              + "transaction");
      if (state.overshoot() > settings.limits().recipientOvershootMax()) {
        wire.clientError(tooMany);
      } else {
        wire.reply(tooMany);
      }
      return;
    }
    Optional<ProtocolProblem> problem = submission.flatMap(
        s -> s.nullSenderProblem(protocol.authenticatedUser(), policy, recipient));
    if (problem.isPresent() && wire.refused(policy.judge(problem.get(), Optional.of(recipient)))) {
      return;
    }
    SessionPolicy.Decision decision = policy.rcpt(recipient);
    if (decision instanceof SessionPolicy.Decision.Split split) {
      // Not an error: the client sends this recipient in another transaction (RFC 5321 4.5.3.1.10).
      wire.reply(SmtpReply.of(452, EnhancedStatus.parse("4.5.3"), "This recipient's settings for " + split.check()
          + " differ from the other recipients'; send to it in another transaction"));
      return;
    }
    if (wire.refused(decision)) {
      return;
    }
    state.recipientAccepted();
    wire.reply(SmtpReply.of(250, EnhancedStatus.DESTINATION_VALID, "Ok"));
  }

  // ---- DATA ----

  private void data(String argument) throws IOException {
    if (!argument.isBlank()) {
      wire.clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: DATA"));
      return;
    }
    if (!state.inTransaction()) {
      wire.clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: need MAIL command"));
      return;
    }
    if (state.recipients() == 0) {
      wire.clientError(SmtpReply.of(554, EnhancedStatus.parse("5.5.1"), "Error: no valid recipients"));
      return;
    }
    if (wire.refused(policy.data())) {
      resetTransaction();
      return;
    }
    String queueId = queueIds.next();
    Instant receivedAt = engine.clock().instant();
    wire.reply(SmtpReply.of(354, "End data with <CR><LF>.<CR><LF>"));
    wire.flush();
    long deadline = state.transactionDeadline();
    wire.input().deadline(Math.min(System.nanoTime() + settings.dataTimeout().toNanos(), deadline));
    MessageBuffer buffer = new MessageBuffer(memory);
    try {
      MessageReader.Problems problems = new MessageReader.Problems();
      if (acceptance.reader(wire, deadline).read(buffer, problems, lastLineCrlf) == MessageReader.Status.DISCONNECTED) {
        log.info("lost connection in DATA from {}: {} octets discarded, nothing accepted", clientText(), buffer.size());
        wire.close();
        return;
      }
      lastCommand = "END-OF-DATA";
      Optional<SmtpReply> problem = acceptance.contentProblem(problems, buffer);
      if (problem.isPresent()) {
        wire.clientError(problem.get());
      } else if (!wire.refused(policy.endOfData(buffer.headers(), buffer))) {
        wire.reply(acceptance.accept(policy, protocol, state.esmtp, queueId, receivedAt, buffer));
      }
      resetTransaction();
    } finally {
      buffer.release();
    }
  }

  // ---- helpers ----

  private SmtpSession count(Command command) {
    counts.count(command);
    return this;
  }

  private void refuseAddress(Phase phase, AddressSyntaxException e, String given, Optional<Recipient> rcpt)
      throws IOException {
    ProtocolProblem problem = new ProtocolProblem.MalformedAddress(phase, given, e.kind(), e.getMessage());
    if (!wire.refused(policy.judge(problem, rcpt))) {
      // the address checks are fixed, so only a chain built without them gets here: still refuse
      wire.clientError(SmtpReply.of(501, EnhancedStatus.SYNTAX_ERROR, "Bad address syntax"));
    }
  }

  private void resetTransaction() {
    state.endTransaction();
    policy.resetTransaction();
  }

  private String clientText() {
    if (policy != null) {
      return policy.client().nameOrUnknown() + "[" + policy.client().addressText() + "]";
    }
    return state == null ? "unknown" : "unknown[" + Addresses.toText(state.clientAddress) + "]";
  }
}
