package org.portcullis.scan;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Where a socket scanner listens: a TCP address ({@code 127.0.0.1:783}) or a Unix socket
 * ({@code unix:/run/clamav/clamd.ctl}, Debian's default for clamd).
 */
public record ScannerAddress(SocketAddress address) {

  /** The prefix of a Unix socket path. */
  public static final String UNIX = "unix:";

  public static ScannerAddress tcp(InetSocketAddress address) {
    return new ScannerAddress(address);
  }

  public static ScannerAddress unix(Path path) {
    return new ScannerAddress(UnixDomainSocketAddress.of(path));
  }

  /** A new blocking channel, not yet connected: the caller arms its deadline first. */
  SocketChannel open() throws IOException {
    return address instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
  }

  /** Writes all of {@code buffer}. */
  static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Reads until the scanner closes the connection or {@code stop} (a terminating octet, or -1 for
   * none) arrives.
   *
   * @throws ScanReplyException if more than {@code max} octets come
   */
  static byte[] readReply(SocketChannel channel, int max, int stop, String scanner) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(max, 4096));
    while (true) {
      if (!buffer.hasRemaining()) {
        if (buffer.capacity() >= max) {
          throw new ScanReplyException(scanner + " replied more than " + max + " octets");
        }
        buffer = ByteBuffer.allocate(Math.min(max, buffer.capacity() * 4)).put(buffer.flip());
      }
      int from = buffer.position();
      int n = channel.read(buffer);
      if (n < 0) {
        break;
      }
      if (stop >= 0) {
        for (int i = from; i < buffer.position(); i++) {
          if (buffer.get(i) == stop) {
            buffer.position(i);
            return java.util.Arrays.copyOf(buffer.array(), i);
          }
        }
      }
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  @Override
  public String toString() {
    return address instanceof UnixDomainSocketAddress unix ? UNIX + unix.getPath()
        : address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : address.toString();
  }
}
