package org.portcullis.blocklist;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.portcullis.policy.MessageHeaders;

/**
 * The part of a message kept as evidence: the Received, From, Subject, Message-ID and Date
 * fields, each at most 300 characters. Never the body, never other fields (they may carry third
 * parties' data).
 */
public final class HeaderExcerpt {

  public static final List<String> FIELDS = List.of("Received", "From", "Subject", "Message-ID", "Date");
  private static final int HEADER_CHARS_MAX = 256 * 1024;

  private HeaderExcerpt() {}

  /** The excerpt of parsed header fields. */
  public static String of(MessageHeaders headers) {
    StringBuilder out = new StringBuilder();
    for (MessageHeaders.Field f : headers.fields()) {
      for (String wanted : FIELDS) {
        if (f.name().toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
          String line = f.name() + ": " + f.value();
          out.append(line.length() > 300 ? line.substring(0, 300) : line).append('\n');
        }
      }
    }
    return out.toString().strip();
  }

  /**
   * The excerpt of a message's text (or just its header section): fields are read up to the
   * first empty line (at most 256 kB), folded lines unfolded.
   */
  public static String ofText(String message) {
    List<MessageHeaders.Field> fields = new ArrayList<>();
    String name = null;
    StringBuilder value = null;
    int read = 0;
    for (String line : message.split("\r?\n", -1)) {
      if (line.isEmpty() || read > HEADER_CHARS_MAX) {
        break;
      }
      read += line.length() + 2;
      if ((line.startsWith(" ") || line.startsWith("\t")) && value != null) {
        value.append(' ').append(line.strip());
        continue;
      }
      if (value != null) {
        fields.add(new MessageHeaders.Field(name, value.toString()));
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        value = null;
        continue;
      }
      name = line.substring(0, colon).strip();
      value = new StringBuilder(line.substring(colon + 1).strip());
    }
    if (value != null) {
      fields.add(new MessageHeaders.Field(name, value.toString()));
    }
    return of(new MessageHeaders(fields));
  }
}
