package org.portcullis.policy;

import java.util.Optional;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Recipient;

/**
 * Something the protocol layer found wrong before the chain could run: an address it cannot
 * parse, a connection over the limits, a logged-in user's sender it does not own. Each names the
 * {@link ProtocolCheck} that judges it, so that the refusal has a check name, a mode where one
 * makes sense, a reference and an explanation like every other.
 */
public sealed interface ProtocolProblem {

  /** The name of the catalogued check that judges this problem. */
  String check();

  /** The phase the problem was found at. */
  Phase phase();

  /**
   * An envelope address that does not parse (RFC 5321 4.1.2, RFC 6531).
   *
   * @param given the argument after {@code FROM:} or {@code TO:}, as the client sent it
   * @param detail the parser's words for what is wrong
   */
  record MalformedAddress(Phase phase, String given, AddressSyntaxException.Kind kind, String detail)
      implements ProtocolProblem {

    public static final String CHECK = "envelope-syntax";
    /** A recipient without a domain ("Require FULL email of recipient") has its own name and advice. */
    public static final String CHECK_FULL_ADDRESS = "recipient-full-address";

    public MalformedAddress {
      if (phase != Phase.MAIL && phase != Phase.RCPT) {
        throw new IllegalArgumentException("addresses are given at MAIL or RCPT, not " + phase);
      }
    }

    @Override
    public String check() {
      return kind == AddressSyntaxException.Kind.MISSING_DOMAIN && phase == Phase.RCPT ? CHECK_FULL_ADDRESS : CHECK;
    }
  }

  /**
   * A connection over the per-client or per-network limit.
   *
   * @param network the client's network ({@code 198.51.100.0/24}) when its limit was reached, empty
   *     when the address's own limit was
   * @param max how many connections the address or network may hold at once
   */
  record TooManyConnections(Optional<String> network, int max) implements ProtocolProblem {

    public static final String CHECK = "connection-limit";

    @Override
    public String check() {
      return CHECK;
    }

    @Override
    public Phase phase() {
      return Phase.CONNECT;
    }
  }

  /**
   * A logged-in user's MAIL FROM that the account does not own (Postfix's
   * {@code reject_sender_login_mismatch}).
   *
   * @param given the MAIL FROM argument as sent
   * @param why the account's reason, in words
   */
  record SenderNotOwned(String user, String given, String why) implements ProtocolProblem {

    public static final String CHECK = "sender-login";

    @Override
    public String check() {
      return CHECK;
    }

    @Override
    public Phase phase() {
      return Phase.MAIL;
    }
  }

  /** A logged-in user's mail with the null sender to a domain that is not ours. */
  record NullSenderToRemote(String user, Recipient recipient) implements ProtocolProblem {

    @Override
    public String check() {
      return SenderNotOwned.CHECK;
    }

    @Override
    public Phase phase() {
      return Phase.RCPT;
    }
  }
}
