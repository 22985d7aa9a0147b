package org.portcullis.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;

/**
 * The arguments of MAIL and RCPT: the keyword, the path (RFC 5321 4.1.2, RFC 6531) and the ESMTP
 * parameters, each problem thrown as the exception the session answers it with.
 */
final class EnvelopeArguments {

  /** A parsed {@code MAIL FROM:}: the reverse path and its parameters. */
  record Mail(MailPath path, MailParameters parameters) {}

  private EnvelopeArguments() {}

  /**
   * The text after {@code keyword} ({@code FROM:}, {@code TO:}), matched without regard to case;
   * empty when the argument does not start with it.
   */
  static Optional<String> afterKeyword(String argument, String keyword) {
    if (argument.length() < keyword.length() || !argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return Optional.empty();
    }
    String rest = argument.substring(keyword.length());
    // Tolerate "MAIL FROM: <a@b>" (one space), as Postfix does; the path itself is strict.
    return Optional.of(rest.startsWith(" ") ? rest.substring(1) : rest);
  }

  /** Parses what follows {@code MAIL FROM:}. */
  static Mail mail(String rest) throws AddressSyntaxException, EsmtpParameters.ParameterException {
    MailPath.WithParameters parsed = MailPath.parseWithParameters(rest, true);
    MailParameters parameters = EsmtpParameters.mail(EsmtpParameters.split(parsed.parameters()));
    if (!parameters.smtputf8() && parsed.path().mailbox().map(EmailAddress::isInternational).orElse(false)) {
      throw new AddressSyntaxException(AddressSyntaxException.Kind.NON_ASCII,
          "non-ASCII characters in the address need the SMTPUTF8 parameter (RFC 6531)");
    }
    return new Mail(parsed.path(), parameters);
  }

  /**
   * Parses what follows {@code RCPT TO:}.
   *
   * @param smtputf8 whether MAIL FROM carried SMTPUTF8
   * @param postmasterDomain the domain a bare {@code <Postmaster>} is taken to be at
   */
  static Recipient rcpt(String rest, boolean smtputf8, String postmasterDomain)
      throws AddressSyntaxException, EsmtpParameters.ParameterException {
    Optional<MailPath.WithParameters> postmaster = postmaster(rest, postmasterDomain);
    MailPath.WithParameters parsed = postmaster.isPresent() ? postmaster.get() : MailPath.parseWithParameters(rest, true);
    EsmtpParameters.RcptParameters params = EsmtpParameters.rcpt(EsmtpParameters.split(parsed.parameters()));
    if (parsed.path().isNull()) {
      throw new AddressSyntaxException(AddressSyntaxException.Kind.SYNTAX, "the null path <> is not a recipient");
    }
    if (!smtputf8 && parsed.path().address().isInternational()) {
      throw new AddressSyntaxException(AddressSyntaxException.Kind.NON_ASCII,
          "non-ASCII characters in the address need the SMTPUTF8 parameter on MAIL FROM (RFC 6531)");
    }
    return new Recipient(parsed.path().address(), params.notifyOn(), params.orcpt(), parsed.path().bracketed());
  }

  /** {@code RCPT TO:<Postmaster>} without a domain must be accepted (RFC 5321 4.1.1.3). */
  private static Optional<MailPath.WithParameters> postmaster(String text, String domain) {
    if (!text.toLowerCase(Locale.ROOT).startsWith("<postmaster>")) {
      return Optional.empty();
    }
    EmailAddress postmaster = new EmailAddress("postmaster", domain, false);
    return Optional.of(new MailPath.WithParameters(
        new MailPath(Optional.of(postmaster), List.of(), true), text.substring("<postmaster>".length()).strip()));
  }
}
