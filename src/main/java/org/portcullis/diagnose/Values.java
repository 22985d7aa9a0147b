package org.portcullis.diagnose;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.portcullis.mail.Addresses;

/** The placeholders' values for a finding's texts, and its facts. */
final class Values {

  private final Map<String, String> values = new HashMap<>();
  private final List<Finding.Fact> facts = new java.util.ArrayList<>();

  Values(Subject subject) {
    put("ip", Addresses.toText(subject.ip()));
    put("example-domain", subject.domain().orElse("your-domain.example"));
    subject.domain().ifPresent(d -> put("domain", d));
    subject.helo().ifPresent(h -> put("helo", h));
  }

  Values put(String name, String value) {
    values.put(name, value);
    return this;
  }

  /** An observed value, shown among the finding's facts. */
  Values fact(String label, String value) {
    facts.add(new Finding.Fact(label, value));
    return this;
  }

  Finding finding(String id, Status status) {
    return Advice.finding(id, status, facts, values);
  }
}
