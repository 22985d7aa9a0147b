package org.portcullis.smtp;

import java.util.Optional;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.SessionPolicy;

/**
 * What the submission listener asks of MAIL and RCPT beyond the checks every listener runs: a
 * login first (unless configured otherwise), a sender the login owns, and the null sender only
 * towards our own domains. The refusals are the {@code sender-login} check's.
 */
final class SubmissionRules {

  private final SmtpSettings.Submission submission;

  SubmissionRules(SmtpSettings.Submission submission) {
    this.submission = submission;
  }

  /** The 530 for MAIL without a login, when the listener requires one. */
  Optional<SmtpReply> loginMissing(Optional<String> user) {
    if (user.isPresent() || !submission.requireAuth()) {
      return Optional.empty();
    }
    return Optional.of(SmtpReply.of(530, EnhancedStatus.parse("5.7.0"),
        "Authentication required: log in with AUTH (after STARTTLS) to send mail on this port"));
  }

  /** A logged-in user's MAIL FROM that the account does not own (bounces, with no sender, are not judged). */
  Optional<ProtocolProblem> senderProblem(Optional<String> user, MailPath sender, String given) {
    if (user.isEmpty() || sender.isNull()) {
      return Optional.empty();
    }
    return submission.authenticator().senderRefusal(user.get(), sender.address())
        .map(why -> new ProtocolProblem.SenderNotOwned(user.get(), given, why));
  }

  /**
   * A logged-in user's mail with the null sender (a bounce, a read receipt) to a domain that is
   * not ours: it would be anonymous mail from our servers that nobody can answer or bounce.
   */
  Optional<ProtocolProblem> nullSenderProblem(Optional<String> user, SessionPolicy policy, Recipient recipient) {
    if (user.isEmpty() || !policy.sender().map(MailPath::isNull).orElse(false)
        || policy.site().isAcceptedDomain(recipient.address().domain())) {
      return Optional.empty();
    }
    return Optional.of(new ProtocolProblem.NullSenderToRemote(user.get(), recipient));
  }
}
