package org.portcullis.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.portcullis.mail.EnhancedStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of a phase in their configured order (Postfix restriction lists, Haraka hooks).
 *
 * <p>The first accept, reject or disconnect decides; temporary failures are collected and stay
 * (defer-if-permit); tags are collected; observe-mode findings change nothing. Each check runs
 * with its timeout; a timeout or an unexpected exception becomes a 451 4.3.0 temporary failure,
 * never a pass. Checks run on the caller's thread (no hand-off per check); {@link CheckWatchdog}
 * enforces the timeouts. Thread-safe: one chain serves all sessions; a check's mode may be switched
 * while it runs ({@link CheckModes}), and takes effect at the next phase evaluated.
 */
public final class PolicyChain {

  private static final Logger log = LoggerFactory.getLogger("portcullis.policy");
  private static final EnhancedStatus INTERNAL = EnhancedStatus.TEMPORARY_SYSTEM_ERROR;

  /** A check with its settings, in chain order. */
  public record Entry(Check check, CheckSettings settings) {}

  private final Map<Phase, List<Entry>> byPhase = new EnumMap<>(Phase.class);
  private final Map<String, Entry> protocolChecks = new HashMap<>();
  private final CheckModes modes;
  private final RecipientChoices choices;
  private final java.util.Set<String> perRecipient;
  private final java.util.Set<String> perRecipientAfterRcpt;
  private final ScoreActions actions;
  private final boolean scoring;

  public PolicyChain(List<Entry> entries) {
    this(entries, CheckModes.none());
  }

  public PolicyChain(List<Entry> entries, CheckModes modes) {
    this(entries, modes, RecipientChoices.NONE);
  }

  /**
   * @param modes modes switched at run time over the configured ones; a check configured off is
   *     left out only while nothing can switch it on
   */
  public PolicyChain(List<Entry> entries, CheckModes modes, RecipientChoices choices) {
    this(entries, modes, choices, ScoreActions.DEFAULT);
  }

  /** @param actions what the score of checks in score mode becomes */
  public PolicyChain(List<Entry> entries, CheckModes modes, RecipientChoices choices, ScoreActions actions) {
    this.actions = actions;
    this.scoring = entries.stream().anyMatch(e -> e.settings().onReject() == RejectAction.SCORE);
    this.modes = modes;
    this.choices = choices;
    List<Entry> all = List.copyOf(entries);
    this.perRecipient = all.stream().filter(e -> e.settings().onReject() == RejectAction.PER_RECIPIENT)
        .map(e -> e.check().name()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.perRecipientAfterRcpt = all.stream().filter(e -> e.settings().onReject() == RejectAction.PER_RECIPIENT)
        .filter(e -> e.check().phases().contains(Phase.DATA) || e.check().phases().contains(Phase.END_OF_DATA))
        .map(e -> e.check().name()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    boolean switchable = modes.switchable();
    for (Phase phase : Phase.values()) {
      byPhase.put(phase, all.stream()
          .filter(e -> !(e.check() instanceof ProtocolCheck))
          .filter(e -> (switchable || e.settings().mode() != CheckMode.OFF) && e.check().phases().contains(phase))
          .toList());
    }
    all.stream().filter(e -> e.check() instanceof ProtocolCheck)
        .forEach(e -> protocolChecks.put(e.check().name(), e));
  }

  public CheckModes modes() {
    return modes;
  }

  /** What the message's score becomes. */
  public ScoreActions actions() {
    return actions;
  }

  /** Whether any check is in score mode (else the score is not kept at all). */
  public boolean scoring() {
    return scoring;
  }

  /** The recipients' choices for per-recipient checks. */
  public RecipientChoices choices() {
    return choices;
  }

  /**
   * Per-recipient checks that judge only after the recipients are known (DATA, END_OF_DATA): every
   * recipient of a transaction must have chosen alike for them, since one message gets one verdict.
   */
  public java.util.Set<String> perRecipientAfterRcpt() {
    return perRecipientAfterRcpt;
  }



  /**
   * Runs the one protocol check that judges a problem, in its mode, as {@link #run} would: a
   * decision when it is enforced, an observed finding in observe mode, nothing when it is off or
   * not in this chain.
   */
  public ChainResult judge(ProtocolProblem problem, CheckContext context) {
    Entry entry = protocolChecks.get(problem.check());
    CheckMode mode = entry == null ? CheckMode.OFF : modes.effective(entry.check().name(), entry.settings().mode());
    if (mode == CheckMode.OFF) {
      return new ChainResult(Optional.empty(), List.of(), List.of(), List.of());
    }
    Verdict verdict = evaluate(entry, context.withProblem(problem));
    if (verdict instanceof Verdict.Continue) {
      return new ChainResult(Optional.empty(), List.of(), List.of(), List.of());
    }
    Finding finding = new Finding(entry.check().name(), problem.phase(),
        mode == CheckMode.OBSERVE ? verdict : soften(verdict, entry.settings()), mode == CheckMode.OBSERVE);
    return mode == CheckMode.OBSERVE ? new ChainResult(Optional.empty(), List.of(), List.of(), List.of(finding))
        : new ChainResult(Optional.of(finding), List.of(), List.of(), List.of());
  }

  /**
   * Runs the phase's checks.
   *
   * @param skipped names of checks to skip for this evaluation (exceptions, allow entries)
   */
  public ChainResult run(Phase phase, CheckContext context, Predicate<String> skipped) {
    List<Finding> tempfails = new ArrayList<>(2);
    List<Finding> tags = new ArrayList<>(2);
    List<Finding> observed = new ArrayList<>(2);
    List<Verdict.Annotate> annotations = new ArrayList<>(1);
    List<Finding> soft = new ArrayList<>(1);
    List<Scored> scored = new ArrayList<>(1);
    for (Entry entry : byPhase.get(phase)) {
      String name = entry.check().name();
      CheckMode mode = modes.effective(name, entry.settings().mode());
      if (mode == CheckMode.OFF || skipped.test(name)) {
        continue;
      }
      Verdict verdict = evaluate(entry, context);
      if (verdict instanceof Verdict.Scored own) {
        verdict = own.otherwise();
        if (mode == CheckMode.ENFORCE && entry.settings().onReject() == RejectAction.SCORE) {
          // The check's own score counts, whatever it would decide alone; its header stays.
          if (verdict instanceof Verdict.Annotate annotate) {
            annotations.add(annotate);
          }
          scored.add(new Scored(new Finding(name, phase, scoped(new Verdict.Tag(own.reason(), own.explanation(),
              entry.settings().tagKind()), entry.settings()), false), own.points()));
          continue;
        }
      }
      if (verdict instanceof Verdict.Continue) {
        continue;
      }
      if (verdict instanceof Verdict.Annotate annotate) {
        if (mode != CheckMode.OBSERVE) { // observe changes nothing, the message included
          annotations.add(annotate);
        }
        continue;
      }
      if (mode == CheckMode.OBSERVE) {
        observed.add(new Finding(name, phase, verdict, true));
        continue;
      }
      if (entry.settings().onReject() == RejectAction.SCORE
          && (verdict instanceof Verdict.Reject || verdict instanceof Verdict.Tag)) {
        // A temporary failure stays one: an unknown result is never points short of a refusal.
        scored.add(new Scored(new Finding(name, phase, scoped(verdict, entry.settings()), false),
            entry.settings().score()));
        continue;
      }
      if (verdict instanceof Verdict.Reject && perRecipient.contains(name)) {
        soft.add(new Finding(name, phase, verdict, false));
        continue;
      }
      Finding finding = new Finding(name, phase, scoped(soften(verdict, entry.settings()), entry.settings()), false);
      switch (finding.verdict()) {
        case Verdict.Tag tag -> tags.add(finding);
        case Verdict.Tempfail tempfail -> tempfails.add(finding);
        case Verdict.Continue c -> { }
        default -> {
          return new ChainResult(Optional.of(finding), tempfails, tags, observed, annotations, soft, scored);
        }
      }
    }
    return new ChainResult(Optional.empty(), tempfails, tags, observed, annotations, soft, scored);
  }

  /** The verdict with the scope whose settings made it among its facts, when that is not the global configuration. */
  private static Verdict scoped(Verdict verdict, CheckSettings settings) {
    if (settings.scope().isEmpty()) {
      return verdict;
    }
    java.util.function.UnaryOperator<Explanation> add = e -> {
      List<Fact> facts = new ArrayList<>(e.facts());
      facts.add(new Fact("decided by", settings.scope() + " (on-reject = " + settings.onReject().label() + ")"));
      return new Explanation(facts, e.rule(), e.fix(), e.links());
    };
    return switch (verdict) {
      case Verdict.Tag t -> new Verdict.Tag(t.reason(), add.apply(t.explanation()), t.kind());
      case Verdict.Reject r -> new Verdict.Reject(r.kind(), r.status(), r.reason(), add.apply(r.explanation()),
          r.finding());
      case Verdict.Tempfail t -> new Verdict.Tempfail(t.kind(), t.status(), t.reason(), add.apply(t.explanation()));
      case Verdict.Disconnect d -> new Verdict.Disconnect(d.kind(), d.status(), d.reason(), add.apply(d.explanation()));
      default -> verdict;
    };
  }

  private static Verdict soften(Verdict verdict, CheckSettings settings) {
    RejectAction action = settings.onReject();
    if (!(verdict instanceof Verdict.Reject reject) || action == RejectAction.REJECT) {
      return verdict;
    }
    if (action == RejectAction.TAG) {
      return new Verdict.Tag(reject.finding(), reject.explanation(), settings.tagKind());
    }
    if (action == RejectAction.QUARANTINE) {
      return new Verdict.Tag(reject.finding(), reject.explanation(), TagKind.QUARANTINE);
    }
    return reject.deferred(); // its reply code is the renderer's to derive
  }

  /**
   * Runs a check on this thread, bounded by its timeout (see {@link CheckWatchdog}): a check that
   * waits past its deadline is interrupted; a timeout or an exception becomes a 451 4.3.0.
   */
  private static Verdict evaluate(Entry entry, CheckContext context) {
    Check check = entry.check();
    long timeout = entry.settings().timeout().toNanos();
    CheckWatchdog.Evaluation evaluation = CheckWatchdog.INSTANCE.start(timeout);
    Verdict verdict;
    Throwable failure = null;
    try {
      verdict = check.evaluate(context.withDeadline(evaluation.deadline));
    } catch (InterruptedException | CheckContext.CheckInterruptedException e) {
      verdict = null;
    } catch (Exception | StackOverflowError e) {
      verdict = null;
      failure = e;
    } finally {
      CheckWatchdog.INSTANCE.finish(evaluation);
    }
    if (verdict != null && !evaluation.timedOut()) {
      return verdict;
    }
    if (failure == null) {
      log.warn("check={} phase={} timed out after {} ms; temporary failure", check.name(), context.phase(),
          entry.settings().timeout().toMillis());
      return internalFailure(check, "did not finish within " + entry.settings().timeout().toMillis() + " ms");
    }
    log.warn("check={} phase={} failed; temporary failure", check.name(), context.phase(), failure);
    return internalFailure(check, "failed with an internal error (details are in the server log)");
  }

  private static Verdict internalFailure(Check check, String what) {
    return new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, INTERNAL, "Temporary failure in policy check " + check.name(),
        Explanation.builder()
            .fact("check", check.name() + " " + what)
            .rule("A check that cannot decide never lets mail through: the result is unknown, so the "
                    + "server answers with a temporary failure (RFC 5321 4.2.5).",
                "Nothing to do for the sender: a standards-compliant server retries later and the "
                    + "message goes through once the check answers. If this persists, tell the "
                    + "postmaster of this server, quoting the reference."));
  }
}
