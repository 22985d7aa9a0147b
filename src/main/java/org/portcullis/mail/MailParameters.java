package org.portcullis.mail;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ESMTP parameters of MAIL FROM that the gateway keeps with the envelope.
 *
 * @param declaredSize SIZE (RFC 1870), if sent
 * @param body BODY (RFC 6152): 7BIT or 8BITMIME
 * @param smtputf8 SMTPUTF8 (RFC 6531)
 * @param ret RET (RFC 3461): FULL or HDRS
 * @param envelopeId ENVID (RFC 3461), xtext-decoded
 */
public record MailParameters(
    OptionalLong declaredSize, Body body, boolean smtputf8, Optional<Ret> ret, Optional<String> envelopeId) {

  /** RFC 6152 BODY values we accept (BINARYMIME is not offered). */
  public enum Body { SEVEN_BIT, EIGHT_BIT_MIME }

  /** RFC 3461 RET values. */
  public enum Ret { FULL, HDRS }

  public static final MailParameters NONE =
      new MailParameters(OptionalLong.empty(), Body.SEVEN_BIT, false, Optional.empty(), Optional.empty());
}
