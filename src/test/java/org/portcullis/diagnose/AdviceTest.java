package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalogue: every probe's id has a title and a text for each status it can give, all fillable. */
class AdviceTest {

  private static final Map<String, List<String>> STATUSES = Map.ofEntries(
      Map.entry("rdns.ptr", List.of("fail", "unknown")), Map.entry("rdns.fcrdns", List.of("fail", "unknown")),
      Map.entry("rdns.generic", List.of("warn")), Map.entry("rdns.fqdn", List.of("fail")),
      Map.entry("helo.matches", List.of("warn")), Map.entry("spf.record", List.of("warn", "fail", "unknown")),
      Map.entry("spf.mailfrom", List.of("fail", "warn", "info", "unknown")),
      Map.entry("spf.helo", List.of("fail", "warn", "info", "unknown")),
      Map.entry("mx.hosts", List.of("fail", "warn", "info", "unknown")), Map.entry("mx.same-ip", List.of("warn",
          "unknown")), Map.entry("dnsbl", List.of("fail", "unknown", "info")));

  @Test
  void everyTextExistsAndFillsCompletely() throws Exception {
    Properties p = new Properties();
    try (var in = getClass().getResourceAsStream("/diagnose/advice.properties")) {
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    Pattern placeholder = Pattern.compile("\\{([a-z-]+)}");
    STATUSES.forEach((id, statuses) -> {
      List<String> keys = new java.util.ArrayList<>(List.of(id + ".title"));
      statuses.forEach(s -> keys.add(id + "." + s));
      for (String key : keys) {
        String template = p.getProperty(key);
        assertThat(template).as(key).isNotBlank();
        Map<String, String> values = new java.util.HashMap<>();
        Matcher m = placeholder.matcher(template);
        while (m.find()) {
          values.put(m.group(1), "X");
        }
        assertThat(Advice.text(key, values)).as(key).doesNotContain("{");
      }
    });
  }

  @Test
  void aMissingValueOrKeyIsAProgrammingErrorNotASilentGap() {
    assertThatThrownBy(() -> Advice.text("rdns.ptr.fail", Map.of())).hasMessageContaining("{ip}");
    assertThatThrownBy(() -> Advice.text("no.such.key", Map.of())).hasMessageContaining("no.such.key");
    assertThat(Advice.text("rdns.ptr.title", Map.of("ip", "a$1\\b"))).as("values are not patterns")
        .contains("a$1\\b");
  }
}
