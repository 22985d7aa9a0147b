package org.portcullis.mail;

import java.util.List;
import java.util.Optional;

/**
 * An SMTP reply: a three-digit code, an optional enhanced status, and one or more text lines.
 *
 * <p>The first digit of the enhanced status always matches the first digit of the code (a 4xx
 * reply never carries a 5.x.x status); the constructor enforces it.
 */
public record SmtpReply(int code, Optional<EnhancedStatus> status, List<String> lines) {

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("SMTP reply code must be 200..599, not " + code);
    }
    if (status.isPresent() && status.get().statusClass() != code / 100) {
      throw new IllegalArgumentException(
          "enhanced status " + status.get() + " does not match reply code " + code);
    }
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("an SMTP reply needs at least one line of text");
    }
    for (String line : lines) {
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("SMTP reply text must not contain CR or LF: " + line);
      }
    }
  }

  public static SmtpReply of(int code, EnhancedStatus status, String text) {
    return new SmtpReply(code, Optional.of(status), List.of(text));
  }

  public static SmtpReply of(int code, String text) {
    return new SmtpReply(code, Optional.empty(), List.of(text));
  }

  public boolean isPositive() {
    return code < 400;
  }

  public boolean isTransient() {
    return code / 100 == 4;
  }

  public boolean isPermanent() {
    return code / 100 == 5;
  }

  /** The text of all lines joined by a space, without the code: for log lines and DSNs. */
  public String text() {
    return String.join(" ", lines);
  }

  /**
   * The reply as sent on the wire, CRLF terminated, multi-line replies with {@code code-}.
   *
   * @param withStatus whether to put the enhanced status code in front of each line (only when
   *     ENHANCEDSTATUSCODES applies)
   */
  public String wire(boolean withStatus) {
    StringBuilder out = new StringBuilder(64);
    for (int i = 0; i < lines.size(); i++) {
      out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (withStatus && status.isPresent()) {
        out.append(status.get()).append(' ');
      }
      out.append(lines.get(i)).append("\r\n");
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return code + status.map(s -> " " + s).orElse("") + " " + text();
  }
}
