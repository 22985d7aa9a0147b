package org.portcullis.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.ProtocolFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens on a connection before the greeting: the PROXY protocol header from a trusted load
 * balancer, and postscreen's pregreet test (did the client talk before we greeted it?).
 */
final class ConnectionStart {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");
  /** The most a header read may take, whatever the command timeout. */
  private static final long PROXY_HEADER_MAX_NANOS = Duration.ofSeconds(10).toNanos();

  private ConnectionStart() {}

  /**
   * Reads the PROXY header that a listener behind a load balancer expects.
   *
   * @param peer who connected (the proxy)
   * @return the real client (or the peer itself for a PROXY "LOCAL" or "UNKNOWN" header); empty
   *     (logged) if the peer is not a configured proxy or its header is bad or late
   */
  static Optional<InetSocketAddress> proxiedClient(SmtpInput input, InetSocketAddress peer, List<Cidr> proxies,
      Duration commandTimeout) throws IOException {
    InetAddress address = Addresses.unmap(peer.getAddress());
    if (proxies.stream().noneMatch(n -> n.contains(address))) {
      log.warn("PROXY protocol listener: refused connection from [{}], not a configured proxy",
          Addresses.toText(address));
      return Optional.empty();
    }
    input.deadline(System.nanoTime() + Math.min(commandTimeout.toNanos(), PROXY_HEADER_MAX_NANOS));
    try {
      return Optional.of(ProxyHeader.read(input).orElse(new InetSocketAddress(address, peer.getPort())));
    } catch (ProxyHeader.ProxyException | SocketTimeoutException e) {
      log.warn("PROXY protocol: bad header from [{}]: {}", Addresses.toText(address), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Waits {@code delay} for the client to talk first, and records in {@code protocol} what it sent
   * before the greeting (an excerpt, made printable).
   */
  static void detectPregreet(SmtpInput input, Duration delay, ProtocolFacts protocol, int excerptMax,
      String clientText) throws IOException {
    if (delay.toMillis() > 0 && input.buffered() == 0) {
      input.deadline(System.nanoTime() + delay.toMillis() * 1_000_000L);
      try {
        input.fill();
      } catch (SocketTimeoutException quiet) {
        // good: the client waited
      }
    }
    if (input.hasPendingInput()) {
      if (input.buffered() == 0) {
        input.fill();
      }
      protocol.recordPregreet("\"" + printable(input.peek(excerptMax)) + "\"");
      log.info("pregreet from {}: {} octet(s) before the greeting", clientText, input.buffered());
    }
  }

  /** Octets as text with everything outside printable ASCII shown as a dot. */
  static String printable(byte[] octets) {
    return new String(octets, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
  }
}
