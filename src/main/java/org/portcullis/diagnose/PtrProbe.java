package org.portcullis.diagnose;

import java.util.List;
import org.portcullis.dns.ReverseDns;

/** {@code rdns.ptr}: the address has a PTR record. */
public final class PtrProbe implements Probe {

  public static final String ID = "rdns.ptr";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    Values v = new Values(subject);
    if (r == null || !r.ptr().status().isDefinite()) {
      String status = r == null ? "TIMEOUT" : r.ptr().status().name();
      return List.of(v.put("dns-status", status).fact("PTR lookup", status).finding(ID, Status.UNKNOWN));
    }
    if (r.names().isEmpty()) {
      return List.of(v.fact("PTR lookup", r.ptr().status().name()).finding(ID, Status.FAIL));
    }
    return List.of(v.fact("PTR names", String.join(", ", r.names())).finding(ID, Status.PASS));
  }
}
