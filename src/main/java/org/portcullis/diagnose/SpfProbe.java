package org.portcullis.diagnose;

import java.util.List;
import org.portcullis.spf.SpfEvaluator;
import org.portcullis.spf.SpfOutcome;

/**
 * {@code spf.mailfrom} and {@code spf.helo}: the gateway's own SPF evaluator (RFC 7208, its
 * lookup limits included) for the sender's domain and for the HELO name.
 */
public final class SpfProbe implements Probe {

  private final SpfEvaluator spf;
  private final boolean helo;

  /** @param helo evaluate the HELO identity ({@code spf.helo}) rather than MAIL FROM ({@code spf.mailfrom}) */
  public SpfProbe(SpfEvaluator spf, boolean helo) {
    this.spf = spf;
    this.helo = helo;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    String id = helo ? "spf.helo" : "spf.mailfrom";
    if (helo ? subject.helo().isEmpty() : subject.domain().isEmpty()) {
      return List.of();
    }
    String greeting = subject.helo().orElse(subject.domain().orElse(""));
    SpfOutcome o = helo ? spf.helo(subject.ip(), greeting)
        : spf.mailFrom(subject.ip(), subject.sender().orElse("postmaster@" + subject.domain().get()), greeting);
    Values v = new Values(subject).put("result", o.result().label()).put("explanation", o.explanation())
        .fact("result", o.result().label()).fact("DNS lookups", String.valueOf(o.lookups().size()));
    if (!o.record().isEmpty()) {
      v.fact("record", o.record());
    }
    o.lookups().forEach(l -> v.fact("lookup", l));
    Status status = switch (o.result()) {
      case PASS -> Status.PASS;
      case FAIL, PERMERROR -> Status.FAIL;
      case SOFTFAIL, NEUTRAL -> Status.WARN;
      case NONE -> helo ? Status.INFO : Status.WARN;
      case TEMPERROR -> Status.UNKNOWN;
    };
    return List.of(v.finding(id, status));
  }
}
