package org.portcullis.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.LogText;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.RecordedRefusal;
import org.portcullis.policy.ReplyRenderer;
import org.portcullis.policy.SessionPolicy;
import org.portcullis.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection, on its own virtual thread: the wire protocol of RFC 5321 with PIPELINING,
 * SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8, DSN, STARTTLS and XCLIENT, and the PROXY
 * protocol before the greeting. Policy is asked at each phase through {@link SessionPolicy}; the
 * session itself only judges syntax, sequence and limits.
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
  private final MessageSink sink;
  private final ConnectionLimiter limiter;
  private final MemoryBudget memory;
  private final References queueIds;
  private final SmtpStats stats;

  private SmtpInput input;
  private OutputStream output;
  private final Line line;
  private final ProtocolFacts protocol = new ProtocolFacts();
  private SessionPolicy policy;
  private InetAddress clientAddress;
  private int clientPort;

  private boolean clientSlot;
  private InetAddress limitedAddress;
  private boolean limitedLan;
  private boolean esmtp;
  private boolean inTransaction;
  /** When the current transaction must be over ({@link System#nanoTime()}); {@code Long.MAX_VALUE} outside one. */
  private long transactionDeadline = Long.MAX_VALUE;
  private int recipientCount;
  private int overshoot;
  private int errors;
  private boolean closing;
  private RecordedRefusal connectRefusal;
  private String lastCommand = "CONNECT";
  private boolean lastLineCrlf = true;
  private final int[] commandCounts = new int[Command.values().length];

  /** The commands we know, for statistics in the disconnect line. */
  private enum Command { EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, STARTTLS, XCLIENT, AUTH, UNKNOWN }

  /** RFC 4954 4: a SASL response line may be this long. */
  private static final int AUTH_LINE_MAX = 12_288;

  SmtpSession(Socket socket, SmtpSettings settings, PolicyEngine engine, MessageSink sink, ConnectionLimiter limiter,
      MemoryBudget memory, References queueIds, SmtpStats stats) {
    this.socket = socket;
    this.settings = settings;
    this.engine = engine;
    this.sink = sink;
    this.limiter = limiter;
    this.memory = memory;
    this.queueIds = queueIds;
    this.stats = stats;
    this.line = new Line(1024);
  }

  @Override
  public void run() {
    try (socket) {
      try {
        socket.setTcpNoDelay(true);
        input = new SmtpInput(socket);
        output = new BufferedOutputStream(socket.getOutputStream(), 2048);
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        clientAddress = Addresses.unmap(remote.getAddress());
        clientPort = remote.getPort();
        if (settings.proxyProtocol() && !readProxyHeader()) {
          return;
        }
        if (settings.submission().map(SmtpSettings.Submission::implicitTls).orElse(false) && !upgradeToTls()) {
          return;
        }
        limitedAddress = clientAddress;
        limitedLan = engine.site().isLan(clientAddress);
        ConnectionLimiter.Slot slot = limiter.acquireClient(limitedAddress, limitedLan);
        clientSlot = slot == ConnectionLimiter.Slot.TAKEN;
        policy = engine.newSession(engine.client(clientAddress, clientPort), protocol);
        log.info("connect from {}[{}] port={}", policy.client().nameOrUnknown(), policy.client().addressText(),
            clientPort);
        if (slot == ConnectionLimiter.Slot.CLIENT_FULL) {
          refuseConnection(421, "4.7.0", "Too many connections from [" + policy.client().addressText() + "]",
              "connections from this address", settings.connectionsPerClientMax() + " at once");
          return;
        }
        if (slot == ConnectionLimiter.Slot.NETWORK_FULL) {
          String network = org.portcullis.mail.Cidr.clientNetwork(clientAddress).toString();
          refuseConnection(421, "4.7.0", "Too many connections from your network " + network,
              "connections from " + network, settings.limits().connectionsPerNetworkMax() + " at once");
          return;
        }
        greet();
        commandLoop();
      } catch (SocketTimeoutException e) {
        log.info("timeout after {} from {}", lastCommand, clientText());
        tryReply(SmtpReply.of(421, EnhancedStatus.parse("4.4.2"), settings.hostname() + " Error: timeout exceeded"));
      } catch (IOException e) {
        log.info("lost connection after {} from {}: {}", lastCommand, clientText(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("internal error in session with {}", clientText(), e);
        tryReply(SmtpReply.of(421, EnhancedStatus.TEMPORARY_SYSTEM_ERROR,
            settings.hostname() + " Error: internal error, try again later"));
      } finally {
        flushQuietly();
      }
    } catch (IOException closing) {
      // the socket could not be closed cleanly; nothing more to do
    } finally {
      releaseClientSlot();
      limiter.releaseTotal();
      stats.sessionEnded();
      if (policy != null) {
        log.info("disconnect from {} {}", clientText(), commandSummary());
      }
    }
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

  private void flushQuietly() {
    try {
      if (output != null && !socket.isClosed()) {
        output.flush();
      }
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  // ---- connection start ----

  private boolean readProxyHeader() throws IOException {
    InetAddress peer = clientAddress;
    if (settings.proxyNetworks().stream().noneMatch(n -> n.contains(peer))) {
      log.warn("PROXY protocol listener: refused connection from [{}], not a configured proxy",
          Addresses.toText(peer));
      return false;
    }
    input.deadline(System.nanoTime() + Math.min(settings.commandTimeout().toNanos(), 10_000_000_000L));
    try {
      Optional<InetSocketAddress> real = ProxyHeader.read(input);
      if (real.isPresent()) {
        clientAddress = Addresses.unmap(real.get().getAddress());
        clientPort = real.get().getPort();
      }
      return true;
    } catch (ProxyHeader.ProxyException | SocketTimeoutException e) {
      log.warn("PROXY protocol: bad header from [{}]: {}", Addresses.toText(peer), e.getMessage());
      return false;
    }
  }

  private void greet() throws IOException {
    detectPregreet();
    SessionPolicy.Decision decision = policy.connect();
    if (decision instanceof SessionPolicy.Decision.Refused refused) {
      if (refused.refusal().disconnects()) {
        reply(refused.refusal().reply());
        closing = true;
        return;
      }
      // Reject at connect without delay: 554 instead of 220, then only QUIT (RFC 5321 3.1).
      connectRefusal = refused.refusal();
      reply(connectRefusal.reply().code() / 100 == 5
          ? new SmtpReply(554, connectRefusal.reply().status(), connectRefusal.reply().lines())
          : connectRefusal.reply());
      return;
    }
    reply(SmtpReply.of(220, settings.hostname() + " ESMTP Portcullis"));
  }

  /** postscreen's pregreet test: did the client talk before our greeting? */
  private void detectPregreet() throws IOException {
    long delay = settings.greetingDelay().toMillis();
    if (delay > 0 && input.buffered() == 0) {
      input.deadline(System.nanoTime() + delay * 1_000_000L);
      try {
        input.fill();
      } catch (SocketTimeoutException quiet) {
        // good: the client waited
      }
    }
    if (input.hasPendingInput()) {
      if (input.buffered() == 0) {
        input.fill();
      }
      byte[] early = input.peek(EXCERPT);
      String excerpt = new String(early, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
      protocol.recordPregreet("\"" + excerpt + "\"");
      log.info("pregreet from {}: {} octet(s) before the greeting", clientText(), input.buffered());
    }
  }

  private void refuseConnection(int code, String status, String reason, String factLabel, String factValue)
      throws IOException {
    Verdict.Refusal verdict = new Verdict.Disconnect(code, EnhancedStatus.parse(status), reason,
        Explanation.builder().fact("client address", policy.client().addressText()).fact(factLabel, factValue)
            .rule("The server limits how many connections one client may hold open at once, and in total, so "
                    + "that no single sender can tie it up (RFC 5321 4.5.3.2 lets a server refuse with 421).",
                "Nothing to do for a normal mail server: it retries later. A sender that opens many parallel "
                    + "connections should use fewer and send several messages per connection."));
    reply(policy.refuseProtocol("connection-limit", Phase.CONNECT, verdict, Optional.empty()).reply());
  }

  // ---- command loop ----

  private void commandLoop() throws IOException {
    while (!closing) {
      // RFC 2920: replies to a pipelined group may wait until its last command; flush when our
      // buffer is drained (asking the kernel for more would cost a system call per command).
      if (input.buffered() == 0) {
        output.flush();
      }
      input.deadline(commandDeadline());
      int limit = settings.commandLineMaxBytes() + (esmtp ? settings.esmtpParameterAllowanceBytes() : 0);
      if (!input.readLine(line, limit) || line.ending == Line.Ending.EOF) {
        log.info("lost connection after {} from {}", lastCommand, clientText());
        return;
      }
      lastLineCrlf = line.ending == Line.Ending.CRLF;
      if (line.overflow) {
        clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: line too long (limit " + limit + " octets)"));
        continue;
      }
      if (line.contains((byte) 0)) {
        clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: NUL character in command"));
        continue;
      }
      String text = line.text();
      int space = text.indexOf(' ');
      String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
      String argument = space < 0 ? "" : text.substring(space + 1);
      lastCommand = verb.length() > 12 ? "UNKNOWN" : verb;
      if (connectRefusal != null && !verb.equals("QUIT")) {
        clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: this server refused your connection; send QUIT"));
        continue;
      }
      watchPipelining(verb);
      dispatch(verb, argument);
    }
    output.flush();
  }

  private void dispatch(String verb, String argument) throws IOException {
    switch (verb) {
      case "EHLO" -> count(Command.EHLO).helo(argument, true);
      case "HELO" -> count(Command.HELO).helo(argument, false);
      case "MAIL" -> count(Command.MAIL).mail(argument);
      case "RCPT" -> count(Command.RCPT).rcpt(argument);
      case "DATA" -> count(Command.DATA).data(argument);
      case "RSET" -> {
        count(Command.RSET);
        resetTransaction();
        reply(OK);
      }
      case "NOOP" -> {
        count(Command.NOOP);
        reply(OK);
      }
      case "QUIT" -> {
        count(Command.QUIT);
        releaseClientSlot();
        reply(SmtpReply.of(221, EnhancedStatus.OK, "Bye"));
        closing = true;
      }
      case "VRFY" -> {
        count(Command.VRFY);
        reply(SmtpReply.of(252, EnhancedStatus.parse("2.5.0"),
            "Cannot VRFY user, but will accept message and attempt delivery"));
      }
      case "HELP" -> {
        count(Command.HELP);
        reply(SmtpReply.of(214, EnhancedStatus.OK,
            "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS; see RFC 5321"));
      }
      case "STARTTLS" -> count(Command.STARTTLS).starttls(argument);
      case "XCLIENT" -> count(Command.XCLIENT).xclient(argument);
      case "EXPN", "ETRN", "TURN", "BDAT", "ATRN" -> {
        count(Command.UNKNOWN);
        clientError(SmtpReply.of(502, EnhancedStatus.parse("5.5.1"), "Error: command not implemented"));
      }
      case "AUTH" -> count(Command.AUTH).auth(argument);
      case "GET", "POST", "HEAD", "PUT", "CONNECT", "OPTIONS", "USER-AGENT:", "HOST:" -> {
        count(Command.UNKNOWN);
        log.info("non-SMTP command {} from {}; closing", verb, clientText());
        reply(SmtpReply.of(421, EnhancedStatus.parse("4.7.0"), settings.hostname()
            + " Error: this is an SMTP server, not a web proxy; closing"));
        closing = true;
      }
      default -> {
        count(Command.UNKNOWN);
        clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: command not recognized"));
      }
    }
  }

  /**
   * postscreen's pipelining test: a command that must end a group (RFC 2920 3.1), or any command
   * when PIPELINING was not offered, followed by more input before our reply.
   */
  private void watchPipelining(String verb) throws IOException {
    if (verb.equals("QUIT") || protocol.pipeliningViolation().isPresent()) {
      return;
    }
    boolean mustWait = !esmtp || switch (verb) {
      case "EHLO", "HELO", "DATA", "STARTTLS", "VRFY", "NOOP", "XCLIENT" -> true;
      default -> false;
    };
    if (mustWait && input.hasPendingInput()) {
      String command = line.excerpt(EXCERPT);
      protocol.recordPipeliningViolation(command + " followed at once by \""
          + new String(input.peek(EXCERPT), StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".") + "\"");
      log.info("improper pipelining from {} after {}", clientText(), verb);
    }
  }

  // ---- HELO / EHLO ----

  private void helo(String argument, boolean extended) throws IOException {
    String name = argument.strip();
    if (name.isEmpty()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
      return;
    }
    if (name.length() > 255 || !line.isAscii()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Error: invalid HELO argument"));
      return;
    }
    inTransaction = false;
    recipientCount = 0;
    overshoot = 0;
    transactionDeadline = Long.MAX_VALUE;
    esmtp = extended;
    protocol.recordEsmtp(extended);
    SessionPolicy.Decision decision = policy.helo(HeloName.parse(name));
    if (refused(decision)) {
      return;
    }
    if (!extended) {
      reply(SmtpReply.of(250, settings.hostname()));
      return;
    }
    List<String> lines = new java.util.ArrayList<>(List.of(settings.hostname(), "PIPELINING",
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
    reply(new SmtpReply(250, Optional.empty(), lines));
  }

  // ---- MAIL ----

  private void mail(String argument) throws IOException {
    if (inTransaction) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: nested MAIL command"));
      return;
    }
    Optional<String> rest = afterKeyword(argument, "FROM:");
    if (rest.isEmpty()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: MAIL FROM:<address>"));
      return;
    }
    MailPath.WithParameters parsed;
    MailParameters parameters;
    try {
      parsed = MailPath.parseWithParameters(rest.get(), true);
      parameters = EsmtpParameters.mail(EsmtpParameters.split(parsed.parameters()));
    } catch (AddressSyntaxException e) {
      addressError(Phase.MAIL, e, rest.get(), Optional.empty());
      return;
    } catch (EsmtpParameters.ParameterException e) {
      clientError(e.reply);
      return;
    }
    if (!parameters.smtputf8() && parsed.path().mailbox().map(EmailAddress::isInternational).orElse(false)) {
      addressError(Phase.MAIL, new AddressSyntaxException(AddressSyntaxException.Kind.NON_ASCII,
          "non-ASCII characters in the address need the SMTPUTF8 parameter (RFC 6531)"), rest.get(), Optional.empty());
      return;
    }
    if (parameters.declaredSize().isPresent() && parameters.declaredSize().getAsLong() > settings.messageSizeMaxBytes()) {
      clientError(SmtpReply.of(552, EnhancedStatus.parse("5.3.4"),
          "Message size exceeds fixed maximum message size (" + settings.messageSizeMaxBytes() + " octets)"));
      return;
    }
    if (settings.submission().isPresent() && !submissionMayMail(parsed.path(), rest.get())) {
      return;
    }
    SessionPolicy.Decision decision = policy.mail(parsed.path(), parameters);
    if (refused(decision)) {
      policy.resetTransaction();
      return;
    }
    inTransaction = true;
    recipientCount = 0;
    overshoot = 0;
    transactionDeadline = System.nanoTime() + settings.limits().transactionMax().toNanos();
    reply(SmtpReply.of(250, EnhancedStatus.SENDER_OK, "Ok"));
  }

  // ---- RCPT ----

  private void rcpt(String argument) throws IOException {
    if (!inTransaction) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: need MAIL command"));
      return;
    }
    Optional<String> rest = afterKeyword(argument, "TO:");
    if (rest.isEmpty()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: RCPT TO:<address>"));
      return;
    }
    boolean utf8 = policy.mailParameters().smtputf8();
    Recipient recipient;
    try {
      Optional<MailPath.WithParameters> postmaster = postmasterShortcut(rest.get());
      MailPath.WithParameters parsed = postmaster.isPresent() ? postmaster.get()
          : MailPath.parseWithParameters(rest.get(), true);
      EsmtpParameters.RcptParameters params = EsmtpParameters.rcpt(EsmtpParameters.split(parsed.parameters()));
      if (parsed.path().isNull()) {
        throw new AddressSyntaxException(AddressSyntaxException.Kind.SYNTAX, "the null path <> is not a recipient");
      }
      if (!utf8 && parsed.path().address().isInternational()) {
        throw new AddressSyntaxException(AddressSyntaxException.Kind.NON_ASCII,
            "non-ASCII characters in the address need the SMTPUTF8 parameter on MAIL FROM (RFC 6531)");
      }
      recipient = new Recipient(parsed.path().address(), params.notifyOn(), params.orcpt(), parsed.path().bracketed());
    } catch (AddressSyntaxException e) {
      addressError(Phase.RCPT, e, rest.get(), Optional.empty());
      return;
    } catch (EsmtpParameters.ParameterException e) {
      clientError(e.reply);
      return;
    }
    if (recipientCount >= settings.recipientsMax()) {
      // RFC 5321 4.5.3.1.10: the client sends these in another transaction; not an error, up to
      // an allowance (Postfix's smtpd_recipient_overshoot_limit).
      SmtpReply tooMany = SmtpReply.of(452, EnhancedStatus.parse("4.5.3"),
          "Too many recipients (at most " + settings.recipientsMax() + " per message); send the rest in another "
              + "transaction");
      if (++overshoot > settings.limits().recipientOvershootMax()) {
        clientError(tooMany);
      } else {
        reply(tooMany);
      }
      return;
    }
    if (settings.submission().isPresent() && !submissionMayNullSend(recipient)) {
      return;
    }
    SessionPolicy.Decision decision = policy.rcpt(recipient);
    if (refused(decision)) {
      return;
    }
    recipientCount++;
    reply(SmtpReply.of(250, EnhancedStatus.DESTINATION_VALID, "Ok"));
  }

  /** {@code RCPT TO:<Postmaster>} without a domain must be accepted (RFC 5321 4.1.1.3). */
  private Optional<MailPath.WithParameters> postmasterShortcut(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("<postmaster>")) {
      return Optional.empty();
    }
    String domain = policy.site().acceptedDomains().stream().sorted().findFirst().orElse(settings.hostname());
    EmailAddress postmaster = new EmailAddress("postmaster", domain, false);
    return Optional.of(new MailPath.WithParameters(
        new MailPath(Optional.of(postmaster), List.of(), true), text.substring("<postmaster>".length()).strip()));
  }

  // ---- DATA ----

  private void data(String argument) throws IOException {
    if (!argument.isBlank()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: DATA"));
      return;
    }
    if (!inTransaction) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: need MAIL command"));
      return;
    }
    if (recipientCount == 0) {
      clientError(SmtpReply.of(554, EnhancedStatus.parse("5.5.1"), "Error: no valid recipients"));
      return;
    }
    if (refused(policy.data())) {
      resetTransaction();
      return;
    }
    String queueId = queueIds.next();
    Instant receivedAt = engine.clock().instant();
    reply(SmtpReply.of(354, "End data with <CR><LF>.<CR><LF>"));
    output.flush();
    long now = System.nanoTime();
    input.deadline(Math.min(now + settings.dataTimeout().toNanos(), transactionDeadline));
    MessageBuffer buffer = new MessageBuffer(memory);
    try {
      MessageReader.Problems problems = new MessageReader.Problems();
      MessageReader reader = new MessageReader(input, line, settings.textLineMaxBytes(), settings.messageSizeMaxBytes(),
          new MessageReader.Pace(settings.dataTimeout().toNanos(), settings.limits().dataRateMinBytesPerSecond(),
              transactionDeadline));
      if (reader.read(buffer, problems, lastLineCrlf) == MessageReader.Status.DISCONNECTED) {
        log.info("lost connection in DATA from {}: {} octets discarded, nothing accepted", clientText(), buffer.size());
        closing = true;
        return;
      }
      lastCommand = "END-OF-DATA";
      Optional<SmtpReply> problem = contentProblem(problems, buffer);
      if (problem.isPresent()) {
        clientError(problem.get());
        resetTransaction();
        return;
      }
      if (refused(policy.endOfData(buffer.headers()))) {
        resetTransaction();
        return;
      }
      accept(queueId, receivedAt, buffer);
    } finally {
      buffer.release();
    }
  }

  private Optional<SmtpReply> contentProblem(MessageReader.Problems problems, MessageBuffer buffer) {
    if (problems.tooBig) {
      return Optional.of(SmtpReply.of(552, EnhancedStatus.parse("5.3.4"),
          "Message size exceeds fixed maximum message size (" + settings.messageSizeMaxBytes() + " octets)"));
    }
    if (problems.firstLongLine > 0) {
      return Optional.of(SmtpReply.of(554, EnhancedStatus.parse("5.6.0"), "Message refused: line "
          + problems.firstLongLine + " is longer than " + settings.textLineMaxBytes()
          + " octets (RFC 5321 4.5.3.1.6); encode long lines (quoted-printable or base64)"));
    }
    if (problems.nul) {
      return Optional.of(SmtpReply.of(554, EnhancedStatus.parse("5.6.0"),
          "Message refused: it contains NUL characters, which mail may not carry (RFC 5322 2.3)"));
    }
    if (buffer.overBudget()) {
      return Optional.of(SmtpReply.of(452, EnhancedStatus.parse("4.3.1"),
          "Insufficient system storage right now; try again later"));
    }
    return Optional.empty();
  }

  private void accept(String queueId, Instant receivedAt, MessageBuffer buffer) throws IOException {
    Envelope envelope = new Envelope(policy.sender().orElseThrow(), policy.acceptedRecipients(), policy.mailParameters());
    List<SessionPolicy.AppliedTag> tags = policy.tags();
    StringBuilder prefix = new StringBuilder(512);
    ClientInfo client = policy.client();
    String forRecipient = envelope.recipients().size() == 1 ? "<" + envelope.recipients().getFirst().address() + ">" : "";
    prefix.append(ReceivedHeader.build(policy.helo().map(HeloName::raw).orElse(""), client.nameOrUnknown(),
        client.addressText(), settings.hostname(), protocolKeyword(envelope), tlsInfo(), queueId, forRecipient,
        ZonedDateTime.ofInstant(receivedAt, java.time.ZoneOffset.UTC)));
    if (settings.submission().isPresent()) {
      fixUpHeaders(prefix, buffer, queueId, receivedAt);
    }
    for (SessionPolicy.AppliedTag tag : tags) {
      prefix.append("X-Portcullis-Tag: ").append(ReceivedHeader.headerText(tag.headerValue())).append("\r\n");
    }
    // Only spam signs mark the subject; an information tag (HELO differs from PTR) is not a verdict.
    boolean spam = tags.stream().anyMatch(t -> t.kind() == org.portcullis.policy.TagKind.SPAM);
    String subjectPrefix = spam ? settings.taggedSubjectPrefix() : "";
    List<ByteBuffer> content = buffer.content(prefix.toString().getBytes(StandardCharsets.UTF_8), subjectPrefix);
    try {
      sink.accept(queueId, receivedAt, client.addressText(), client.nameOrUnknown(),
          policy.helo().map(HeloName::raw).orElse(""), envelope, content);
    } catch (IOException e) {
      log.error("queue file write error for {} from {}", queueId, clientText(), e);
      reply(SmtpReply.of(451, EnhancedStatus.TEMPORARY_SYSTEM_ERROR, "Error: queue file write error; try again later"));
      resetTransaction();
      return;
    }
    stats.accepted();
    log.info("accepted queue={} {} to={} size={} nrcpt={}{}{}", queueId,
        ReplyRenderer.describe(policy, Optional.empty()),
        LogText.value(envelope.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(","))),
        buffer.size(), envelope.recipients().size(), protocol.tls() ? " tls=" + protocol.tlsProtocol().orElse("yes") : "",
        tags.isEmpty() ? "" : " tags=" + tags.stream().map(t -> t.check() + ":" + t.reference()).collect(Collectors.joining(",")));
    reply(SmtpReply.of(250, EnhancedStatus.OK, "Ok: queued as " + queueId));
    resetTransaction();
  }

  /**
   * RFC 6409 8.2 and 8.3: a message submitted without Date or Message-ID gets them here, since
   * the receiving servers and the recipients' software expect both.
   */
  private void fixUpHeaders(StringBuilder prefix, MessageBuffer buffer, String queueId, Instant receivedAt) {
    org.portcullis.policy.MessageHeaders headers = buffer.headers();
    if (headers.first("Date").isEmpty()) {
      prefix.append("Date: ").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
          ZonedDateTime.ofInstant(receivedAt, java.time.ZoneOffset.UTC))).append("\r\n");
    }
    if (headers.first("Message-ID").isEmpty()) {
      prefix.append("Message-ID: <").append(queueId).append('.').append(Long.toUnsignedString(
          java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36)).append('@').append(settings.hostname())
          .append(">\r\n");
    }
  }

  private String protocolKeyword(Envelope envelope) {
    String base = envelope.parameters().smtputf8() ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP";
    if (base.equals("SMTP")) {
      return protocol.tls() ? "ESMTPS" : "SMTP";
    }
    return base + (protocol.tls() ? "S" : "") + (protocol.authenticatedUser().isPresent() ? "A" : "");
  }

  private String tlsInfo() {
    return protocol.tlsProtocol().map(p -> "using " + p).orElse("");
  }

  // ---- STARTTLS ----

  private void starttls(String argument) throws IOException {
    if (settings.tls().isEmpty()) {
      clientError(SmtpReply.of(502, EnhancedStatus.parse("5.5.1"), "Error: STARTTLS not offered"));
      return;
    }
    if (protocol.tls()) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: TLS already active"));
      return;
    }
    if (!argument.isBlank()) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: STARTTLS"));
      return;
    }
    int dropped = input.discardBuffered();
    if (dropped > 0) {
      // RFC 3207 6: plaintext sent after STARTTLS is an injection attempt; it must not be obeyed.
      log.warn("discarded {} octet(s) of plaintext pipelined after STARTTLS from {}", dropped, clientText());
    }
    reply(SmtpReply.of(220, EnhancedStatus.OK, "Ready to start TLS"));
    output.flush();
    if (!upgradeToTls()) {
      closing = true;
      return;
    }
    forgetGreeting();
    policy.forgetHelo();
  }

  /** Runs the TLS handshake as the server on this connection; false (logged) if it fails. */
  private boolean upgradeToTls() throws IOException {
    SSLSocket tls = (SSLSocket) settings.tls().orElseThrow().getSocketFactory()
        .createSocket(socket, clientAddress.getHostAddress(), socket.getPort(), true);
    tls.setUseClientMode(false);
    tls.setSoTimeout((int) settings.commandTimeout().toMillis());
    try {
      tls.startHandshake();
    } catch (IOException e) {
      log.info("TLS handshake failed with {}: {}", clientText(), e.getMessage());
      return false;
    }
    input.replaceSocket(tls);
    output = new BufferedOutputStream(tls.getOutputStream(), 2048);
    protocol.recordTls(tls.getSession().getProtocol() + " with cipher " + tls.getSession().getCipherSuite());
    log.info("TLS established with {}: {}", clientText(), protocol.tlsProtocol().orElse(""));
    return true;
  }

  // ---- AUTH (submission) ----

  private void auth(String argument) throws IOException {
    if (settings.submission().isEmpty()) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: authentication not enabled on this port"));
      return;
    }
    if (!esmtp) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: send EHLO first"));
      return;
    }
    if (protocol.authenticatedUser().isPresent()) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: already authenticated"));
      return;
    }
    if (inTransaction) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: MAIL transaction in progress"));
      return;
    }
    if (!protocol.tls()) {
      clientError(SmtpReply.of(538, EnhancedStatus.parse("5.7.11"),
          "Encryption required for requested authentication mechanism; use STARTTLS first"));
      return;
    }
    String[] words = argument.strip().split(" ");
    if (words[0].isEmpty() || words.length > 2) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Syntax: AUTH mechanism [initial-response]"));
      return;
    }
    Optional<String> initial = words.length == 2 ? Optional.of(words[1]) : Optional.empty();
    Optional<String[]> credentials;
    switch (words[0].toUpperCase(Locale.ROOT)) {
      case "PLAIN" -> credentials = plain(initial);
      case "LOGIN" -> credentials = login(initial);
      default -> {
        clientError(SmtpReply.of(504, EnhancedStatus.parse("5.5.4"), "Unrecognized authentication type"
            + " (PLAIN and LOGIN are offered)"));
        return;
      }
    }
    if (credentials.isEmpty()) {
      return; // cancelled or undecodable: already answered
    }
    switch (settings.submission().get().authenticator().authenticate(clientAddress, credentials.get()[0],
        credentials.get()[1])) {
      case Authenticator.Accepted a -> {
        protocol.recordAuthentication(a.user());
        log.info("authenticated {} as {} mechanism={}", clientText(), LogText.value(a.user()),
            words[0].toUpperCase(Locale.ROOT));
        reply(SmtpReply.of(235, EnhancedStatus.parse("2.7.0"), "Authentication successful"));
      }
      case Authenticator.Rejected r -> clientError(SmtpReply.of(535, EnhancedStatus.parse("5.7.8"),
          "Error: authentication failed: wrong user name or password"));
      case Authenticator.Throttled t -> clientError(SmtpReply.of(454, EnhancedStatus.parse("4.7.0"),
          "Error: " + t.why()));
    }
  }

  /** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password; a different authzid is refused. */
  private Optional<String[]> plain(Optional<String> initial) throws IOException {
    Optional<String> response = initial.isPresent() ? initial : challenge("");
    if (response.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> decoded = decode(response.get());
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = decoded.get().split("\u0000", -1);
    if (parts.length != 3 || parts[1].isEmpty() || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
      clientError(SmtpReply.of(535, EnhancedStatus.parse("5.7.8"), "Error: authentication failed: "
          + (parts.length != 3 ? "malformed PLAIN response" : "acting for another user is not allowed")));
      return Optional.empty();
    }
    return Optional.of(new String[] {parts[1], parts[2]});
  }

  /** SASL LOGIN (draft-murchison-sasl-login): user name, then password, each on a prompt. */
  private Optional<String[]> login(Optional<String> initial) throws IOException {
    Optional<String> user = initial.isPresent() ? initial : challenge("Username:");
    if (user.isEmpty() || (user = decode(user.get())).isEmpty()) {
      return Optional.empty();
    }
    Optional<String> password = challenge("Password:");
    if (password.isEmpty() || (password = decode(password.get())).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new String[] {user.get(), password.get()});
  }

  /** Sends a 334 challenge and reads the response line; empty (answered 501) if the client cancels. */
  private Optional<String> challenge(String prompt) throws IOException {
    reply(SmtpReply.of(334, java.util.Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.UTF_8))));
    output.flush();
    input.deadline(commandDeadline());
    if (!input.readLine(line, AUTH_LINE_MAX) || line.ending == Line.Ending.EOF) {
      throw new IOException("connection closed during AUTH");
    }
    if (line.overflow) {
      clientError(SmtpReply.of(500, EnhancedStatus.SYNTAX_ERROR, "Error: AUTH response too long"));
      return Optional.empty();
    }
    String text = line.text().strip();
    if (text.equals("*")) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.0.0"), "Authentication cancelled"));
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
      return Optional.of(new String(java.util.Base64.getDecoder().decode(base64), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.2"), "Error: cannot decode the AUTH response (base64)"));
      return Optional.empty();
    }
  }

  /**
   * The submission listener's rules for MAIL: a login first (unless configured otherwise), and a
   * sender the login owns (Postfix's reject_sender_login_mismatch). False if refused (answered).
   */
  private boolean submissionMayMail(MailPath sender, String given) throws IOException {
    SmtpSettings.Submission submission = settings.submission().orElseThrow();
    Optional<String> user = protocol.authenticatedUser();
    if (user.isEmpty()) {
      if (submission.requireAuth()) {
        clientError(SmtpReply.of(530, EnhancedStatus.parse("5.7.0"),
            "Authentication required: log in with AUTH (after STARTTLS) to send mail on this port"));
        return false;
      }
      return true;
    }
    if (sender.isNull()) {
      return true; // bounces and receipts carry no sender to own
    }
    Optional<String> refusal = submission.authenticator().senderRefusal(user.get(), sender.address());
    if (refusal.isEmpty()) {
      return true;
    }
    Verdict.Refusal verdict = new Verdict.Reject(553, EnhancedStatus.parse("5.7.1"),
        "Sender address rejected: not owned by user " + user.get(),
        Explanation.builder().fact("logged in as", user.get()).fact("MAIL FROM given", LogText.escape(given, 300))
            .fact("why", refusal.get())
            .rule("On the submission port a user may only send as the addresses their account owns, so that one "
                    + "account (or a stolen password) cannot forge mail from another user or domain (RFC 6409 6.1).",
                "Send from one of your own addresses, or ask the administrator to add this address to your "
                    + "account (portcullis user senders)."));
    reply(policy.refuseProtocol("sender-login", Phase.MAIL, verdict, Optional.empty()).reply());
    countError();
    return false;
  }

  /**
   * A logged-in user's mail with the null sender (a bounce, a read receipt) may only go to our own
   * domains: towards others it would be anonymous mail from our servers that nobody can answer
   * or bounce. False if refused (answered).
   */
  private boolean submissionMayNullSend(Recipient recipient) throws IOException {
    Optional<String> user = protocol.authenticatedUser();
    if (user.isEmpty() || !policy.sender().map(MailPath::isNull).orElse(false)
        || policy.site().isAcceptedDomain(recipient.address().domain())) {
      return true;
    }
    Verdict.Refusal verdict = new Verdict.Reject(550, EnhancedStatus.parse("5.7.1"),
        "Sender address rejected: the null sender <> may only write to this server's own domains",
        Explanation.builder().fact("logged in as", user.get()).fact("MAIL FROM given", "<>")
            .fact("recipient", "<" + recipient.address() + ">")
            .rule("The null sender is for delivery reports, which mail servers send; mail from a logged-in user to "
                    + "other domains must name a sender its account owns, so replies and bounces reach someone "
                    + "(RFC 5321 4.5.5, RFC 6409 6.1).",
                "Send with one of your own addresses as the sender. Mail programs that send read receipts or "
                    + "vacation replies with an empty sender must be set to use the account's address."));
    reply(policy.refuseProtocol("sender-login", Phase.RCPT, verdict, Optional.of(recipient)).reply());
    countError();
    return false;
  }

  // ---- XCLIENT ----

  private boolean xclientAllowed() {
    InetAddress peer = Addresses.unmap(((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress());
    return settings.xclientNetworks().stream().anyMatch(n -> n.contains(peer));
  }

  private void xclient(String argument) throws IOException {
    if (!xclientAllowed()) {
      clientError(SmtpReply.of(550, EnhancedStatus.parse("5.7.0"), "Error: insufficient authorization"));
      return;
    }
    if (inTransaction) {
      clientError(SmtpReply.of(503, EnhancedStatus.BAD_SEQUENCE, "Error: MAIL transaction in progress"));
      return;
    }
    Map<String, String> attributes;
    try {
      attributes = Xclient.parse(argument);
    } catch (IllegalArgumentException e) {
      clientError(SmtpReply.of(501, EnhancedStatus.parse("5.5.4"), "Bad XCLIENT attribute: " + LogText.forReply(e.getMessage(), 100)));
      return;
    }
    InetAddress address = clientAddress;
    int port = clientPort;
    if (attributes.containsKey("ADDR") && !Xclient.isUnavailable(attributes.get("ADDR"))) {
      address = Xclient.address(attributes.get("ADDR"));
    }
    if (attributes.containsKey("PORT") && !Xclient.isUnavailable(attributes.get("PORT"))) {
      port = Xclient.port(attributes.get("PORT"));
    }
    ClientInfo newClient;
    if (attributes.containsKey("NAME")) {
      String name = attributes.get("NAME");
      boolean temporary = name.equalsIgnoreCase("[TEMPUNAVAIL]");
      Optional<String> asserted = Xclient.isUnavailable(name) ? Optional.empty() : Optional.of(name);
      newClient = engine.assertedClient(address, port, asserted, temporary);
    } else {
      newClient = engine.client(address, port);
    }
    if (attributes.containsKey("LOGIN") && !Xclient.isUnavailable(attributes.get("LOGIN"))) {
      protocol.recordAuthentication(attributes.get("LOGIN"));
    }
    log.info("xclient from {}: client is now {}[{}]", clientText(), newClient.nameOrUnknown(), newClient.addressText());
    clientAddress = newClient.address();
    clientPort = port;
    policy.replaceClient(newClient);
    forgetGreeting();
    connectRefusal = null;
    greetAfterXclient(attributes);
  }

  private void greetAfterXclient(Map<String, String> attributes) throws IOException {
    SessionPolicy.Decision decision = policy.connect();
    if (decision instanceof SessionPolicy.Decision.Refused refused) {
      reply(refused.refusal().reply());
      if (refused.refusal().disconnects()) {
        closing = true;
      } else {
        connectRefusal = refused.refusal();
      }
      return;
    }
    if (attributes.containsKey("HELO") && !Xclient.isUnavailable(attributes.get("HELO"))) {
      policy.helo(HeloName.parse(attributes.get("HELO")));
      }
    reply(SmtpReply.of(220, settings.hostname() + " ESMTP Portcullis"));
  }

  // ---- helpers ----

  private SmtpSession count(Command command) {
    commandCounts[command.ordinal()]++;
    return this;
  }

  /** Sends a refusal if the decision is one; returns true if it was. */
  private boolean refused(SessionPolicy.Decision decision) throws IOException {
    if (!(decision instanceof SessionPolicy.Decision.Refused refused)) {
      return false;
    }
    RecordedRefusal refusal = refused.refusal();
    reply(refusal.reply());
    if (refusal.disconnects()) {
      closing = true;
    } else {
      countError();
    }
    return true;
  }

  private void addressError(Phase phase, AddressSyntaxException e, String given, Optional<Recipient> rcpt)
      throws IOException {
    boolean sender = phase == Phase.MAIL;
    String status = switch (e.kind()) {
      case NON_ASCII -> "5.6.7";
      default -> sender ? "5.1.7" : "5.1.3";
    };
    int code = e.kind() == AddressSyntaxException.Kind.NON_ASCII ? 553 : 501;
    String what = sender ? "sender" : "recipient";
    String check = e.kind() == AddressSyntaxException.Kind.MISSING_DOMAIN && !sender ? "recipient-full-address"
        : "envelope-syntax";
    String reason = switch (e.kind()) {
      case MISSING_DOMAIN -> "Bad " + what + " address: a full address (user@domain) is required";
      case NON_ASCII -> "Non-ASCII " + what + " address needs SMTPUTF8";
      case TOO_LONG -> "Bad " + what + " address: too long";
      case SYNTAX -> "Bad " + what + " address syntax";
    };
    String fix = switch (e.kind()) {
      case MISSING_DOMAIN -> "Write the full address, user@domain.example. Mail software that appends no domain "
          + "must be configured with its domain (Postfix: myorigin; Exchange: the accepted domain).";
      case NON_ASCII -> "Use a mail server that supports SMTPUTF8 (it sends the SMTPUTF8 parameter on MAIL FROM), "
          + "or an ASCII address.";
      default -> "Check the address for typing errors. An address is local-part@domain, in angle brackets after "
          + (sender ? "MAIL FROM:" : "RCPT TO:") + ", without spaces, trailing dots or a second @ outside quotes.";
    };
    Verdict.Refusal verdict = new Verdict.Reject(code, EnhancedStatus.parse(status), reason,
        Explanation.builder().fact("client address", policy.client().addressText())
            .fact((sender ? "MAIL FROM" : "RCPT TO") + " given", LogText.escape(given, 300))
            .fact("problem", e.getMessage())
            .rule("Envelope addresses must follow the syntax of RFC 5321 4.1.2 (RFC 6531 for international "
                    + "addresses); the server cannot guess what a malformed address means (mail operators' best practices "
                    + "\"Email Addresses should be formatted correctly\", \"Require FULL email of recipient\").",
                fix));
    reply(policy.refuseProtocol(check, phase, verdict, rcpt).reply());
    countError();
  }

  private static Optional<String> afterKeyword(String argument, String keyword) {
    if (argument.length() < keyword.length() || !argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return Optional.empty();
    }
    String rest = argument.substring(keyword.length());
    // Tolerate "MAIL FROM: <a@b>" (one space), as Postfix does; the path itself is strict.
    return Optional.of(rest.startsWith(" ") ? rest.substring(1) : rest);
  }

  /** After STARTTLS or XCLIENT the client starts over: EHLO again, no transaction. */
  private void forgetGreeting() {
    esmtp = false;
    inTransaction = false;
    recipientCount = 0;
    overshoot = 0;
    transactionDeadline = Long.MAX_VALUE;
  }

  private void resetTransaction() {
    inTransaction = false;
    recipientCount = 0;
    overshoot = 0;
    transactionDeadline = Long.MAX_VALUE;
    policy.resetTransaction();
  }

  /**
   * The next command must be complete by this time: the command timeout from now, and within a
   * transaction never later than its end (a total, not an idle, limit: RFC 5321 4.5.3.2 allows it).
   */
  private long commandDeadline() {
    return Math.min(System.nanoTime() + settings.commandTimeout().toNanos(), transactionDeadline);
  }

  private void clientError(SmtpReply reply) throws IOException {
    reply(reply);
    countError();
  }

  private void countError() throws IOException {
    errors++;
    if (errors >= settings.errorsMax() && !closing) {
      log.info("too many errors ({}) from {}; disconnecting", errors, clientText());
      reply(SmtpReply.of(421, EnhancedStatus.parse("4.7.0"), settings.hostname() + " Error: too many errors"));
      closing = true;
    }
  }

  private void reply(SmtpReply reply) throws IOException {
    output.write(reply.wire(true).getBytes(StandardCharsets.US_ASCII));
  }

  private void tryReply(SmtpReply reply) {
    try {
      if (output != null && !socket.isClosed()) {
        reply(reply);
        output.flush();
      }
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  private String clientText() {
    if (policy != null) {
      return policy.client().nameOrUnknown() + "[" + policy.client().addressText() + "]";
    }
    return clientAddress == null ? "unknown" : "unknown[" + Addresses.toText(clientAddress) + "]";
  }

  private String commandSummary() {
    StringBuilder out = new StringBuilder();
    int total = 0;
    for (Command c : Command.values()) {
      int n = commandCounts[c.ordinal()];
      if (n > 0) {
        out.append(c.name().toLowerCase(Locale.ROOT)).append('=').append(n).append(' ');
        total += n;
      }
    }
    return out.append("commands=").append(total).append(" errors=").append(errors).toString();
  }
}
