package org.portcullis.app;

import java.io.IOException;
import java.util.Optional;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.delivery.NextHopSecurity;

/**
 * The smarthost's {@link NextHopSecurity} from the configuration: a context that checks its
 * certificate against the system's trust store or the configured CA file, and the password read
 * from its file at start-up (an unreadable file or a bad CA file stops start-up, naming the key).
 */
final class SmarthostSecurities {

  private SmarthostSecurities() {}

  static NextHopSecurity of(PortcullisConfig.SmarthostSecurity s) throws IOException {
    if (s.tls() == NextHopSecurity.Tls.OPPORTUNISTIC) {
      return NextHopSecurity.OPPORTUNISTIC;
    }
    Optional<NextHopSecurity.Credentials> credentials = Optional.empty();
    if (s.mechanism().isPresent()) {
      credentials = Optional.of(new NextHopSecurity.Credentials(s.mechanism().get(), s.username(),
          ConfiguredSecrets.password(s.passwordFile().orElseThrow(), "delivery.smarthost-password-file")));
    }
    return new NextHopSecurity(s.tls(), Optional.of(ConfiguredSecrets.verifying(s.caFile(),
        "delivery.smarthost-ca-file")), credentials);
  }
}
