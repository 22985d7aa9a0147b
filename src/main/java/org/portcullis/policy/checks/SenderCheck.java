package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/** A check of a stranger's MAIL FROM address: the null sender {@code <>} is not judged here. */
abstract class SenderCheck extends CatalogCheck {

  SenderCheck(String name, Phase... phases) {
    super(name, Judges.STRANGERS, phases);
  }

  @Override
  protected final Verdict judge(CheckContext context) {
    return context.session().sender().flatMap(s -> s.mailbox()).map(sender -> judgeSender(context, sender))
        .orElse(Verdict.CONTINUE);
  }

  /** Judges the sender's address; {@link Verdict#CONTINUE} when it has no opinion. */
  protected abstract Verdict judgeSender(CheckContext context, EmailAddress sender);
}
