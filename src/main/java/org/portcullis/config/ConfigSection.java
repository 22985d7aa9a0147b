package org.portcullis.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Typed, validated access to one table of the TOML file. Every getter names the full key in its
 * error, and {@link #finish} refuses keys nobody asked for, so a typo stops start-up instead of
 * being silently ignored.
 */
final class ConfigSection {

  private final String path;
  private final JsonNode node;
  private final Set<String> used = new HashSet<>();

  ConfigSection(String path, JsonNode node) {
    this.path = path;
    this.node = node;
    if (node != null && !node.isObject()) {
      throw new ConfigException(path, "must be a table");
    }
  }

  /** The dotted path of this table, e.g. {@code exceptions[0]}. */
  String path() {
    return path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  boolean has(String name) {
    return node != null && node.get(name) != null;
  }

  private JsonNode get(String name) {
    used.add(name);
    return node == null ? null : node.get(name);
  }

  String string(String name, String fallback) {
    JsonNode value = get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isString()) {
      throw new ConfigException(key(name), "must be a string, like " + name + " = \"...\"");
    }
    String text = value.stringValue();
    if (text.length() > 4096 || text.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      throw new ConfigException(key(name), "must be at most 4096 characters without control characters");
    }
    return text;
  }

  /** Whether the key is there and holds a string (rather than a number, say). */
  boolean isString(String name) {
    return node != null && node.get(name) != null && node.get(name).isString();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode value = get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new ConfigException(key(name), "must be true or false");
    }
    return value.booleanValue();
  }

  long integer(String name, long fallback, long min, long max) {
    JsonNode value = get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()) {
      throw new ConfigException(key(name), "must be a whole number between " + min + " and " + max);
    }
    if (!value.canConvertToLong()) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", not " + value.asString());
    }
    long n = value.longValue();
    if (n < min || n > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", not " + n);
    }
    return n;
  }

  double decimal(String name, double fallback, double min, double max) {
    JsonNode value = get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new ConfigException(key(name), "must be a number between " + min + " and " + max);
    }
    double n = value.doubleValue();
    if (!(n >= min && n <= max)) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", not " + n);
    }
    return n;
  }

  List<String> strings(String name, List<String> fallback) {
    JsonNode value = get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray()) {
      throw new ConfigException(key(name), "must be a list of strings, like " + name + " = [\"...\"]");
    }
    if (value.size() > 100_000) {
      throw new ConfigException(key(name), "has more than 100000 entries");
    }
    List<String> out = new ArrayList<>(value.size());
    int i = 0;
    for (JsonNode item : value.values()) {
      if (!item.isString() || item.stringValue().isBlank() || item.stringValue().length() > 1024) {
        throw new ConfigException(key(name) + "[" + i + "]", "must be a non-empty string of at most 1024 characters");
      }
      out.add(item.stringValue().strip());
      i++;
    }
    return List.copyOf(out);
  }

  ConfigSection section(String name) {
    return new ConfigSection(key(name), get(name));
  }

  /** An array of tables ({@code [[exceptions]]}). */
  List<ConfigSection> sections(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ConfigException(key(name), "must be an array of tables, written [[" + key(name) + "]]");
    }
    List<ConfigSection> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : value.values()) {
      out.add(new ConfigSection(key(name) + "[" + i++ + "]", item));
    }
    return out;
  }

  /** The keys present in this table, in file order. */
  Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    if (node != null) {
      keys.addAll(node.propertyNames());
    }
    return keys;
  }

  /** Refuses keys that no getter asked for. */
  void finish() {
    if (node == null) {
      return;
    }
    for (String name : node.propertyNames()) {
      if (!used.contains(name)) {
        throw new ConfigException(key(name), "unknown key (see docs/configuration.md)");
      }
    }
  }
}
