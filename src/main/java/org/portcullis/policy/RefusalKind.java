package org.portcullis.policy;

/**
 * What kind of refusal a check makes, in the terms of RFC 5321 4.2.2. A check states the kind and
 * its enhanced status; {@link ReplyRenderer#basicCode} derives the three-digit code from the kind,
 * whether the refusal is temporary, and where it is answered (instead of the greeting, every
 * permanent refusal is 554), as Postfix's one reject function does.
 */
public enum RefusalKind {
  /** The command's argument is malformed: 501. */
  SYNTAX(501),
  /** The command came out of order: 503. */
  SEQUENCE(503),
  /** A command parameter is not acceptable: 504. */
  PARAMETER(504),
  /** The sender, recipient or client is refused by policy: 550. */
  POLICY(550),
  /** The mailbox name is not allowed: 553. */
  MAILBOX_NAME(553),
  /** The whole transaction is refused: 554. */
  TRANSACTION(554),
  /** Our side could not decide (a lookup or a check failed); only ever temporary: 451. */
  LOCAL_ERROR(451),
  /** The service closes the connection: 421. */
  CLOSING(421);

  private final int code;

  RefusalKind(int code) {
    this.code = code;
  }

  /** The basic code of a permanent refusal of this kind (for {@link #LOCAL_ERROR} and {@link #CLOSING}, their own). */
  int permanentCode() {
    return code;
  }

  /** The kind a check's literal reply code stands for (450 and 452 are {@link #POLICY} deferred). */
  public static RefusalKind ofCode(int code) {
    for (RefusalKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    return POLICY;
  }
}
