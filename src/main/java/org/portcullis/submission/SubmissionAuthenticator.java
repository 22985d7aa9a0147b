package org.portcullis.submission;

import java.net.InetAddress;
import java.util.Optional;
import org.portcullis.access.LoginThrottle;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EmailAddress;
import org.portcullis.smtp.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The submission listener's {@link Authenticator}: {@link MailUsers} behind a {@link LoginThrottle}. */
public final class SubmissionAuthenticator implements Authenticator {

  private static final Logger log = LoggerFactory.getLogger("portcullis.submission");

  private final MailUsers users;
  private final LoginThrottle throttle;

  public SubmissionAuthenticator(MailUsers users, LoginThrottle throttle) {
    this.users = users;
    this.throttle = throttle;
  }

  @Override
  public Outcome authenticate(InetAddress client, String user, String password) {
    String name = MailUsers.validName(user).orElse(user);
    Optional<String> refusal = throttle.refusal(client, name);
    if (refusal.isPresent()) {
      log.warn("login throttled for {} from [{}]: {}", org.portcullis.mail.LogText.value(name),
          Addresses.toText(client), refusal.get());
      return new Throttled(refusal.get());
    }
    Optional<MailUser> found = users.authenticate(user, password);
    if (found.isEmpty()) {
      throttle.failed(client, name);
      log.warn("login failed for {} from [{}]", org.portcullis.mail.LogText.value(name), Addresses.toText(client));
      return new Rejected();
    }
    throttle.succeeded(client, name);
    return new Accepted(found.get().name());
  }

  @Override
  public Optional<String> senderRefusal(String user, EmailAddress sender) {
    Optional<MailUser> found = users.find(user);
    if (found.isEmpty()) {
      return Optional.of("the account " + user + " no longer exists");
    }
    if (found.get().owns(sender)) {
      return Optional.empty();
    }
    return Optional.of(found.get().ownedSenders().isEmpty() ? "the account " + user + " may not send as anyone"
        : "the account " + user + " may send as " + String.join(", ", found.get().ownedSenders()));
  }
}
