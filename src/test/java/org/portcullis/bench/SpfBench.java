package org.portcullis.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.dns.CachingDnsResolver;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.spf.SpfEvaluator;
import org.portcullis.spf.SpfResult;

/**
 * SPF evaluations per second on one thread with a warm cache, for three record shapes: a plain
 * {@code ip4:} pass, an {@code include:} chain of two, and a domain without a policy (none).
 * {@code java ... SpfBench <rounds> <seconds>}; prints each round and the median per shape.
 */
public final class SpfBench {

  private SpfBench() {}

  public static void main(String[] args) {
    int rounds = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    StaticDnsResolver zone = new StaticDnsResolver();
    zone.add("ip4.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:192.0.2.0/24 -all"));
    zone.add("include.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 include:_spf.include.example -all"));
    zone.add("_spf.include.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:198.51.100.0/24 ip4:192.0.2.1 ~all"));
    CachingDnsResolver cached = new CachingDnsResolver(zone, 10_000, Duration.ofHours(1), Duration.ofMinutes(5),
        Duration.ZERO, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    SpfEvaluator spf = new SpfEvaluator(cached, Duration.ofSeconds(5));
    InetAddress client = InetAddress.ofLiteral("192.0.2.1");
    String[][] shapes = {{"ip4 pass", "a@ip4.example", "pass"}, {"include pass", "a@include.example", "pass"},
        {"none", "a@nopolicy.example", "none"}};
    for (String[] shape : shapes) {
      List<Double> rates = new ArrayList<>();
      run(spf, client, shape, Math.max(1, seconds / 2)); // warm-up
      for (int r = 0; r < rounds; r++) {
        double rate = run(spf, client, shape, seconds);
        rates.add(rate);
        System.out.printf("%s round %d: %.0f evaluations/s%n", shape[0], r + 1, rate);
      }
      rates.sort(null);
      System.out.printf("%s median: %.0f evaluations/s, runs %s%n", shape[0], rates.get(rates.size() / 2),
          rates.stream().map(d -> String.valueOf(Math.round(d))).toList());
    }
  }

  private static double run(SpfEvaluator spf, InetAddress client, String[] shape, long seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    long n = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        if (spf.mailFrom(client, shape[1], "mail.example").result() != SpfResult.valueOf(shape[2].toUpperCase(java.util.Locale.ROOT))) {
          throw new IllegalStateException(shape[0] + " gave another result");
        }
      }
      n += 1000;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
