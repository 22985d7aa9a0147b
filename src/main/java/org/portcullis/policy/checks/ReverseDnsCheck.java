package org.portcullis.policy.checks;

import org.portcullis.dns.ReverseDns;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/** A check of a stranger's reverse DNS at CONNECT: it waits for the lookup started at connect. */
abstract class ReverseDnsCheck extends CatalogCheck {

  ReverseDnsCheck(String name) {
    super(name, Judges.STRANGERS, Phase.CONNECT);
  }

  @Override
  protected final Verdict judge(CheckContext context) {
    ReverseDns rdns = context.await(context.session().client().reverseDns());
    return judgeReverseDns(context, rdns, context.session().client().addressText());
  }

  /** Judges the client's reverse DNS; {@link Verdict#CONTINUE} when it has no opinion. */
  protected abstract Verdict judgeReverseDns(CheckContext context, ReverseDns rdns, String ip);
}
