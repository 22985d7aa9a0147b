package org.portcullis.smtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.portcullis.auth.AuthenticationResults;
import org.portcullis.mail.AuthorAddresses;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.LogText;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.MessageHeaders;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.ReplyRenderer;
import org.portcullis.policy.SessionPolicy;
import org.portcullis.policy.TagKind;
import org.portcullis.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DATA once the checks have let it start: reads the message within the listener's limits, refuses content no mail may carry (too big, over-long
 * lines, NUL), then prepends {@code Received}, {@code Authentication-Results} (after removing
 * any that claims our authserv-id), the checks' fields, the submission fix-ups and the tags, hands the
 * message to the {@link MessageSink} (which returns once it is durable) and words the reply.
 * Thread-safe: one per listener, shared by its sessions.
 */
final class MessageAcceptance {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");
  private static final String SPAM_FLAG = "X-Spam-Flag";
  private static final String VERDICT = "X-Portcullis-Verdict";
  private static final String OURS = "X-Portcullis-";

  private final SmtpSettings settings;
  private final MessageSink sink;
  private final SmtpStats stats;
  private final MessageSigner signer;

  MessageAcceptance(SmtpSettings settings, MessageSink sink, SmtpStats stats, MessageSigner signer) {
    this.settings = settings;
    this.sink = sink;
    this.stats = stats;
    this.signer = signer;
  }

  /** A reader for this transaction's message, bounded by the listener's limits and {@code deadline}. */
  MessageReader reader(SessionWire wire, long deadline) {
    return new MessageReader(wire.input(), wire.line(), settings.textLineMaxBytes(), settings.messageSizeMaxBytes(),
        new MessageReader.Pace(settings.dataTimeout().toNanos(), settings.limits().dataRateMinBytesPerSecond(),
            deadline));
  }

  /** What is wrong with the content read, as the reply that refuses it; empty if nothing is. */
  Optional<SmtpReply> contentProblem(MessageReader.Problems problems, MessageBuffer buffer) {
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

  /**
   * Queues the message of this transaction.
   *
   * @return {@code 250 ... queued as <id>} once the sink has made it durable, or a 451 if it could not
   */
  SmtpReply accept(SessionPolicy policy, ProtocolFacts protocol, boolean esmtp, String queueId, Instant receivedAt,
      MessageBuffer buffer) {
    Envelope envelope = new Envelope(policy.sender().orElseThrow(), policy.acceptedRecipients(), policy.mailParameters());
    List<SessionPolicy.AppliedTag> tags = policy.tags();
    ClientInfo client = policy.client();
    String helo = policy.helo().map(HeloName::raw).orElse("");
    StringBuilder prefix = new StringBuilder(512);
    String forRecipient = envelope.recipients().size() == 1 ? "<" + envelope.recipients().getFirst().address() + ">" : "";
    prefix.append(ReceivedHeader.build(helo, client.nameOrUnknown(), client.addressText(), settings.hostname(),
        protocolKeyword(envelope, protocol, esmtp), protocol.tlsProtocol().map(p -> "using " + p).orElse(""), queueId,
        forRecipient, ZonedDateTime.ofInstant(receivedAt, ZoneOffset.UTC)));
    // RFC 8601 5: a field that claims our authserv-id came from someone else; ours replaces it.
    buffer.dropFields(field -> AuthenticationResults.claims(field, settings.authservId()));
    if (!policy.mayRelay()) {
      // X-Spam-Flag and our X-Portcullis-* fields (verdict, scan, exception) are ours to write: a
      // stranger's "NO" or a forged "skipped: whitelisted" must not pass a recipient's filter.
      buffer.dropFields(field -> field.regionMatches(true, 0, SPAM_FLAG + ":", 0, SPAM_FLAG.length() + 1)
          || field.regionMatches(true, 0, OURS, 0, OURS.length()));
    }
    prefix.append(AuthenticationResults.field(settings.authservId(),
        AuthenticationResults.results(client, protocol, policy.facts().authenticationResults())));
    for (Verdict.Annotate annotation : policy.annotations()) {
      for (Verdict.Annotate.HeaderField field : annotation.fields()) {
        prefix.append(field.name()).append(": ").append(ReceivedHeader.headerText(field.value())).append("\r\n");
      }
    }
    List<String> fixUps = settings.submission().isPresent() ? fixUps(buffer.headers(), queueId, receivedAt) : List.of();
    // Only spam signs mark the subject; an information tag (HELO differs from PTR) is not a verdict.
    boolean spam = tags.stream().anyMatch(t -> t.kind() == TagKind.SPAM);
    if (policy.mayRelay() && !spam) {
      sign(buffer, fixUps, queueId).ifPresent(signature -> prefix.append(signature).append("\r\n"));
    }
    for (String field : fixUps) {
      prefix.append(field).append("\r\n");
    }
    for (SessionPolicy.AppliedTag tag : tags) {
      prefix.append("X-Portcullis-Tag: ").append(ReceivedHeader.headerText(tag.headerValue())).append("\r\n");
    }
    policy.verdictHeader().ifPresent(v -> prefix.append(VERDICT).append(": ").append(ReceivedHeader.headerText(v))
        .append("\r\n"));
    if (spam) {
      // What mail clients and Sieve scripts filter on (SpamAssassin's convention).
      prefix.append(SPAM_FLAG).append(": YES\r\n");
    }
    List<ByteBuffer> content = buffer.content(prefix.toString().getBytes(StandardCharsets.UTF_8),
        subjectPrefix(tags));
    Optional<SessionPolicy.AppliedTag> hold = tags.stream().filter(t -> t.kind() == TagKind.QUARANTINE).findFirst();
    try {
      if (hold.isPresent()) {
        String subject = buffer.headers().first("Subject").orElse("");
        sink.quarantine(queueId, receivedAt, client.addressText(), client.nameOrUnknown(), helo, envelope, content,
            subject, new MessageSink.Hold(hold.get().check(), hold.get().reason(), hold.get().reference()));
      } else {
        sink.accept(queueId, receivedAt, client.addressText(), client.nameOrUnknown(), helo, envelope, content);
      }
    } catch (IOException e) {
      log.error("queue file write error for {} from {}[{}]", queueId, client.nameOrUnknown(), client.addressText(), e);
      return SmtpReply.of(451, EnhancedStatus.TEMPORARY_SYSTEM_ERROR, "Error: queue file write error; try again later");
    }
    stats.accepted();
    // The sender is told the same either way: a quarantine is the recipient's business.
    log.info("accepted queue={} {} to={} size={} nrcpt={}{}{}{}", queueId,
        ReplyRenderer.describe(policy, Optional.empty()),
        LogText.value(envelope.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(","))),
        buffer.size(), envelope.recipients().size(), protocol.tls() ? " tls=" + protocol.tlsProtocol().orElse("yes") : "",
        tags.isEmpty() ? "" : " tags=" + tags.stream().map(t -> t.check() + ":" + t.reference()).collect(Collectors.joining(",")),
        hold.isPresent() ? " quarantined" : "");
    return SmtpReply.of(250, EnhancedStatus.OK, "Ok: queued as " + queueId);
  }

  /**
   * The Subject prefix: {@code tagging.subject-prefix} for a spam tag; for a recipient who chose
   * rewrite-subject, that prefix or {@code [SPAM]} when none is configured; else none.
   */
  private String subjectPrefix(List<SessionPolicy.AppliedTag> tags) {
    boolean spam = tags.stream().anyMatch(t -> t.kind() == TagKind.SPAM);
    boolean rewrite = tags.stream().anyMatch(SessionPolicy.AppliedTag::rewriteSubject);
    String configured = settings.taggedSubjectPrefix();
    return rewrite && configured.isEmpty() ? "[SPAM] " : spam ? configured : "";
  }

  /**
   * The DKIM signature of a message from our own users, for its author's domain, over the fields
   * as they will be stored (the fix-ups included); empty when the domain has no key. A signing
   * failure is logged and the message goes unsigned: refusing it would lose our own user's mail.
   */
  private Optional<String> sign(MessageBuffer buffer, List<String> fixUps, String queueId) {
    List<String> authors = buffer.headers().first("From").map(AuthorAddresses::domains).orElse(List.of());
    if (authors.isEmpty()) {
      return Optional.empty();
    }
    List<String> fields = new ArrayList<>(fixUps);
    fields.addAll(buffer.headerFields());
    try {
      return signer.sign(authors.getFirst(), fields, buffer.body());
    } catch (IOException e) {
      log.error("queue={} not signed for {}: {}", queueId, authors.getFirst(), LogText.value(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * RFC 6409 8.2 and 8.3: a message submitted without Date or Message-ID gets them here, since
   * the receiving servers and the recipients' software expect both.
   */
  private List<String> fixUps(MessageHeaders headers, String queueId, Instant receivedAt) {
    List<String> fields = new ArrayList<>(2);
    if (headers.first("Date").isEmpty()) {
      fields.add("Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(receivedAt, ZoneOffset.UTC)));
    }
    if (headers.first("Message-ID").isEmpty()) {
      // Uniqueness, not secrecy: the queue id is already unique; the random part guards against clock steps.
      fields.add("Message-ID: <" + queueId + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
          + "@" + settings.hostname() + ">");
    }
    return fields;
  }

  /** The {@code with} keyword of RFC 3848 for the Received header. */
  private static String protocolKeyword(Envelope envelope, ProtocolFacts protocol, boolean esmtp) {
    String base = envelope.parameters().smtputf8() ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP";
    if (base.equals("SMTP")) {
      return protocol.tls() ? "ESMTPS" : "SMTP";
    }
    return base + (protocol.tls() ? "S" : "") + (protocol.authenticatedUser().isPresent() ? "A" : "");
  }
}
