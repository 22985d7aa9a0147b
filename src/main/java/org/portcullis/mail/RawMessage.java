package org.portcullis.mail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole message held as its octets (CRLF line endings), split into header fields and body the
 * way {@link MessageText} promises: for messages read back from a file, such as the outbound queue's.
 */
public final class RawMessage implements MessageText {

  private final byte[] octets;
  private final List<String> fields;
  private final int bodyStart;

  private RawMessage(byte[] octets, List<String> fields, int bodyStart) {
    this.octets = octets;
    this.fields = List.copyOf(fields);
    this.bodyStart = bodyStart;
  }

  /** Splits {@code octets} at the first empty line; a line that is no header field also ends the header. */
  public static RawMessage parse(byte[] octets) {
    List<String> fields = new ArrayList<>();
    int at = 0;
    int fieldStart = -1;
    while (at < octets.length) {
      int end = lineEnd(octets, at);
      int next = Math.min(octets.length, end + 2);
      if (end == at) { // the empty line
        close(octets, fields, fieldStart, at);
        return new RawMessage(octets, fields, next);
      }
      boolean continuation = octets[at] == ' ' || octets[at] == '\t';
      if (!continuation) {
        if (!isFieldStart(octets, at, end)) {
          close(octets, fields, fieldStart, at);
          return new RawMessage(octets, fields, at);
        }
        close(octets, fields, fieldStart, at);
        fieldStart = at;
      } else if (fieldStart < 0) {
        return new RawMessage(octets, fields, at);
      }
      at = next;
    }
    close(octets, fields, fieldStart, octets.length);
    return new RawMessage(octets, fields, octets.length);
  }

  private static void close(byte[] octets, List<String> fields, int start, int end) {
    if (start >= 0) {
      int length = end - start;
      if (length >= 2 && octets[end - 2] == '\r' && octets[end - 1] == '\n') {
        length -= 2;
      }
      fields.add(new String(octets, start, length, StandardCharsets.UTF_8));
    }
  }

  private static int lineEnd(byte[] octets, int from) {
    for (int i = from; i + 1 < octets.length; i++) {
      if (octets[i] == '\r' && octets[i + 1] == '\n') {
        return i;
      }
    }
    return octets.length;
  }

  private static boolean isFieldStart(byte[] octets, int from, int end) {
    for (int i = from; i < end; i++) {
      byte b = octets[i];
      if (b == ':') {
        return i > from;
      }
      if (b <= 32 || b >= 127) {
        return false;
      }
    }
    return false;
  }

  @Override
  public List<String> headerFields() {
    return fields;
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(octets, bodyStart, octets.length - bodyStart);
  }

  @Override
  public InputStream octets() {
    return new ByteArrayInputStream(octets);
  }

  @Override
  public long size() {
    return octets.length;
  }
}
