package org.portcullis.app;

import java.time.Clock;
import java.util.Optional;
import org.portcullis.dkim.DkimKeys;
import org.portcullis.dkim.DkimSigner;
import org.portcullis.smtp.MessageSigner;

/** The SMTP listeners' {@link MessageSigner} over the DKIM keys in the data directory. */
final class DkimSigning {

  private DkimSigning() {}

  static MessageSigner of(DkimKeys keys, Clock clock) {
    if (keys.keys().isEmpty()) {
      return MessageSigner.NONE;
    }
    return (domain, fields, body) -> {
      Optional<DkimSigner> signer = keys.signerFor(domain);
      return signer.isEmpty() ? Optional.empty() : Optional.of(signer.get().sign(fields, body, clock.instant()));
    };
  }
}
