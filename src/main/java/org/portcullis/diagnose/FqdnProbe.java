package org.portcullis.diagnose;

import java.util.List;
import org.portcullis.dns.ReverseDns;

/** {@code rdns.fqdn}: the PTR name is a fully qualified domain name (a host in a domain). */
public final class FqdnProbe implements Probe {

  public static final String ID = "rdns.fqdn";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    if (r == null || r.names().isEmpty()) {
      return List.of();
    }
    String name = r.names().getFirst();
    boolean qualified = name.indexOf('.') > 0 && !name.endsWith(".localdomain") && !name.equals("localhost")
        && name.chars().allMatch(c -> c == '.' || c == '-' || Character.isLetterOrDigit(c));
    return List.of(new Values(subject).put("name", name).fact("PTR name", name)
        .finding(ID, qualified ? Status.PASS : Status.FAIL));
  }
}
