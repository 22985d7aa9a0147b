package org.portcullis.policy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header fields of a message, unfolded, in order, as read at the end of DATA.
 *
 * @param fields name and value of each header field
 */
public record MessageHeaders(List<Field> fields) {

  /** One header field; the value is unfolded (CRLF + WSP removed) and not decoded. */
  public record Field(String name, String value) {}

  public MessageHeaders {
    fields = List.copyOf(fields);
  }

  /** The value of the first field with that name (case-insensitive). */
  public Optional<String> first(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Field field : fields) {
      if (field.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        return Optional.of(field.value());
      }
    }
    return Optional.empty();
  }

}
