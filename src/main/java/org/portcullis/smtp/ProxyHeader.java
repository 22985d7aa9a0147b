package org.portcullis.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.portcullis.mail.Addresses;

/**
 * The HAProxy PROXY protocol header, versions 1 (text) and 2 (binary), which a load balancer
 * sends before anything else to pass on the real client address.
 *
 * <p>See haproxy's proxy-protocol.txt. A LOCAL (v2) or UNKNOWN (v1) header means "use the
 * connection's own address" (health checks).
 */
final class ProxyHeader {

  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  private static final int V1_MAX = 107;

  private ProxyHeader() {}

  /** A header that does not follow the protocol. */
  static final class ProxyException extends IOException {
    ProxyException(String message) {
      super(message);
    }
  }

  /**
   * Reads the header from the start of the connection.
   *
   * @return the client address it announces, or empty for LOCAL/UNKNOWN
   * @throws ProxyException if the connection does not start with a valid header
   */
  static Optional<InetSocketAddress> read(SmtpInput input) throws IOException {
    byte[] v1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    while (true) {
      byte[] start = input.peek(16);
      if (isPrefix(v1, start) && start.length >= v1.length) {
        return readV1(input);
      }
      if (isPrefix(V2_SIGNATURE, start) && start.length >= V2_SIGNATURE.length) {
        return readV2(input);
      }
      if (start.length > 0 && !isPrefix(v1, start) && !isPrefix(V2_SIGNATURE, start)) {
        throw new ProxyException("connection does not start with a PROXY protocol header");
      }
      if (input.fill() < 0) {
        throw new ProxyException("connection closed before the PROXY header");
      }
    }
  }

  /** True if the first bytes of {@code seen} agree with {@code expected} as far as both go. */
  private static boolean isPrefix(byte[] expected, byte[] seen) {
    for (int i = 0; i < Math.min(expected.length, seen.length); i++) {
      if (expected[i] != seen[i]) {
        return false;
      }
    }
    return true;
  }

  private static Optional<InetSocketAddress> readV1(SmtpInput input) throws IOException {
    Line line = new Line(V1_MAX + 1);
    if (!input.readLine(line, V1_MAX) || line.overflow || line.ending != Line.Ending.CRLF) {
      throw new ProxyException("PROXY v1 header too long or not CRLF-terminated");
    }
    String[] parts = line.text().split(" ");
    if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
      return Optional.empty();
    }
    if (parts.length != 6 || !(parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
      throw new ProxyException("malformed PROXY v1 header");
    }
    InetAddress source = Addresses.parseLiteral(parts[2])
        .orElseThrow(() -> new ProxyException("bad source address in PROXY v1 header"));
    int port = port(parts[4]);
    port(parts[5]);
    if ((source.getAddress().length == 4) != parts[1].equals("TCP4")) {
      throw new ProxyException("PROXY v1 address family does not match the address");
    }
    return Optional.of(new InetSocketAddress(source, port));
  }

  private static int port(String text) throws ProxyException {
    if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > 65535) {
      throw new ProxyException("bad port in PROXY header");
    }
    return Integer.parseInt(text);
  }

  private static Optional<InetSocketAddress> readV2(SmtpInput input) throws IOException {
    byte[] fixed = input.readExactly(16);
    int versionCommand = fixed[12] & 0xFF;
    int family = fixed[13] & 0xFF;
    int length = ((fixed[14] & 0xFF) << 8) | (fixed[15] & 0xFF);
    if ((versionCommand >> 4) != 2) {
      throw new ProxyException("unsupported PROXY protocol version " + (versionCommand >> 4));
    }
    if (length > 512) {
      throw new ProxyException("PROXY v2 header too long");
    }
    byte[] body = input.readExactly(length);
    int command = versionCommand & 0x0F;
    if (command == 0) {
      return Optional.empty();
    }
    if (command != 1) {
      throw new ProxyException("unknown PROXY v2 command " + command);
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    try {
      switch (family) {
        case 0x11 -> {
          byte[] src = new byte[4];
          b.get(src).get(new byte[4]);
          return Optional.of(new InetSocketAddress(InetAddress.getByAddress(src), b.getShort() & 0xFFFF));
        }
        case 0x21 -> {
          byte[] src = new byte[16];
          b.get(src).get(new byte[16]);
          return Optional.of(new InetSocketAddress(InetAddress.getByAddress(src), b.getShort() & 0xFFFF));
        }
        case 0x00 -> {
          return Optional.empty();
        }
        default -> throw new ProxyException("unsupported PROXY v2 address family " + family);
      }
    } catch (java.nio.BufferUnderflowException | UnknownHostException e) {
      throw new ProxyException("truncated PROXY v2 addresses");
    }
  }
}
