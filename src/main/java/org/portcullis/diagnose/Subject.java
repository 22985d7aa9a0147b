package org.portcullis.diagnose;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * What is diagnosed: the sending server's address, and what it said or sends as.
 *
 * @param domain the sender's domain (its MX and SPF); from the sender when not given
 * @param helo the name it greets with
 * @param sender the MAIL FROM address it uses
 * @param connect whether probes may connect to the server (its SMTP banner); DNS checks only if not
 */
public record Subject(InetAddress ip, Optional<String> domain, Optional<String> helo, Optional<String> sender,
    boolean connect) {

  /** DNS checks only. */
  public Subject(InetAddress ip, Optional<String> domain, Optional<String> helo, Optional<String> sender) {
    this(ip, domain, helo, sender, false);
  }

  public Subject {
    domain = domain.or(() -> sender.filter(s -> s.lastIndexOf('@') > 0)
        .map(s -> s.substring(s.lastIndexOf('@') + 1))).map(d -> d.toLowerCase(Locale.ROOT));
  }
}
