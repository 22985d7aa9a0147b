package org.portcullis.policy.checks;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.MessageText;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.TagKind;
import org.portcullis.policy.Verdict;
import org.portcullis.scan.GuardedScanner;
import org.portcullis.scan.ScanRequest;
import org.portcullis.scan.ScanResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code clamd}, {@code spamd}, {@code rspamd}: a content scanner's answer at the end of DATA,
 * before the reply. A virus is refused with 554 5.7.1 and its signature name; spam is tagged over
 * the scanner's threshold and refused (550 5.7.1) at its reject level; a message over the scan
 * size limit passes with {@code X-Portcullis-Scan: <scanner> skipped (size)}. A scanner that gives
 * no answer (timeout, unreachable, a reply that is not its protocol, busy, circuit open) is
 * {@code scan.on-failure}: {@code tempfail} (451 4.3.0, the mail waits in the sender's queue) or
 * {@code accept-tagged} ({@code X-Portcullis-Scan: <scanner> skipped (timeout)}).
 *
 * <p>Phase END_OF_DATA. No DNS. clamd judges every client (our own users' mail too: a virus is
 * not sent on); the spam scanners judge strangers only.
 */
public final class ScanCheck extends CatalogCheck {

  /** The header every scan result is recorded in. */
  public static final String HEADER = "X-Portcullis-Scan";
  /** Time kept back from the check's deadline so that a scan's failure is ours to answer. */
  static final long MARGIN_NANOS = 250_000_000L;

  /** What a scan that gave no answer becomes. */
  public enum OnFailure {
    /** 451 4.3.0: fail closed, the sender retries. */
    TEMPFAIL,
    /** Deliver with {@code X-Portcullis-Scan: <scanner> skipped (<why>)}: fail open. */
    ACCEPT_TAGGED
  }

  /**
   * The configured scanners ({@code [scan]}), each empty when not enabled.
   *
   * @param onFailure {@code scan.on-failure}
   */
  public record Scanners(Optional<GuardedScanner> clamd, Optional<GuardedScanner> spamd,
      Optional<GuardedScanner> rspamd, OnFailure onFailure) {
    public static final Scanners NONE = new Scanners(Optional.empty(), Optional.empty(), Optional.empty(),
        OnFailure.TEMPFAIL);
  }

  private static final Logger log = LoggerFactory.getLogger("portcullis.scan");

  private final GuardedScanner scanner;
  private final OnFailure onFailure;

  /** @param scanner empty: this scanner is not configured and the check has no opinion */
  public ScanCheck(String name, Optional<GuardedScanner> scanner, OnFailure onFailure, boolean judgesEveryone) {
    super(name, judgesEveryone ? Judges.EVERYONE : Judges.STRANGERS, Phase.END_OF_DATA);
    this.scanner = scanner.orElse(null);
    this.onFailure = onFailure;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    Optional<MessageText> message = context.session().message();
    if (scanner == null || message.isEmpty()) {
      return Verdict.CONTINUE;
    }
    ScanResult result = scanner.scan(request(context, message.get()), context.deadlineNanos() == Long.MAX_VALUE
        ? Long.MAX_VALUE : context.deadlineNanos() - MARGIN_NANOS);
    return switch (result) {
      case ScanResult.Clean c -> clean(context, c);
      case ScanResult.Skipped s -> {
        log.info("{} skipped for [{}]: {}", s.scanner(), context.session().client().addressText(), s.detail());
        yield new Verdict.Annotate(HEADER, s.scanner() + " skipped (" + s.reason() + ")");
      }
      case ScanResult.Infected i -> infected(context, i);
      case ScanResult.Spam s -> spam(context, s);
      case ScanResult.Failed f -> failed(context, f);
    };
  }

  private static ScanRequest request(CheckContext context, MessageText message) {
    var session = context.session();
    String sender = session.sender().filter(p -> !p.isNull()).map(MailPath::address).map(Object::toString).orElse("");
    List<String> recipients = session.acceptedRecipients().stream().map(r -> r.address().toString()).toList();
    String queueId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    return new ScanRequest(message, session.client().address(), session.client().nameOrUnknown(),
        session.helo().map(h -> h.raw()).orElse(""), sender, recipients, queueId,
        session.protocol().authenticatedUser());
  }

  private static Verdict infected(CheckContext context, ScanResult.Infected found) {
    Explanation explanation = Observed.client(context).fact("scanner", found.scanner())
        .fact("virus", found.signature())
        .rule("Mail that carries a virus is refused here, at the end of DATA; it is never delivered or kept.",
            "The message, or one of its attachments, is infected with " + found.signature() + ". Scan the sending "
                + "computer with an up-to-date virus scanner, and send the mail again without the infected file.");
    return new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.parse("5.7.1"),
        "Message refused: it contains a virus (" + found.signature() + ")", explanation,
        "virus " + found.signature() + " found by " + found.scanner());
  }

  /** Ham: the scan's header, and the scanner's score for a check in score mode. */
  private static Verdict clean(CheckContext context, ScanResult.Clean c) {
    Verdict.Annotate header = new Verdict.Annotate(HEADER, c.scanner() + " clean" + c.score().map(s -> ", score "
        + s).orElse(""));
    if (c.score().isEmpty() || !Double.isFinite(c.score().get().value())) {
      return header;
    }
    ScanResult.Score score = c.score().get();
    return new Verdict.Scored(score.value(), c.scanner() + " score " + score, Observed.client(context)
        .fact("scanner", c.scanner()).fact("score / threshold", score.toString())
        .rule("Here the scanner's score is added to the message's score; the total decides.",
            "If this mail is not spam, look at the rules that matched in the scanner's report."), header);
  }

  private static Verdict spam(CheckContext context, ScanResult.Spam spam) {
    String finding = spam.scanner() + " score " + spam.score() + (spam.symbols().isEmpty() ? ""
        : " (" + String.join(",", spam.symbols().subList(0, Math.min(20, spam.symbols().size()))) + ")");
    Explanation.Builder facts = Observed.client(context).fact("scanner", spam.scanner())
        .fact("score / threshold", spam.score().toString());
    if (!spam.symbols().isEmpty()) {
      facts.fact("rules that matched", String.join(", ", spam.symbols()));
    }
    String fix = "If this mail is not spam, look at the rules that matched: they name what made it look like "
        + "spam (a link, the way it is formatted, missing headers). Or ask the recipient to put your address on "
        + "their whitelist.";
    Verdict alone = switch (spam.action()) {
      case TAG -> new Verdict.Tag(finding, facts.rule("Mail that " + spam.scanner() + " scores over its threshold is "
          + "delivered marked as spam, so the recipient decides.", fix), TagKind.SPAM);
      case REJECT -> new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.1"),
          "Message refused as spam (" + spam.scanner() + " score " + spam.score() + ")",
          facts.rule("Mail that " + spam.scanner() + " scores at its reject level or above is refused here.", fix),
          finding);
      case TEMPFAIL -> new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.7.1"),
          "Message deferred as suspected spam (" + spam.scanner() + " score " + spam.score() + "); try again later",
          facts.rule("Mail that " + spam.scanner() + " asks to defer is refused for now.", fix));
    };
    if (!Double.isFinite(spam.score().value())) {
      return alone;
    }
    // In score mode its own score counts, not what it would decide alone.
    return new Verdict.Scored(spam.score().value(), finding, facts.rule("Here the scanner's score is added to the "
        + "message's score; the total decides.", fix), alone);
  }

  private Verdict failed(CheckContext context, ScanResult.Failed failed) {
    log.warn("{} gave no answer for [{}]: {} ({}); {}", failed.scanner(), context.session().client().addressText(),
        failed.failure().label(), failed.detail(), onFailure == OnFailure.ACCEPT_TAGGED ? "accepted tagged" : "451");
    if (onFailure == OnFailure.ACCEPT_TAGGED) {
      return new Verdict.Annotate(HEADER, failed.scanner() + " skipped (" + failed.failure().label() + ")");
    }
    Explanation explanation = Observed.client(context).fact("scanner", failed.scanner())
        .fact("what happened", failed.failure().label())
        .rule("Every message is scanned before it is accepted here, and the scanner did not answer; an unknown "
            + "result is never taken as a pass (scan.on-failure = \"tempfail\").",
            "Nothing to do: your server keeps the message and tries again later.");
    return new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.3.0"),
        "Content scan unavailable; try again later", explanation);
  }
}
