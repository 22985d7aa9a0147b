package org.portcullis.dkim;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.jdkim.api.Headers;

/**
 * A message's header fields as jDKIM reads them: each field as it was received, folding kept,
 * without its final CRLF. Lookup by name ignores case, as RFC 5322 does.
 */
final class HeaderFields implements Headers {

  private final List<String> fields;

  HeaderFields(List<String> fields) {
    this.fields = List.copyOf(fields);
  }

  @Override
  public List<String> getFields() {
    return fields;
  }

  @Override
  public List<String> getFields(String name) {
    List<String> named = new ArrayList<>(2);
    for (String field : fields) {
      if (nameIs(field, name)) {
        named.add(field);
      }
    }
    return named;
  }

  /** Whether {@code field} is named {@code name}: the name, optional white space, then a colon. */
  static boolean nameIs(String field, String name) {
    if (!field.regionMatches(true, 0, name, 0, name.length())) {
      return false;
    }
    int at = name.length();
    while (at < field.length() && (field.charAt(at) == ' ' || field.charAt(at) == '\t')) {
      at++;
    }
    return at < field.length() && field.charAt(at) == ':';
  }
}
