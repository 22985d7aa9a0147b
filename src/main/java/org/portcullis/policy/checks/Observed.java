package org.portcullis.policy.checks;

import java.util.List;
import java.util.stream.Collectors;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.ReverseDns;
import org.portcullis.dns.ReverseName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;

/** Shared wording of facts, so that every explanation shows DNS answers the same way. */
final class Observed {

  private Observed() {}

  /** A builder that starts with the client address (every explanation shows it). */
  static Explanation.Builder client(CheckContext context) {
    return Explanation.builder().fact("client address", context.session().client().addressText());
  }

  /** The PTR query and its answer, then each name's A/AAAA answers. */
  static Explanation.Builder reverseDns(Explanation.Builder builder, ReverseDns rdns) {
    builder.fact("PTR query", ReverseName.of(rdns.address()) + " -> " + ptrAnswerText(rdns.ptr()));
    rdns.forward().forEach((name, answers) -> builder.fact("addresses of " + name, answersText(answers)));
    return builder;
  }

  static String ptrAnswerText(DnsAnswer answer) {
    return switch (answer.status()) {
      case NOERROR -> answer.records().stream().map(Object::toString).collect(Collectors.joining(", "));
      case NXDOMAIN -> "NXDOMAIN (no such name)";
      case NODATA -> "no PTR record (NODATA)";
      case SERVFAIL -> "SERVFAIL (the DNS server failed)";
      case TIMEOUT -> "no answer in time (timeout)";
      case ERROR -> "lookup error";
    };
  }

  /** {@code "A: 192.0.2.1; AAAA: NODATA"}. */
  static String answersText(List<DnsAnswer> answers) {
    return answers.stream().map(a -> a.type() + ": " + ptrAnswerText(a)).collect(Collectors.joining("; "));
  }
}
