package org.portcullis.policy;

import org.portcullis.mail.SmtpReply;

/**
 * A refusal that was logged and recorded, with the reply to send.
 *
 * @param reference its reference
 * @param finding the check and verdict
 * @param reply the SMTP reply, text ending with {@code ref=...}
 */
public record RecordedRefusal(String reference, Finding finding, SmtpReply reply) {

  public boolean disconnects() {
    return finding.verdict() instanceof Verdict.Disconnect;
  }

}
