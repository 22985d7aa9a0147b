package org.portcullis.app;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.portcullis.delivery.OutgoingSigner;
import org.portcullis.dkim.DkimKeys;
import org.portcullis.dkim.DkimSigner;
import org.portcullis.mail.AuthorAddresses;
import org.portcullis.mail.RawMessage;
import org.portcullis.smtp.MessageSigner;

/**
 * DKIM signing over the keys in the data directory: the SMTP listeners' {@link MessageSigner} for
 * our users' mail, and the delivery's {@link OutgoingSigner} for what the server writes itself
 * (reports, notices), signed with the key of its From domain, else of the server's own domain.
 */
final class DkimSigning {

  private DkimSigning() {}

  /**
   * @param serverDomain the organisational domain of {@code server.hostname}, whose key signs the
   *     server's own mail when its From domain has none
   */
  static OutgoingSigner outgoing(DkimKeys keys, String serverDomain, Clock clock) {
    if (keys.keys().isEmpty()) {
      return OutgoingSigner.NONE;
    }
    return message -> {
      RawMessage parsed = RawMessage.parse(message);
      String from = parsed.headerFields().stream().filter(f -> f.regionMatches(true, 0, "From:", 0, 5)).findFirst()
          .map(f -> AuthorAddresses.domains(f.substring(5))).filter(d -> !d.isEmpty()).map(List::getFirst).orElse("");
      Optional<DkimSigner> signer = keys.signerFor(from).or(() -> keys.signerFor(serverDomain));
      if (signer.isEmpty()) {
        return message;
      }
      String field = signer.get().sign(parsed.headerFields(), parsed.body(), clock.instant()) + "\r\n";
      byte[] head = field.getBytes(StandardCharsets.US_ASCII);
      byte[] out = java.util.Arrays.copyOf(head, head.length + message.length);
      System.arraycopy(message, 0, out, head.length, message.length);
      return out;
    };
  }

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
