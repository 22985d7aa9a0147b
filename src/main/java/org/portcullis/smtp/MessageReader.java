package org.portcullis.smtp;

import java.io.IOException;

/**
 * Reads message text after 354 until the end-of-data line, into a {@link MessageBuffer}.
 *
 * <p>The documented rule for line endings (as Postfix's {@code smtpd_forbid_bare_newline =
 * normalize}): only {@code CRLF . CRLF} ends the data; a line ending in a bare LF, and a bare CR
 * inside a line, are stored as line breaks (CRLF), so that a {@code "."} line hidden behind a
 * bare LF or CR becomes ordinary, dot-stuffed content when the message is passed on (no SMTP
 * smuggling). Leading dots are removed (RFC 5321 4.5.2). A message that contains NUL octets or a
 * line over the text-line limit is read to its end and then refused; so is one over the size
 * limit. Not thread-safe.
 */
final class MessageReader {

  /** How reading ended. */
  enum Status { COMPLETE, DISCONNECTED }

  /** What was wrong with a completely read message, if anything. */
  static final class Problems {
    long firstLongLine;
    boolean nul;
    boolean tooBig;
    long lines;
  }

  private final SmtpInput input;
  private final Line line;
  private final int textLineMax;
  private final long sizeMax;
  private final Pace pace;

  /**
   * How fast message text must come: the input's deadline starts {@code idle} ahead; each line moves
   * it on by what its octets are worth at {@code minBytesPerSecond}, never more than {@code idle}
   * ahead of now, never past {@code hardDeadline} (the transaction's end). A client that drips, or
   * stalls, runs out of time.
   */
  record Pace(long idleNanos, long minBytesPerSecond, long hardDeadline) {
    static final Pace NONE = new Pace(Long.MAX_VALUE / 4, 1, Long.MAX_VALUE);
  }

  MessageReader(SmtpInput input, Line line, int textLineMax, long sizeMax) {
    this(input, line, textLineMax, sizeMax, Pace.NONE);
  }

  MessageReader(SmtpInput input, Line line, int textLineMax, long sizeMax, Pace pace) {
    this.input = input;
    this.line = line;
    this.textLineMax = textLineMax;
    this.sizeMax = sizeMax;
    this.pace = pace;
  }

  private void paced(long octets) {
    if (pace == Pace.NONE) {
      return;
    }
    long now = System.nanoTime();
    long earned = input.deadline() + octets * 1_000_000_000L / pace.minBytesPerSecond();
    input.deadline(Math.min(Math.min(now + pace.idleNanos(), earned), pace.hardDeadline()));
  }

  /**
   * @param previousLineEndedWithCrlf whether the DATA command itself ended with CRLF
   * @throws java.net.SocketTimeoutException if the client stops sending for the data timeout
   */
  Status read(MessageBuffer buffer, Problems problems, boolean previousLineEndedWithCrlf) throws IOException {
    boolean previousCrlf = previousLineEndedWithCrlf;
    while (true) {
      if (!input.readLine(line, textLineMax) || line.ending == Line.Ending.EOF) {
        return Status.DISCONNECTED;
      }
      paced(line.octets);
      boolean crlf = line.ending == Line.Ending.CRLF;
      if (line.isDot() && crlf && previousCrlf) {
        return Status.COMPLETE;
      }
      previousCrlf = crlf;
      problems.lines++;
      if (line.overflow) {
        if (problems.firstLongLine == 0) {
          problems.firstLongLine = problems.lines;
        }
        continue;
      }
      if (problems.firstLongLine != 0 || problems.tooBig || problems.nul) {
        continue;
      }
      if (line.contains((byte) 0)) {
        problems.nul = true;
        continue;
      }
      // RFC 5321 4.5.2: remove a leading dot only when other characters follow; a lone "." that
      // did not end the data (bare LF around it) is content.
      int start = line.length > 1 && line.data[0] == '.' ? 1 : 0;
      if (buffer.size() + (line.length - start) + 2 > sizeMax) {
        problems.tooBig = true;
        continue;
      }
      storeSplittingBareCr(buffer, start);
    }
  }

  private void storeSplittingBareCr(MessageBuffer buffer, int start) {
    int from = start;
    for (int i = start; i < line.length; i++) {
      if (line.data[i] == '\r') {
        buffer.appendLine(line.data, from, i - from);
        from = i + 1;
      }
    }
    buffer.appendLine(line.data, from, line.length - from);
  }
}
