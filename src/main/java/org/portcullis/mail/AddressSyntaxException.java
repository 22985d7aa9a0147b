package org.portcullis.mail;

/** An envelope address or HELO argument that does not follow RFC 5321 (or RFC 6531). */
public final class AddressSyntaxException extends Exception {

  /** Why the text was refused; each kind has its own reply and explanation. */
  public enum Kind {
    /** Not an RFC 5321 path at all. */
    SYNTAX,
    /** A local part without {@code @domain} ("Require FULL email of recipient"). */
    MISSING_DOMAIN,
    /** UTF-8 where the client did not ask for SMTPUTF8. */
    NON_ASCII,
    /** Longer than RFC 5321 4.5.3.1 allows. */
    TOO_LONG
  }

  private final Kind kind;

  public AddressSyntaxException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
