package org.portcullis.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.portcullis.dnsbl.DnsblLookups;
import org.portcullis.dnsbl.ZoneResult;
import org.portcullis.mail.Addresses;

/**
 * {@code dnsbl.<list>}: each DNS list the gateway asks, asked the same way (its health check and
 * return codes included), one finding per list; an allow list (DNSWL) listing is good news. A secret
 * zone is named by its display name, never by the name that holds the key.
 */
public final class DnsListProbe implements Probe {

  private final DnsblLookups lists;

  public DnsListProbe(DnsblLookups lists) {
    this.lists = lists;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    List<Finding> out = new ArrayList<>();
    String ip = Addresses.toText(subject.ip());
    var futures = lists.start(subject.ip()).results();
    for (int i = 0; i < futures.size(); i++) {
      var zone = lists.zones().get(i);
      String name = zone.secret() ? zone.displayName() : zone.name();
      ZoneResult r;
      try {
        r = futures.get(i).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        r = new ZoneResult(zone, ZoneResult.Outcome.UNKNOWN, "", List.of(), List.of(), "");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = new ZoneResult(zone, ZoneResult.Outcome.UNKNOWN, "", List.of(), List.of(), "");
      }
      Values v = new Values(subject).put("zone", name).put("outcome", outcome(r.outcome()))
          .fact("list", name + " (" + zone.type().label() + ")").fact("answer", r.answers().isEmpty()
              ? outcome(r.outcome()) : String.join(", ", r.answers()));
      String id = "dnsbl." + name;
      Status status = switch (r.outcome()) {
        case LISTED -> zone.type() == org.portcullis.dnsbl.DnsblZone.Type.ALLOW ? Status.PASS : Status.FAIL;
        case NOT_LISTED -> Status.PASS;
        case UNKNOWN -> Status.UNKNOWN;
        case ZONE_ERROR, SUSPENDED -> Status.INFO;
      };
      if (status == Status.FAIL) {
        v.put("labels", r.labels().isEmpty() ? "" : " (" + String.join(", ", r.labels()) + ")")
            .put("reason", r.txt().isEmpty() ? "" : ": " + r.txt())
            .put("lookup", zone.lookupFor(ip, r.txt()).map(u -> " (" + u + ")").orElse(""));
        zone.lookupFor(ip, r.txt()).ifPresent(u -> v.fact("lookup page", u));
      }
      out.add(v.finding(id, status));
    }
    return out;
  }

  private static String outcome(ZoneResult.Outcome o) {
    return switch (o) {
      case LISTED -> "listed";
      case NOT_LISTED -> "not listed";
      case UNKNOWN -> "no answer";
      case ZONE_ERROR -> "the list refuses to answer this server";
      case SUSPENDED -> "the list is suspended by the gateway's health check";
    };
  }
}
