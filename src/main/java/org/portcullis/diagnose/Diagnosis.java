package org.portcullis.diagnose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.portcullis.dns.DnsResolver;

/**
 * Runs every probe for a subject in parallel (a virtual thread each) under one deadline and gives
 * the findings in the probes' order. A probe that has not finished by the deadline, or that fails,
 * gives an {@link Status#UNKNOWN} finding: a diagnosis never waits longer than its timeout and
 * never reports what it does not know as a pass. Thread-safe.
 */
public final class Diagnosis {

  /**
   * The outcome.
   *
   * @param findings in the probes' order
   */
  public record Report(Subject subject, Instant at, Duration took, List<Finding> findings) {

    public Report {
      findings = List.copyOf(findings);
    }

    /** The worst status among the findings ({@link Status#PASS} when there are none). */
    public Status worst() {
      return findings.stream().map(Finding::status).max(Enum::compareTo).orElse(Status.PASS);
    }

    /** The report as JSON-ready maps (the CLI's {@code --json}, {@code POST /api/diagnose}). */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("ip", org.portcullis.mail.Addresses.toText(subject.ip()));
      subject.domain().ifPresent(d -> m.put("domain", d));
      subject.helo().ifPresent(h -> m.put("helo", h));
      subject.sender().ifPresent(x -> m.put("sender", x));
      m.put("connected", subject.connect());
      m.put("at", at.toString());
      m.put("millis", took.toMillis());
      m.put("worst", worst().label());
      m.put("findings", findings.stream().map(f -> {
        java.util.Map<String, Object> fm = new java.util.LinkedHashMap<>();
        fm.put("id", f.id());
        fm.put("status", f.status().label());
        fm.put("title", f.title());
        fm.put("facts", f.facts().stream().map(x -> java.util.Map.of("label", x.label(), "value", x.value())).toList());
        fm.put("advice", f.advice());
        return fm;
      }).toList());
      return m;
    }

    public boolean failed() {
      return findings.stream().anyMatch(f -> f.status() == Status.FAIL);
    }
  }

  /** A probe with the id its unfinished finding carries. */
  public record Entry(String id, Probe probe) {}

  private final List<Entry> probes;
  private final DnsResolver dns;
  private final Duration timeout;
  private final Clock clock;

  public Diagnosis(List<Entry> probes, DnsResolver dns, Duration timeout, Clock clock) {
    this.probes = List.copyOf(probes);
    this.dns = dns;
    this.timeout = timeout;
    this.clock = clock;
  }

  public Duration timeout() {
    return timeout;
  }

  public Report run(Subject subject) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Lookups lookups = new Lookups(dns);
    List<Finding> findings = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Finding>>> running = new ArrayList<>();
      for (Entry e : probes) {
        running.add(threads.submit(() -> e.probe().run(subject, lookups, deadline)));
      }
      for (int i = 0; i < running.size(); i++) {
        findings.addAll(result(probes.get(i), running.get(i), deadline));
      }
      threads.shutdownNow(); // what is still running past the deadline is not waited for
    }
    return new Report(subject, clock.instant(), Duration.ofNanos(System.nanoTime() - start), findings);
  }

  private List<Finding> result(Entry entry, Future<List<Finding>> future, long deadline) {
    try {
      // A little past the deadline: probes stop their own waits at it and then answer "unknown" themselves.
      return future.get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(200),
          TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      return List.of(unfinished(entry, "did not finish within " + timeout.toSeconds() + " s"));
    } catch (java.util.concurrent.ExecutionException e) {
      org.slf4j.LoggerFactory.getLogger("portcullis.diagnose").warn("probe {} failed", entry.id(), e.getCause());
      return List.of(unfinished(entry, "failed with an internal error (details are in the server log)"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(unfinished(entry, "was interrupted"));
    }
  }

  private static Finding unfinished(Entry entry, String why) {
    return new Finding(entry.id(), "Check " + entry.id(), Status.UNKNOWN, List.of(new Finding.Fact("probe", why)),
        "This check " + why + ": the result is unknown, not a pass. Try again later.");
  }
}
