package org.portcullis.delivery;

import static org.portcullis.delivery.DeliveryOutcome.toAll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.queue.QueuedMessage;

/**
 * Hands messages to one configured next-hop SMTP server (the real mail store behind the gateway,
 * or the smarthost for other domains), all recipients of a message in one transaction, with
 * STARTTLS when offered and PIPELINING. A 4xx or a connection failure defers, a 5xx fails, per
 * recipient where the server answers per recipient. Thread-safe: one connection per call.
 */
public final class RelayTransport implements Transport {

  private final InetSocketAddress nextHop;
  private final String heloName;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Optional<SSLContext> tls = OpportunisticTls.context();
  private final NextHopSecurity security;

  public RelayTransport(InetSocketAddress nextHop, String heloName, Duration connectTimeout, Duration readTimeout) {
    this(nextHop, heloName, connectTimeout, readTimeout, NextHopSecurity.OPPORTUNISTIC);
  }

  /** @param security TLS and AUTH towards this next hop (the smarthost of an ISP, say) */
  public RelayTransport(InetSocketAddress nextHop, String heloName, Duration connectTimeout, Duration readTimeout,
      NextHopSecurity security) {
    this.security = security;
    this.nextHop = nextHop;
    this.heloName = heloName;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public String name() {
    return "relay=[" + nextHop.getHostString() + "]:" + nextHop.getPort();
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    SmtpConnection c;
    try {
      // A next hop given by name is looked up at each delivery (the ISP may move it), by the system's resolver.
      InetSocketAddress nextHop = this.nextHop.isUnresolved()
          ? new InetSocketAddress(java.net.InetAddress.getByName(this.nextHop.getHostString()), this.nextHop.getPort())
          : this.nextHop;
      SmtpConnection.Opened opened = security.tls() == NextHopSecurity.Tls.OPPORTUNISTIC
          ? SmtpConnection.open(nextHop, nextHop.getHostString(), Optional.empty(), heloName, tls, connectTimeout,
              readTimeout)
          : SmtpConnection.openSecured(nextHop, nextHop.getHostString(), heloName, security, connectTimeout,
              readTimeout);
      switch (opened) {
        case SmtpConnection.Opened.Ready ready -> c = ready.connection();
        case SmtpConnection.Opened.Refused refused -> {
          return toAll(recipients, DeliveryOutcome.of(refused.remote(), false));
        }
        case SmtpConnection.Opened.Unusable unusable -> {
          return toAll(recipients, new DeliveryOutcome.Deferred(unusable.why(), new EnhancedStatus(4, 7, 0),
              Optional.empty()));
        }
      }
    } catch (IOException e) {
      return toAll(recipients, new DeliveryOutcome.Deferred("connection to " + name() + " failed: " + e.getMessage(),
          new EnhancedStatus(4, 4, 1), Optional.empty()));
    }
    try {
      Map<Integer, DeliveryOutcome> outcomes = SmtpTransaction.run(c, message, recipients, content).outcomes();
      c.quit();
      return outcomes;
    } catch (SmtpTransaction.Broken broken) {
      c.close();
      return toAll(recipients, new DeliveryOutcome.Deferred(broken.getMessage()
          + (broken.afterContent ? "; it may be delivered twice" : ""), new EnhancedStatus(4, 4, 2), Optional.empty()));
    }
  }

}
