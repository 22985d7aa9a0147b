package org.portcullis.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SpamAssassin's spamd, asked with SPAMC/1.5 {@code SYMBOLS} (the reply names the rules that hit
 * and carries {@code Spam: True ; 7.2 / 5.0}). Over spamd's threshold the message is tagged; at
 * {@code reject-score} or above it is refused.
 */
public final class SpamdScanner implements Scanner {

  public static final String NAME = "spamd";
  /** More than a SYMBOLS reply ever needs: a header and a list of rule names. */
  static final int REPLY_MAX = 64 * 1024;

  private static final Pattern STATUS = Pattern.compile("SPAMD/(\\d{1,2}\\.\\d{1,2}) +(\\d{1,3}) *(.*)");
  private static final Pattern SPAM = Pattern.compile(
      "(?i)(true|false|yes|no) *; *(-?\\d{1,9}(?:\\.\\d{1,9})?) */ *(-?\\d{1,9}(?:\\.\\d{1,9})?)");

  private final ScannerAddress address;
  private final Optional<String> user;
  private final double rejectScore;

  /**
   * @param user the {@code User:} spamd scores for (its per-user preferences), if any
   * @param rejectScore the score at which spam is refused rather than tagged
   */
  public SpamdScanner(ScannerAddress address, Optional<String> user, double rejectScore) {
    this.address = address;
    this.user = user;
    this.rejectScore = rejectScore;
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
        StringBuilder head = new StringBuilder("SYMBOLS SPAMC/1.5\r\nContent-length: ")
            .append(request.message().size()).append("\r\n");
        user.ifPresent(u -> head.append("User: ").append(u).append("\r\n"));
        head.append("\r\n");
        ScannerAddress.writeFully(channel, ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.US_ASCII)));
        try (InputStream in = request.message().octets()) {
          byte[] chunk = new byte[16 * 1024];
          for (int n; (n = in.read(chunk)) > 0; ) {
            ScannerAddress.writeFully(channel, ByteBuffer.wrap(chunk, 0, n));
          }
        }
        channel.shutdownOutput();
        return parse(ScannerAddress.readReply(channel, REPLY_MAX, -1, NAME), rejectScore);
      } catch (IOException e) {
        throw deadline.explain(e, NAME);
      }
    }
  }

  /**
   * Reads a SYMBOLS reply: the status line, the {@code Spam:} header, the comma-separated rules.
   *
   * @throws ScanReplyException for anything else, an error status included
   */
  static ScanResult parse(byte[] reply, double rejectScore) throws ScanReplyException {
    String text = new String(reply, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    int bodyStart = end + 4;
    if (end < 0) {
      end = text.indexOf("\n\n");
      bodyStart = end + 2;
    }
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(bodyStart);
    String[] lines = head.split("\r?\n");
    Matcher status = STATUS.matcher(lines[0].strip());
    if (!status.matches()) {
      throw new ScanReplyException("spamd's reply does not start with SPAMD/<version>: "
          + Symbols.printable(lines[0], 80));
    }
    if (!status.group(2).equals("0")) {
      throw new ScanReplyException("spamd refused the request: " + status.group(2) + " "
          + Symbols.printable(status.group(3), 80));
    }
    for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Spam")) {
        Matcher spam = SPAM.matcher(line.substring(colon + 1).strip());
        if (!spam.matches()) {
          throw new ScanReplyException("spamd's Spam header is not \"True ; score / threshold\": "
              + Symbols.printable(line, 80));
        }
        ScanResult.Score score = new ScanResult.Score(Double.parseDouble(spam.group(2)),
            Double.parseDouble(spam.group(3)));
        boolean isSpam = spam.group(1).equalsIgnoreCase("true") || spam.group(1).equalsIgnoreCase("yes");
        var symbols = Symbols.keep(Arrays.asList(body.strip().split(",")));
        if (!isSpam) {
          return new ScanResult.Clean(NAME, Optional.of(score), symbols);
        }
        return new ScanResult.Spam(NAME, score, symbols,
            score.value() >= rejectScore ? ScanResult.SpamAction.REJECT : ScanResult.SpamAction.TAG);
      }
    }
    throw new ScanReplyException("spamd's reply has no Spam header");
  }

  @Override
  public String toString() {
    return NAME + " at " + address;
  }
}
