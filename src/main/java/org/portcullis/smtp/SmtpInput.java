package org.portcullis.smtp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Buffered reading of lines from the client, with a length limit that never lets a client make
 * us hold more than the limit (the rest of an over-long line is read and dropped).
 *
 * <p>The buffer is ours, so the session can tell whether the client has sent more than one command
 * (pipelining) and can drop buffered plaintext at STARTTLS (RFC 3207 section 6). Not thread-safe.
 */
final class SmtpInput {

  private InputStream in;
  private final byte[] buffer = new byte[4096];
  private int position;
  private int limit;
  private java.net.Socket socket;
  private long deadline = Long.MAX_VALUE;

  SmtpInput(InputStream in) {
    this.in = in;
  }

  /** Reads on {@code socket} follow the deadline ({@link #deadline}); without one, its own timeout. */
  SmtpInput(java.net.Socket socket) throws IOException {
    this.in = socket.getInputStream();
    this.socket = socket;
  }

  /**
   * Every read from now on must end by {@code nanoTime}: a total limit, not an idle one, so that
   * a client dripping a byte every few seconds cannot hold a command (or a DATA block) open past it.
   */
  void deadline(long nanoTime) {
    this.deadline = nanoTime;
  }

  /** The current deadline ({@link System#nanoTime()} based); {@code Long.MAX_VALUE} when none. */
  long deadline() {
    return deadline;
  }

  /** Switches to the TLS socket after the handshake; buffered bytes must be gone. */
  void replaceSocket(java.net.Socket tls) throws IOException {
    replaceStream(tls.getInputStream());
    this.socket = tls;
  }

  /** Switches to a new underlying stream (after the TLS handshake). Buffered bytes must be gone. */
  void replaceStream(InputStream newStream) {
    if (position != limit) {
      throw new IllegalStateException("buffered plaintext must be discarded before switching streams");
    }
    this.in = newStream;
  }

  /** Bytes received and not yet consumed, without blocking. */
  int buffered() {
    return limit - position;
  }

  /** True if the client has sent more than we have consumed (checked without blocking). */
  boolean hasPendingInput() throws IOException {
    return position < limit || in.available() > 0;
  }

  /** Drops everything buffered; returns how many octets were dropped. */
  int discardBuffered() {
    int dropped = limit - position;
    position = limit;
    return dropped;
  }

  /**
   * Reads what the client has sent, up to the buffer's free space, waiting at most the socket's
   * timeout. Returns the number of octets now buffered, or -1 at end of stream.
   */
  int fill() throws IOException {
    if (position == limit) {
      position = 0;
      limit = 0;
    }
    if (limit == buffer.length) {
      return buffered();
    }
    if (socket != null && deadline != Long.MAX_VALUE) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new java.net.SocketTimeoutException("deadline passed");
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000)));
    }
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      return -1;
    }
    limit += n;
    return buffered();
  }

  /** A copy of up to {@code max} buffered octets, without consuming them. */
  byte[] peek(int max) {
    int n = Math.min(max, limit - position);
    byte[] out = new byte[n];
    System.arraycopy(buffer, position, out, 0, n);
    return out;
  }

  /** Consumes and returns exactly {@code n} octets (for PROXY v2 headers). */
  byte[] readExactly(int n) throws IOException {
    byte[] out = new byte[n];
    int done = 0;
    while (done < n) {
      if (position == limit && fill() < 0) {
        throw new java.io.EOFException("connection closed inside a header");
      }
      int chunk = Math.min(n - done, limit - position);
      System.arraycopy(buffer, position, out, done, chunk);
      position += chunk;
      done += chunk;
    }
    return out;
  }

  /**
   * Reads one line into {@code line}. Lines end with LF (CRLF or a bare LF, reported in
   * {@link Line#ending}); a line of more than {@code maxOctets} octets (terminator included) is
   * consumed whole but only its first part kept, with {@link Line#overflow} set.
   *
   * @return false at end of stream before any octet of a line
   */
  boolean readLine(Line line, int maxOctets) throws IOException {
    line.reset();
    boolean previousCr = false;
    while (true) {
      if (position == limit && fill() < 0) {
        if (line.octets == 0) {
          return false;
        }
        line.ending = Line.Ending.EOF;
        line.overflow = line.octets > maxOctets;
        return true;
      }
      int i = position;
      while (i < limit && buffer[i] != '\n') {
        i++;
      }
      int count = i - position;
      if (count > 0) {
        keep(line, position, count, maxOctets);
        previousCr = buffer[i - 1] == '\r';
        line.octets += count;
      }
      if (i == limit) {
        position = limit;
        continue;
      }
      position = i + 1;
      line.octets += 1;
      if (previousCr) {
        line.ending = Line.Ending.CRLF;
        if (line.length == line.octets - 1) {
          line.length--;
        }
      } else {
        line.ending = Line.Ending.BARE_LF;
      }
      line.overflow = line.octets > maxOctets;
      return true;
    }
  }

  private void keep(Line line, int from, int count, int maxOctets) {
    int n = Math.min(count, maxOctets - line.length);
    if (n <= 0) {
      return;
    }
    if (line.data.length < line.length + n) {
      line.data = java.util.Arrays.copyOf(line.data, Math.min(maxOctets, Math.max(line.data.length * 2, line.length + n)));
    }
    System.arraycopy(buffer, from, line.data, line.length, n);
    line.length += n;
  }
}
