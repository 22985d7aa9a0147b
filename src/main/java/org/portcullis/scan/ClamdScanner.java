package org.portcullis.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * ClamAV's clamd, sent the message with {@code zINSTREAM}: chunks each preceded by its length in
 * four octets (network order), then a zero length; the reply ends with a NUL:
 * {@code stream: OK} or {@code stream: <signature> FOUND}.
 */
public final class ClamdScanner implements Scanner {

  public static final String NAME = "clamd";
  static final int CHUNK = 64 * 1024;
  static final int REPLY_MAX = 4096;

  private final ScannerAddress address;

  public ClamdScanner(ScannerAddress address) {
    this.address = address;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScanResult scan(ScanRequest request, long deadlineNanos) throws IOException {
    try (SocketChannel channel = address.open(); Deadline deadline = Deadline.closeAt(deadlineNanos, channel)) {
      try {
        channel.connect(address.address());
        ScannerAddress.writeFully(channel, ByteBuffer.wrap("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII)));
        try {
          stream(channel, request);
        } catch (IOException e) {
          // clamd answers and closes when the stream passes its StreamMaxLength: read why.
          byte[] early = ScannerAddress.readReply(channel, REPLY_MAX, 0, NAME);
          if (early.length == 0) {
            throw e;
          }
          return parse(early);
        }
        return parse(ScannerAddress.readReply(channel, REPLY_MAX, 0, NAME));
      } catch (IOException e) {
        throw deadline.explain(e, NAME);
      }
    }
  }

  private static void stream(SocketChannel channel, ScanRequest request) throws IOException {
    byte[] chunk = new byte[CHUNK];
    ByteBuffer length = ByteBuffer.allocate(4);
    try (InputStream in = request.message().octets()) {
      for (int n; (n = in.readNBytes(chunk, 0, CHUNK)) > 0; ) {
        length.clear().putInt(n).flip();
        ScannerAddress.writeFully(channel, length);
        ScannerAddress.writeFully(channel, ByteBuffer.wrap(chunk, 0, n));
      }
    }
    length.clear().putInt(0).flip();
    ScannerAddress.writeFully(channel, length);
  }

  /**
   * Reads clamd's reply to INSTREAM.
   *
   * @throws ScanReplyException for an ERROR reply (size limit, clamd's own trouble) or anything else
   */
  static ScanResult parse(byte[] reply) throws ScanReplyException {
    String text = new String(reply, StandardCharsets.ISO_8859_1).strip();
    if (text.startsWith("stream: ")) {
      String result = text.substring("stream: ".length());
      if (result.equals("OK")) {
        return new ScanResult.Clean(NAME, Optional.empty(), List.of());
      }
      if (result.endsWith(" FOUND") && result.length() > " FOUND".length()) {
        String signature = Symbols.printable(result.substring(0, result.length() - " FOUND".length()).strip(), 200);
        return new ScanResult.Infected(NAME, signature);
      }
    }
    if (text.endsWith("ERROR")) {
      throw new ScanReplyException("clamd: " + Symbols.printable(text, 200));
    }
    throw new ScanReplyException("clamd's reply is not \"stream: OK\" or \"stream: <name> FOUND\": "
        + Symbols.printable(text, 80));
  }

  @Override
  public String toString() {
    return NAME + " at " + address;
  }
}
