package org.portcullis.diagnose;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message catalogue ({@code diagnose/advice.properties}): a title and advice per finding id
 * and status, in plain words, with {@code {name}} placeholders for what was observed. A key
 * missing from the catalogue is a programming error, caught by the tests.
 */
public final class Advice {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");
  private static final Properties TEXTS = load();

  private Advice() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Advice.class.getResourceAsStream("/diagnose/advice.properties")) {
      if (in == null) {
        throw new IllegalStateException("diagnose/advice.properties is missing from the build");
      }
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read diagnose/advice.properties", e);
    }
    return p;
  }

  /** {@code key} with its placeholders filled from {@code values}. */
  public static String text(String key, Map<String, String> values) {
    String template = TEXTS.getProperty(key);
    if (template == null) {
      throw new IllegalArgumentException("no text for " + key + " in diagnose/advice.properties");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(key + " needs a value for {" + m.group(1) + "}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  /** A finding of {@code id} with its title ({@code id.title}) and, unless it passed, its advice ({@code id.status}). */
  public static Finding finding(String id, Status status, java.util.List<Finding.Fact> facts, Map<String, String> values) {
    String title = text(titleKey(id), values);
    String advice = status == Status.PASS ? "" : text(baseKey(id) + "." + status.label(), values);
    return new Finding(id, title, status, facts, advice);
  }

  /** DNS lists share one set of texts: {@code dnsbl.zen.example} reads {@code dnsbl.*}. */
  private static String baseKey(String id) {
    return id.startsWith("dnsbl.") ? "dnsbl" : id;
  }

  private static String titleKey(String id) {
    return baseKey(id) + ".title";
  }
}
