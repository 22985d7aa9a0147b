package org.portcullis.mail;

import java.util.List;
import java.util.Optional;

/**
 * The argument of MAIL FROM or RCPT TO: a mailbox, or the null path {@code <>}.
 *
 * @param mailbox the mailbox; empty for the null reverse-path
 * @param sourceRoute the obsolete RFC 5321 A-d-l ({@code @relay1,@relay2:}) if the client sent
 *     one; servers must ignore it, and a source route naming us followed by someone else's domain
 *     is a relay trick
 * @param bracketed false if the client left out the angle brackets (tolerated, recorded)
 */
public record MailPath(Optional<EmailAddress> mailbox, List<String> sourceRoute, boolean bracketed) {

  public static final MailPath NULL = new MailPath(Optional.empty(), List.of(), true);

  public MailPath {
    sourceRoute = List.copyOf(sourceRoute);
  }

  public boolean isNull() {
    return mailbox.isEmpty();
  }

  /** The mailbox, for a path known not to be null. */
  public EmailAddress address() {
    return mailbox.orElseThrow(() -> new IllegalStateException("the null path has no address"));
  }

  /** Parses the text after {@code MAIL FROM:} or {@code RCPT TO:} up to the first parameter. */
  public static MailPath parse(String text, boolean smtputf8) throws AddressSyntaxException {
    return PathParser.parsePath(text, smtputf8);
  }

  /** A path and the ESMTP parameters that followed it. */
  public record WithParameters(MailPath path, String parameters) {}

  /**
   * Parses a MAIL or RCPT argument after the colon: the path, then the space-separated ESMTP
   * parameters returned unparsed.
   */
  public static WithParameters parseWithParameters(String text, boolean smtputf8)
      throws AddressSyntaxException {
    PathParser.Prefix prefix = PathParser.parsePrefix(text, smtputf8);
    return new WithParameters(prefix.path(), prefix.rest());
  }

  @Override
  public String toString() {
    return "<" + mailbox.map(EmailAddress::toString).orElse("") + ">";
  }
}
