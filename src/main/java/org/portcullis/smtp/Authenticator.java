package org.portcullis.smtp;

import java.net.InetAddress;
import java.util.Optional;
import org.portcullis.mail.EmailAddress;

/**
 * Who may log in on the submission listener, and as which senders they may then send. The
 * session speaks SASL; this decides. Implementations are thread-safe and may block (password
 * hashing, the store).
 */
public interface Authenticator {

  /** What a login attempt came to. */
  sealed interface Outcome {}

  /** The credentials are good; {@code user} is the login in its stored form. */
  record Accepted(String user) implements Outcome {}

  /** Wrong name or password (which of the two is not said). */
  record Rejected() implements Outcome {}

  /** Not tried: too many failures lately; {@code why} says so for the client. */
  record Throttled(String why) implements Outcome {}

  /** Checks a login by {@code user} with {@code password} from {@code client}. */
  Outcome authenticate(InetAddress client, String user, String password);

  /**
   * Why {@code user} may not send as {@code sender} (naming what they may use), or empty if they
   * may.
   */
  Optional<String> senderRefusal(String user, EmailAddress sender);
}
