package org.portcullis.policy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.portcullis.dns.DnsResolver;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.LogText;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.MessageText;
import org.portcullis.mail.Recipient;

/**
 * The policy side of one SMTP session: it holds what is known about the client and the current
 * transaction, runs the chain at each phase and decides what to answer.
 *
 * <p>Rules (after Postfix): with {@code delayReject}, CONNECT and HELO checks run when MAIL
 * arrives and rejections found at CONNECT, HELO and MAIL are reported at RCPT, so that the log line names sender and recipient and postmaster@ stays
 * reachable; temporary failures are sticky (defer-if-permit): they are reported at RCPT whenever
 * nothing rejects; a disconnect is immediate. The always-reachable recipients of our domains
 * (postmaster, abuse) are accepted whatever the chain says about the client. Static exceptions are
 * judged with everything known at the moment a refusal would be reported.
 *
 * <p>Not thread-safe: one instance per session, used by the session's thread.
 */
public final class SessionPolicy implements SessionView {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("portcullis.policy");

  /** The header field naming the exceptions applied to a recipient. */
  public static final String EXCEPTION_FIELD = "X-Portcullis-Exception";

  /** What to answer to the command that triggered a phase. */
  public sealed interface Decision {
    /** Go on with the command's normal positive reply. */
    record Proceed() implements Decision {}

    /** Answer with this refusal (and drop the connection if it says so). */
    record Refused(RecordedRefusal refusal) implements Decision {}

    /**
     * This recipient chose otherwise than the transaction's first for a per-recipient check: 452
     * 4.5.3, to be sent in another transaction (RFC 5321 4.5.3.1.10), so one message gets one verdict.
     */
    record Split(String check) implements Decision {}
  }

  private static final Decision PROCEED = new Decision.Proceed();
  private static final Predicate<String> NOTHING_SKIPPED = check -> false;

  /** A tag to apply to the message, with its reference. */
  public record AppliedTag(String check, String reason, String reference, TagKind kind, boolean rewriteSubject) {

    public AppliedTag(String check, String reason, String reference, TagKind kind) {
      this(check, reason, reference, kind, false);
    }

    /**
     * The {@code X-Portcullis-Tag} header's value: {@code spam; check=dnsbl; client [192.0.2.9]
     * is listed on zen.example (SBL); ref=...}. Printable ASCII, bounded.
     */
    public String headerValue() {
      return kind.label() + "; check=" + check + "; " + LogText.forReply(reason, 300) + "; ref=" + reference;
    }
  }

  private final PolicyChain chain;
  private final ReplyRenderer renderer;
  private final List<ExceptionRule> exceptions;
  private final LiveExceptions live;
  private final LocalSite site;
  private final DnsResolver dns;
  private final Clock clock;
  private final boolean delayReject;

  private ClientInfo client;
  private final ProtocolFacts protocol;
  private HeloName helo;
  /** With delay-reject, CONNECT and HELO checks run when MAIL arrives (their DNS is done by then). */
  private boolean connectPending;
  private boolean heloPending;
  private final List<Finding> connectFindings = new ArrayList<>(2);
  private final List<Finding> heloFindings = new ArrayList<>(2);
  /** Per-recipient refusals of CONNECT, HELO and MAIL checks, decided at each RCPT by the recipient's choice. */
  private final Map<Phase, List<Finding>> soft = new java.util.EnumMap<>(Map.of(Phase.CONNECT, new ArrayList<>(1),
      Phase.HELO, new ArrayList<>(1), Phase.MAIL, new ArrayList<>(1)));
  /** The first accepted recipient's choices: every other recipient of the transaction must match them. */
  private Map<String, RecipientChoice> transactionChoices;
  /** The recipient whose choices those are (postmaster and abuse, always reachable, choose nothing). */
  private Recipient choosing;
  /** Its choices for the per-recipient checks still to come, as they stood at RCPT. */
  private Map<String, RecipientChoices.Decided> comingChoices = Map.of();
  /** What CONNECT, HELO and MAIL checks in score mode found, counted at each RCPT (less what the recipient skips). */
  private final Map<Phase, List<Scored>> scores = new java.util.EnumMap<>(Map.of(Phase.CONNECT, new ArrayList<>(1),
      Phase.HELO, new ArrayList<>(1), Phase.MAIL, new ArrayList<>(1)));
  /** The first accepted recipient's points by check: another recipient counting otherwise is split off. */
  private Map<String, Double> transactionScore;
  /** What the message's score is made of: the first recipient's findings, then DATA's and END_OF_DATA's. */
  private final List<Scored> transactionScored = new ArrayList<>(2);
  /** The {@code X-Portcullis-Verdict} value once the score decided, at the end of DATA. */
  private Optional<String> verdictHeader = Optional.empty();

  private MailPath sender;
  private MailParameters mailParameters = MailParameters.NONE;
  private final List<Recipient> accepted = new ArrayList<>();
  private final List<Finding> mailFindings = new ArrayList<>(2);
  private final List<AppliedTag> transactionTags = new ArrayList<>(2);
  private final List<Verdict.Annotate> annotations = new ArrayList<>(1);
  private MessageHeaders headers;
  private MessageText message;
  private final TransactionFacts facts = new TransactionFacts();

  /** Refusals already rendered for pending findings, so every RCPT repeats the same reference. */
  private final Map<Finding, RecordedRefusal> rendered = new IdentityHashMap<>();
  private final Map<Finding, AppliedTag> renderedTags = new IdentityHashMap<>();

  public SessionPolicy(PolicyChain chain, ReplyRenderer renderer, List<ExceptionRule> exceptions,
      LiveExceptions live, LocalSite site, DnsResolver dns, Clock clock, boolean delayReject, ClientInfo client,
      ProtocolFacts protocol) {
    this.chain = chain;
    this.renderer = renderer;
    this.exceptions = List.copyOf(exceptions);
    this.live = live;
    this.site = site;
    this.dns = dns;
    this.clock = clock;
    this.delayReject = delayReject;
    this.client = client;
    this.protocol = protocol;
  }

  // ---- SessionView ----

  @Override
  public ClientInfo client() {
    return client;
  }

  @Override
  public Optional<HeloName> helo() {
    return Optional.ofNullable(helo);
  }

  @Override
  public ProtocolFacts protocol() {
    return protocol;
  }

  @Override
  public Optional<MailPath> sender() {
    return Optional.ofNullable(sender);
  }

  @Override
  public MailParameters mailParameters() {
    return mailParameters;
  }

  @Override
  public List<Recipient> acceptedRecipients() {
    return List.copyOf(accepted);
  }

  @Override
  public Optional<MessageHeaders> headers() {
    return Optional.ofNullable(headers);
  }

  public LocalSite site() {
    return site;
  }

  // ---- phases ----

  /** Replaces the client (XCLIENT): the session starts over. */
  public void replaceClient(ClientInfo newClient) {
    this.client = newClient;
    this.helo = null;
    this.connectPending = false;
    this.heloPending = false;
    connectFindings.clear();
    heloFindings.clear();
    soft.get(Phase.CONNECT).clear();
    soft.get(Phase.HELO).clear();
    scores.get(Phase.CONNECT).clear();
    scores.get(Phase.HELO).clear();
    resetTransaction();
  }

  /**
   * The client connected. Without delay-reject the CONNECT checks run now (a refusal becomes the
   * greeting); with it they run when MAIL arrives, since their verdicts are reported at RCPT
   * anyway: by then the client's DNS lookups have finished, and a client that never sends MAIL
   * costs no checks.
   */
  public Decision connect() {
    if (delayReject) {
      connectPending = true;
      return PROCEED;
    }
    return evaluate(Phase.CONNECT, Optional.empty(), connectFindings, true);
  }

  /** A HELO or EHLO; a repeated one replaces the previous name and its findings. */
  public Decision helo(HeloName name) {
    this.helo = name;
    heloFindings.clear();
    soft.get(Phase.HELO).clear();
    scores.get(Phase.HELO).clear();
    resetTransaction();
    if (delayReject) {
      heloPending = true;
      return PROCEED;
    }
    return evaluate(Phase.HELO, Optional.empty(), heloFindings);
  }

  /** MAIL FROM: starts a transaction. */
  public Decision mail(MailPath path, MailParameters parameters) {
    resetTransaction();
    Decision early = runPendingPhases();
    if (early instanceof Decision.Refused) {
      return early;
    }
    this.sender = path;
    this.mailParameters = parameters;
    return evaluate(Phase.MAIL, Optional.empty(), mailFindings);
  }

  /** Runs CONNECT and HELO checks deferred by delay-reject; only a disconnect is answered now. */
  private Decision runPendingPhases() {
    if (connectPending) {
      connectPending = false;
      Decision decision = evaluate(Phase.CONNECT, Optional.empty(), connectFindings);
      if (decision instanceof Decision.Refused) {
        return decision;
      }
    }
    if (heloPending) {
      heloPending = false;
      return evaluate(Phase.HELO, Optional.empty(), heloFindings);
    }
    return PROCEED;
  }

  /** RCPT TO: reports what earlier phases left pending, then runs the RCPT checks. */
  public Decision rcpt(Recipient recipient) {
    Optional<Recipient> rcpt = Optional.of(recipient);
    if (site.isAlwaysReachable(recipient.address())) {
      accepted.add(recipient);
      return PROCEED;
    }
    Predicate<String> skipped = skippedChecks(rcpt);
    Optional<RecordedRefusal> pending = firstPending(skipped, rcpt, Verdict.Reject.class);
    if (pending.isPresent()) {
      return new Decision.Refused(pending.get());
    }
    ChainResult result = chain.run(Phase.RCPT, context(Phase.RCPT, rcpt), skipped);
    observe(result, rcpt);
    annotations.addAll(result.annotations());
    if (result.decision().isPresent() && result.decision().get().verdict() instanceof Verdict.Refusal) {
      return new Decision.Refused(renderer.refuse(result.decision().get(), this, rcpt));
    }
    Optional<RecordedRefusal> deferred = firstPending(skipped, rcpt, Verdict.Tempfail.class);
    if (deferred.isPresent()) {
      return new Decision.Refused(deferred.get());
    }
    if (!result.tempfails().isEmpty()) {
      return new Decision.Refused(renderer.refuse(result.tempfails().getFirst(), this, rcpt));
    }
    Decision chosen = byChoice(recipient, skipped, result.soft());
    if (!(chosen instanceof Decision.Proceed)) {
      return chosen;
    }
    Decision scored = byScore(recipient, skipped, result.scored());
    if (!(scored instanceof Decision.Proceed)) {
      return scored;
    }
    for (Finding tag : result.tags()) {
      Verdict.Tag verdict = (Verdict.Tag) tag.verdict();
      transactionTags.add(new AppliedTag(tag.check(), verdict.reason(), renderer.tag(tag, this, rcpt), verdict.kind()));
    }
    noteException(recipient);
    accepted.add(recipient);
    return PROCEED;
  }

  /**
   * The recipient's choices for the per-recipient refusals found so far ({@code found}: this RCPT's)
   * and for the per-recipient checks still to come: a refusal it chose stands; choices that differ
   * from the transaction's first recipient's split the transaction; otherwise its tags (or the
   * quarantine) apply to the message.
   */
  private Decision byChoice(Recipient recipient, Predicate<String> skipped, List<Finding> found) {
    List<Finding> findings = new ArrayList<>();
    for (Phase phase : List.of(Phase.CONNECT, Phase.HELO, Phase.MAIL)) {
      soft.get(phase).stream().filter(f -> !skipped.test(f.check())).forEach(findings::add);
    }
    findings.addAll(found);
    if (findings.isEmpty() && chain.perRecipientAfterRcpt().isEmpty()) {
      return PROCEED;
    }
    Optional<Recipient> rcpt = Optional.of(recipient);
    Map<String, RecipientChoice> choices = new java.util.TreeMap<>();
    Map<String, RecipientChoices.Decided> decided = new HashMap<>();
    for (Finding f : findings) {
      RecipientChoices.Decided d = chain.choices().choice(recipient.address(), f.check());
      decided.put(f.check(), d);
      choices.put(f.check(), d.choice());
      if (d.choice() == RecipientChoice.REJECT) {
        return new Decision.Refused(renderer.refuse(decidedBy(f, d), this, rcpt));
      }
    }
    Map<String, RecipientChoices.Decided> coming = new HashMap<>();
    for (String check : chain.perRecipientAfterRcpt()) {
      if (!skipped.test(check)) {
        RecipientChoices.Decided d = chain.choices().choice(recipient.address(), check);
        coming.put(check, d);
        choices.put(check, d.choice());
      }
    }
    if (transactionChoices != null && !transactionChoices.equals(choices)) {
      String differing = choices.keySet().stream().filter(c -> choices.get(c) != transactionChoices.get(c))
          .findFirst().orElseGet(() -> transactionChoices.keySet().iterator().next());
      return new Decision.Split(differing);
    }
    if (transactionChoices == null) {
      transactionChoices = choices;
      choosing = recipient;
      comingChoices = Map.copyOf(coming);
      for (Finding f : findings) {
        RecipientChoices.Decided d = decided.get(f.check());
        if (d.choice() != RecipientChoice.REJECT && d.choice() != RecipientChoice.ACCEPT) {
          transactionTags.add(chosenTag(f, d, rcpt));
        }
      }
    }
    return PROCEED;
  }

  /**
   * The points counted for this recipient (the session's and the transaction's score findings that
   * it does not skip, and this RCPT's): a total at the reject threshold refuses it now; points that
   * differ from the transaction's first recipient's split it off (one message, one score).
   */
  private Decision byScore(Recipient recipient, Predicate<String> skipped, List<Scored> found) {
    if (!chain.scoring()) {
      return PROCEED;
    }
    List<Scored> counted = new ArrayList<>();
    for (Phase phase : List.of(Phase.CONNECT, Phase.HELO, Phase.MAIL)) {
      scores.get(phase).stream().filter(s -> !skipped.test(s.finding().check())).forEach(counted::add);
    }
    counted.addAll(found);
    double total = total(counted);
    if (chain.actions().action(total).filter(a -> a == RecipientChoice.REJECT).isPresent()) {
      return new Decision.Refused(renderer.refuse(scoreRefusal(counted, total, Phase.RCPT), this,
          Optional.of(recipient)));
    }
    Map<String, Double> points = new java.util.TreeMap<>();
    counted.forEach(s -> points.merge(s.finding().check(), s.points(), Double::sum));
    if (transactionScore != null && !transactionScore.equals(points)) {
      return new Decision.Split("spam scoring");
    }
    if (transactionScore == null) {
      transactionScore = points;
      transactionScored.addAll(counted);
    }
    return PROCEED;
  }

  /**
   * At the end of DATA: what the message's whole score reaches ({@code [actions]}): a refusal, or a
   * tag, rewritten subject or quarantine with its reference; below every threshold nothing but the
   * {@code X-Portcullis-Verdict} field. Mail only for postmaster or abuse is never refused for it.
   */
  private Decision byTotalScore() {
    if (transactionScored.isEmpty()) {
      return PROCEED;
    }
    Optional<Recipient> none = Optional.empty();
    double total = total(transactionScored);
    Optional<RecipientChoice> action = chain.actions().action(total);
    boolean exempt = !accepted.isEmpty() && accepted.stream().allMatch(r -> site.isAlwaysReachable(r.address()));
    if (action.filter(a -> a == RecipientChoice.REJECT).isPresent() && exempt) {
      action = Optional.of(RecipientChoice.TAG);
    }
    if (action.isEmpty()) {
      verdictHeader = Optional.of("accept; score=" + points(total));
      return PROCEED;
    }
    if (action.get() == RecipientChoice.REJECT) {
      return new Decision.Refused(renderer.refuse(scoreRefusal(transactionScored, total, Phase.END_OF_DATA), this,
          none));
    }
    Scored top = top(transactionScored);
    TagKind kind = action.get() == RecipientChoice.QUARANTINE ? TagKind.QUARANTINE : TagKind.SPAM;
    String reason = "spam score " + points(total) + " (" + contributions(transactionScored) + ") reaches "
        + action.get().label();
    Finding tag = new Finding(top.finding().check(), Phase.END_OF_DATA, new Verdict.Tag(reason,
        scoreExplanation(transactionScored, total, action.get()), kind), false);
    AppliedTag applied = new AppliedTag(top.finding().check(), reason, renderer.tag(tag, this, none), kind,
        action.get() == RecipientChoice.REWRITE_SUBJECT);
    transactionTags.add(applied);
    verdictHeader = Optional.of(action.get().label() + "; score=" + points(total) + "; ref=" + applied.reference());
    return PROCEED;
  }

  /** The refusal a total at the reject threshold makes, named after the check that added most. */
  private Finding scoreRefusal(List<Scored> counted, double total, Phase answeredAt) {
    Scored top = top(counted);
    String threshold = points(chain.actions().reject().orElseThrow());
    return new Finding(top.finding().check(), answeredAt, new Verdict.Reject(RefusalKind.POLICY,
        org.portcullis.mail.EnhancedStatus.parse("5.7.1"), "Message refused: its spam score " + points(total)
            + " reaches " + threshold + " (" + contributions(counted) + ")",
        scoreExplanation(counted, total, RecipientChoice.REJECT)), false);
  }

  private Explanation scoreExplanation(List<Scored> counted, double total, RecipientChoice action) {
    Explanation e = switch (top(counted).finding().verdict()) {
      case Verdict.Reject r -> r.explanation();
      case Verdict.Tag t -> t.explanation();
      default -> throw new IllegalStateException("a score finding is a refusal or a tag");
    };
    List<Fact> facts = new ArrayList<>(e.facts());
    facts.add(new Fact("score", points(total) + " (" + contributions(counted) + ")"));
    facts.add(new Fact("decided by", "[actions] " + action.label() + " at " + points(switch (action) {
      case REJECT -> chain.actions().reject().orElseThrow();
      case QUARANTINE -> chain.actions().quarantine().orElseThrow();
      case REWRITE_SUBJECT -> chain.actions().rewriteSubject().orElseThrow();
      default -> chain.actions().tag().orElseThrow();
    })));
    return new Explanation(facts, "Here checks add points to a score instead of deciding alone, and the total "
        + "decides (" + action.label() + "). The check that added most: " + e.rule(), e.fix(), e.links());
  }

  private static Scored top(List<Scored> counted) {
    return counted.stream().max(java.util.Comparator.comparingDouble(Scored::points)).orElseThrow();
  }

  private static double total(List<Scored> counted) {
    return counted.stream().mapToDouble(Scored::points).sum();
  }

  /** {@code dnsbl 5.0, client-generic-ptr 3.0}. */
  private static String contributions(List<Scored> counted) {
    Map<String, Double> byCheck = new java.util.LinkedHashMap<>();
    counted.forEach(s -> byCheck.merge(s.finding().check(), s.points(), Double::sum));
    return byCheck.entrySet().stream().map(e -> e.getKey() + " " + points(e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static String points(double value) {
    return String.format(java.util.Locale.ROOT, "%.1f", value);
  }

  /** The {@code X-Portcullis-Verdict} field's value, once the end of DATA has scored the message. */
  public Optional<String> verdictHeader() {
    return verdictHeader;
  }

  /** The tag (or quarantine) a recipient's choice made of a per-recipient refusal, logged with its reference. */
  private AppliedTag chosenTag(Finding f, RecipientChoices.Decided d, Optional<Recipient> rcpt) {
    Verdict.Reject reject = (Verdict.Reject) f.verdict();
    TagKind kind = d.choice() == RecipientChoice.QUARANTINE ? TagKind.QUARANTINE : TagKind.SPAM;
    String reason = reject.finding() + " (chosen by " + d.scope() + ")";
    Finding tag = new Finding(f.check(), f.phase(), new Verdict.Tag(reason, reject.explanation(), kind), false);
    return new AppliedTag(f.check(), reason, renderer.tag(tag, this, rcpt), kind,
        d.choice() == RecipientChoice.REWRITE_SUBJECT);
  }

  /** The refusal with the scope whose choice made it one among its facts (for {@code why} and the page). */
  private static Finding decidedBy(Finding finding, RecipientChoices.Decided decided) {
    Verdict.Reject reject = (Verdict.Reject) finding.verdict();
    Explanation e = reject.explanation();
    List<Fact> facts = new ArrayList<>(e.facts());
    facts.add(new Fact("decided by", "the choice of " + decided.scope() + ": " + decided.choice().label()));
    return new Finding(finding.check(), finding.phase(), new Verdict.Reject(reject.kind(), reject.status(),
        reject.reason(), new Explanation(facts, e.rule(), e.fix(), e.links()), reject.finding()), false);
  }

  /** Whether an allow entry that skips every check applies to this recipient (static exceptions do not count). */
  public boolean allowedByEntry(Recipient recipient) {
    return live.skipped(this, Optional.of(recipient)).map(LiveExceptions.Skip::everything).orElse(false);
  }

  /** DATA, with at least one accepted recipient. */
  public Decision data() {
    return decideNow(Phase.DATA);
  }

  /** The end of DATA: the header section is known. */
  public Decision endOfData(MessageHeaders messageHeaders) {
    return endOfData(messageHeaders, null);
  }

  /** The end of DATA with the message's octets, for checks that read them (DKIM). */
  public Decision endOfData(MessageHeaders messageHeaders, MessageText text) {
    this.headers = messageHeaders;
    this.message = text;
    return decideNow(Phase.END_OF_DATA);
  }

  @Override
  public TransactionFacts facts() {
    return facts;
  }

  @Override
  public Optional<MessageText> message() {
    return Optional.ofNullable(message);
  }

  /**
   * The tags to apply to the message: those of the session's CONNECT and HELO checks, then those
   * of this transaction, each with its reference.
   */
  public List<AppliedTag> tags() {
    List<AppliedTag> all = new ArrayList<>();
    Predicate<String> skipped = skippedChecks(Optional.empty());
    for (List<Finding> findings : List.of(connectFindings, heloFindings, mailFindings)) {
      for (Finding finding : findings) {
        if (finding.verdict() instanceof Verdict.Tag tag && !skipped.test(finding.check())) {
          all.add(renderedTags.computeIfAbsent(finding,
              f -> new AppliedTag(f.check(), tag.reason(), renderer.tag(f, this, Optional.empty()), tag.kind())));
        }
      }
    }
    all.addAll(transactionTags);
    return all;
  }

  /** The header fields checks asked to add to this transaction's message (Received-SPF), in order. */
  public List<Verdict.Annotate> annotations() {
    return List.copyOf(annotations);
  }

  /** RSET, a new MAIL, or the end of a message: forgets the transaction, keeps the session. */
  public void resetTransaction() {
    mailFindings.forEach(rendered::remove);
    mailFindings.forEach(renderedTags::remove);
    sender = null;
    mailParameters = MailParameters.NONE;
    accepted.clear();
    mailFindings.clear();
    soft.get(Phase.MAIL).clear();
    transactionChoices = null;
    choosing = null;
    comingChoices = Map.of();
    transactionTags.clear();
    scores.get(Phase.MAIL).clear();
    transactionScore = null;
    transactionScored.clear();
    verdictHeader = Optional.empty();
    annotations.clear();
    headers = null;
    message = null;
    facts.clear();
  }

  /** STARTTLS: the client must greet again; what it said before TLS is forgotten (RFC 3207 4.2). */
  public void forgetHelo() {
    this.helo = null;
    this.heloPending = false;
    heloFindings.clear();
    soft.get(Phase.HELO).clear();
    scores.get(Phase.HELO).clear();
    resetTransaction();
  }

  /**
   * Judges a problem the protocol layer found (a malformed address, a connection over the limits,
   * a sender the login does not own) with the catalogued check that names it: a refusal has a
   * reference and an explanation like any other; in observe mode it is only recorded.
   */
  public Decision judge(ProtocolProblem problem, Optional<Recipient> rcpt) {
    ChainResult result = chain.judge(problem, context(problem.phase(), rcpt));
    observe(result, rcpt);
    return result.decision().filter(f -> f.verdict() instanceof Verdict.Refusal)
        .<Decision>map(f -> new Decision.Refused(renderer.refuse(f, this, rcpt))).orElse(PROCEED);
  }

  // ---- internals ----

  private Decision evaluate(Phase phase, Optional<Recipient> rcpt, List<Finding> keep) {
    return evaluate(phase, rcpt, keep, false);
  }

  /** @param atGreeting whether a refusal now is answered instead of the greeting (554 if permanent) */
  private Decision evaluate(Phase phase, Optional<Recipient> rcpt, List<Finding> keep, boolean atGreeting) {
    ChainResult result = chain.run(phase, context(phase, rcpt), skippedChecks(rcpt));
    observe(result, rcpt);
    if (phase.ordinal() >= Phase.MAIL.ordinal()) {
      annotations.addAll(result.annotations()); // the transaction's; CONNECT and HELO have none
    }
    keep.addAll(result.tempfails());
    keep.addAll(result.tags());
    soft.getOrDefault(phase, new ArrayList<>()).addAll(result.soft());
    scores.getOrDefault(phase, new ArrayList<>()).addAll(result.scored());
    Optional<Finding> decision = result.decision();
    if (decision.isEmpty() || !(decision.get().verdict() instanceof Verdict.Refusal)) {
      return PROCEED;
    }
    Finding finding = decision.get();
    if (finding.verdict() instanceof Verdict.Disconnect || !delayReject) {
      return new Decision.Refused(renderer.refuse(finding, this, rcpt, atGreeting));
    }
    keep.add(finding);
    return PROCEED;
  }

  private Decision decideNow(Phase phase) {
    Optional<Recipient> none = Optional.empty();
    ChainResult result = chain.run(phase, context(phase, none), skippedChecks(none));
    observe(result, none);
    annotations.addAll(result.annotations());
    if (result.decision().isPresent() && result.decision().get().verdict() instanceof Verdict.Refusal) {
      return new Decision.Refused(renderer.refuse(result.decision().get(), this, none));
    }
    if (!result.tempfails().isEmpty()) {
      return new Decision.Refused(renderer.refuse(result.tempfails().getFirst(), this, none));
    }
    // After RCPT every recipient has chosen alike (or was split off): the first one's choice decides.
    for (Finding f : result.soft()) {
      // Only always-reachable recipients (postmaster, abuse): they are exempt, so nothing is refused.
      RecipientChoices.Decided d = choosing == null ? new RecipientChoices.Decided(RecipientChoice.ACCEPT,
          "the postmaster exemption") : comingChoices.getOrDefault(f.check(),
          chain.choices().choice(choosing.address(), f.check()));
      Verdict.Reject reject = (Verdict.Reject) f.verdict();
      switch (d.choice()) {
        case REJECT -> {
          return new Decision.Refused(renderer.refuse(decidedBy(f, d), this, none));
        }
        case TAG, REWRITE_SUBJECT, QUARANTINE -> transactionTags.add(chosenTag(f, d, none));
        case ACCEPT -> { }
      }
    }
    if (chain.scoring()) {
      transactionScored.addAll(result.scored());
      if (phase == Phase.END_OF_DATA) {
        Decision scored = byTotalScore();
        if (!(scored instanceof Decision.Proceed)) {
          return scored;
        }
      }
    }
    for (Finding tag : result.tags()) {
      Verdict.Tag verdict = (Verdict.Tag) tag.verdict();
      transactionTags.add(new AppliedTag(tag.check(), verdict.reason(), renderer.tag(tag, this, none), verdict.kind()));
    }
    return PROCEED;
  }

  private Optional<RecordedRefusal> firstPending(Predicate<String> skipped, Optional<Recipient> rcpt,
      Class<? extends Verdict> kind) {
    for (List<Finding> findings : List.of(connectFindings, heloFindings, mailFindings)) {
      for (Finding finding : findings) {
        if (kind.isInstance(finding.verdict()) && !skipped.test(finding.check())) {
          return Optional.of(rendered.computeIfAbsent(finding, f -> renderer.refuse(f, this, rcpt)));
        }
      }
    }
    return Optional.empty();
  }

  private void observe(ChainResult result, Optional<Recipient> rcpt) {
    for (Finding finding : result.observed()) {
      renderer.observe(finding, this, rcpt);
    }
  }

  /**
   * The checks that exceptions skip for this recipient (static ones from the configuration, live
   * allow entries and whitelists), judged with everything known now. Relay control and the deny
   * list are never skipped.
   */
  /**
   * What a live exception (an allow entry, a whitelist, a correspondent) let this recipient skip is
   * said in the log and in the message's {@code X-Portcullis-Exception} field, so that nobody has to
   * guess why a check did not run.
   */
  private void noteException(Recipient recipient) {
    Optional<String> skip = exceptionFor(Optional.of(recipient));
    if (skip.isEmpty()) {
      return;
    }
    String why = skip.get();
    log.info("exception for <{}> from [{}]: {}", recipient.address(), client().addressText(), why);
    annotations.add(new Verdict.Annotate(EXCEPTION_FIELD, "<" + recipient.address() + ">: " + why));
  }

  @Override
  public Optional<String> exceptionFor(Optional<Recipient> recipient) {
    return live.skipped(this, recipient).map(s -> org.portcullis.mail.LogText.forReply(s.why(), 300));
  }

  private Predicate<String> skippedChecks(Optional<Recipient> rcpt) {
    List<ExceptionRule> matching = List.of();
    for (ExceptionRule rule : exceptions) {
      if (rule.matches(this, rcpt)) {
        if (matching.isEmpty()) {
          matching = new ArrayList<>(1);
        }
        matching.add(rule);
      }
    }
    Optional<LiveExceptions.Skip> liveSkip = live.skipped(this, rcpt);
    if (matching.isEmpty() && liveSkip.isEmpty()) {
      return NOTHING_SKIPPED;
    }
    List<ExceptionRule> rules = matching;
    Predicate<String> byLive = liveSkip.map(LiveExceptions.Skip::checks).orElse(NOTHING_SKIPPED);
    return check -> !LiveExceptions.NEVER_SKIPPED.contains(check)
        && (byLive.test(check) || rules.stream().anyMatch(rule -> rule.skips(check)));
  }

  private CheckContext context(Phase phase, Optional<Recipient> rcpt) {
    return new CheckContext(phase, this, rcpt, dns, clock);
  }
}
