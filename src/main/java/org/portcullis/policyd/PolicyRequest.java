package org.portcullis.policyd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One request of Postfix's SMTP access policy delegation protocol: {@code name=value} lines up to
 * an empty line. Unknown attributes are kept but ignored; a repeated name keeps its last value.
 */
public final class PolicyRequest {

  private final Map<String, String> attributes = new LinkedHashMap<>();

  void put(String name, String value) {
    attributes.put(name, value);
  }

  public Optional<String> get(String name) {
    String v = attributes.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public int size() {
    return attributes.size();
  }
}
