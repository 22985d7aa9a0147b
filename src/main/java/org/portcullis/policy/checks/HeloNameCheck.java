package org.portcullis.policy.checks;

import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/** A check of the name a stranger gave in HELO or EHLO: it runs at HELO, and only once there is a name. */
abstract class HeloNameCheck extends CatalogCheck {

  HeloNameCheck(String name) {
    super(name, Judges.STRANGERS, Phase.HELO);
  }

  @Override
  protected final Verdict judge(CheckContext context) {
    return context.session().helo().map(helo -> judgeHelo(context, helo)).orElse(Verdict.CONTINUE);
  }

  /** Judges the HELO name; {@link Verdict#CONTINUE} when it has no opinion. */
  protected abstract Verdict judgeHelo(CheckContext context, HeloName helo);
}
