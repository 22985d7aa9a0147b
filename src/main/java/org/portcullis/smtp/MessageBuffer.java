package org.portcullis.smtp;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.portcullis.mail.MessageText;
import org.portcullis.policy.MessageHeaders;

/**
 * The text of one message as it arrives: the header section kept apart (for checks and for
 * rewriting the Subject), the body in growing chunks (2 KiB, 8 KiB, 32 KiB, then 64 KiB) charged to the
 * shared {@link MemoryBudget}.
 * Line endings are CRLF. Not thread-safe.
 */
final class MessageBuffer implements MessageText {

  static final int CHUNK = 64 * 1024;
  /** The first body chunk is small: most mail is a few kilobytes. */
  static final int FIRST_CHUNK = 2 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};

  private final MemoryBudget budget;
  private byte[] header = new byte[1024];
  private int headerLength;
  private final List<Integer> fieldStarts = new ArrayList<>();
  private final java.util.Set<Integer> dropped = new java.util.HashSet<>();
  /** The header section read both ways, once it is complete (several checks and the acceptance ask). */
  private MessageHeaders unfolded;
  private List<String> raw;
  private boolean inHeader = true;
  private final List<byte[]> chunks = new ArrayList<>();
  private int lastChunkLength;
  private long charged;
  private long size;
  private boolean overBudget;

  MessageBuffer(MemoryBudget budget) {
    this.budget = budget;
  }

  /** Octets stored so far (CRLF included). */
  @Override
  public long size() {
    return size;
  }

  /** True if memory could not be had for the whole message. */
  boolean overBudget() {
    return overBudget;
  }

  /** Appends one line (without its ending); a CRLF is added. */
  void appendLine(byte[] data, int offset, int length) {
    if (inHeader) {
      if (length == 0) {
        inHeader = false;
        appendHeader(CRLF, 0, 2);
        return;
      }
      boolean continuation = data[offset] == ' ' || data[offset] == '\t';
      if (continuation && !fieldStarts.isEmpty() || isFieldStart(data, offset, length)) {
        if (!continuation) {
          fieldStarts.add(headerLength);
        }
        appendHeader(data, offset, length);
        appendHeader(CRLF, 0, 2);
        return;
      }
      // Not a header field: the message has no (more) header; this line starts the body.
      inHeader = false;
    }
    appendBody(data, offset, length);
    appendBody(CRLF, 0, 2);
  }

  private static boolean isFieldStart(byte[] data, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = data[i];
      if (b == ':') {
        return i > offset;
      }
      if (b <= 32 || b >= 127) {
        return false;
      }
    }
    return false;
  }

  private void appendHeader(byte[] data, int offset, int length) {
    unfolded = null;
    raw = null;
    if (!charge(length)) {
      return;
    }
    if (headerLength + length > header.length) {
      header = Arrays.copyOf(header, Math.max(header.length * 2, headerLength + length));
    }
    System.arraycopy(data, offset, header, headerLength, length);
    headerLength += length;
    size += length;
  }

  private void appendBody(byte[] data, int offset, int length) {
    int done = 0;
    while (done < length) {
      if (chunks.isEmpty() || lastChunkLength == chunks.getLast().length) {
        int size = chunks.isEmpty() ? FIRST_CHUNK : Math.min(CHUNK, chunks.getLast().length * 4);
        if (!charge(size)) {
          return;
        }
        chunks.add(new byte[size]);
        lastChunkLength = 0;
      }
      byte[] chunk = chunks.getLast();
      int n = Math.min(length - done, chunk.length - lastChunkLength);
      System.arraycopy(data, offset + done, chunk, lastChunkLength, n);
      lastChunkLength += n;
      done += n;
    }
    size += length;
  }

  private boolean charge(long bytes) {
    if (overBudget) {
      return false;
    }
    if (!budget.tryAcquire(bytes)) {
      overBudget = true;
      return false;
    }
    charged += bytes;
    return true;
  }

  /** The header fields, unfolded. */
  MessageHeaders headers() {
    if (unfolded != null) {
      return unfolded;
    }
    List<MessageHeaders.Field> fields = new ArrayList<>(fieldStarts.size());
    for (int i = 0; i < fieldStarts.size(); i++) {
      int start = fieldStarts.get(i);
      int end = i + 1 < fieldStarts.size() ? fieldStarts.get(i + 1) : headerEndWithoutBlankLine();
      String raw = new String(header, start, end - start, StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      String value = raw.substring(colon + 1).replace("\r\n", "").strip();
      fields.add(new MessageHeaders.Field(raw.substring(0, colon), value));
    }
    unfolded = new MessageHeaders(fields);
    return unfolded;
  }

  @Override
  public List<String> headerFields() {
    if (raw != null) {
      return raw;
    }
    List<String> fields = new ArrayList<>(fieldStarts.size());
    for (int i = 0; i < fieldStarts.size(); i++) {
      int start = fieldStarts.get(i);
      int end = i + 1 < fieldStarts.size() ? fieldStarts.get(i + 1) : headerEndWithoutBlankLine();
      fields.add(new String(header, start, Math.max(0, end - start - 2), StandardCharsets.UTF_8));
    }
    raw = List.copyOf(fields);
    return raw;
  }

  @Override
  public InputStream body() {
    List<InputStream> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      parts.add(new ByteArrayInputStream(chunk, 0, i == chunks.size() - 1 ? lastChunkLength : chunk.length));
    }
    return new SequenceInputStream(Collections.enumeration(parts));
  }

  @Override
  public InputStream octets() {
    return new SequenceInputStream(new ByteArrayInputStream(header, 0, headerLength), body());
  }

  private int headerEndWithoutBlankLine() {
    boolean endsWithBlank = !inHeader && headerLength >= 2 && header[headerLength - 2] == '\r'
        && header[headerLength - 1] == '\n' && (headerLength == 2 || header[headerLength - 3] == '\n');
    return endsWithBlank ? headerLength - 2 : headerLength;
  }

  /**
   * Leaves out of {@link #content} every header field for which {@code test} holds of its raw text
   * (name, colon, value, folding; no final CRLF), e.g. an Authentication-Results field that claims
   * our authserv-id.
   */
  void dropFields(java.util.function.Predicate<String> test) {
    List<String> raw = headerFields();
    for (int i = 0; i < raw.size(); i++) {
      if (test.test(raw.get(i))) {
        dropped.add(i);
      }
    }
  }

  /**
   * The stored message as buffers: {@code prefix} (trace headers we add), the header section with
   * {@code subjectPrefix} inserted in the Subject (or a Subject field added) and without the fields
   * {@link #dropFields} named, then the body.
   */
  List<ByteBuffer> content(byte[] prefix, String subjectPrefix) {
    List<ByteBuffer> out = new ArrayList<>(chunks.size() + 3);
    out.add(ByteBuffer.wrap(prefix));
    int at = subjectPrefix.isEmpty() ? -1 : subjectValueStart();
    if (!subjectPrefix.isEmpty() && at < 0) {
      out.add(ByteBuffer.wrap(("Subject: " + subjectPrefix.strip() + "\r\n").getBytes(StandardCharsets.UTF_8)));
    }
    int from = 0;
    for (int i = 0; i <= fieldStarts.size(); i++) {
      boolean drop = i < fieldStarts.size() && dropped.contains(i);
      int start = i < fieldStarts.size() ? fieldStarts.get(i) : headerLength;
      if (drop || i == fieldStarts.size()) {
        addHeaderRange(out, from, start, at, subjectPrefix);
        from = drop ? (i + 1 < fieldStarts.size() ? fieldStarts.get(i + 1) : headerEndWithoutBlankLine()) : start;
      }
    }
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      out.add(ByteBuffer.wrap(chunk, 0, i == chunks.size() - 1 ? lastChunkLength : chunk.length));
    }
    return out;
  }

  /** Header octets [from, to), with the subject prefix inserted at {@code at} if it falls inside. */
  private void addHeaderRange(List<ByteBuffer> out, int from, int to, int at, String subjectPrefix) {
    if (from >= to) {
      return;
    }
    if (at >= from && at < to) {
      out.add(ByteBuffer.wrap(header, from, at - from));
      out.add(ByteBuffer.wrap(subjectPrefix.getBytes(StandardCharsets.UTF_8)));
      out.add(ByteBuffer.wrap(header, at, to - at));
    } else {
      out.add(ByteBuffer.wrap(header, from, to - from));
    }
  }

  private int subjectValueStart() {
    for (int start : fieldStarts) {
      if (headerLength - start >= 8 && regionEqualsIgnoreCase(start, "subject:")) {
        int at = start + 8;
        if (at < headerLength && header[at] == ' ') {
          at++;
        }
        return at;
      }
    }
    return -1;
  }

  private boolean regionEqualsIgnoreCase(int start, String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.toLowerCase((char) header[start + i]) != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Returns the memory to the budget; the buffer must not be used afterwards. */
  void release() {
    budget.release(charged);
    charged = 0;
    chunks.clear();
    header = new byte[0];
    unfolded = null;
    raw = null;
    headerLength = 0;
  }
}
