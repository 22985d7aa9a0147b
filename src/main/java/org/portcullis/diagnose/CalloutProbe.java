package org.portcullis.diagnose;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.PublicAddresses;
import org.portcullis.verify.Callout;

/**
 * {@code callout.null-sender}, {@code callout.sender} and {@code callout.postmaster}: would a
 * receiver that verifies senders get a yes from the sender domain's MX? One conversation with its
 * first reachable MX host: {@code MAIL FROM:<>} (RFC 5321 4.5.5: the null sender must be taken, it is
 * what bounces use), then RCPT to the sender and to postmaster@ (RFC 5321 4.5.1: every domain has
 * one), never DATA. A 4xx warns (greylisting a callout defers every receiver that verifies), a 5xx
 * fails, no reachable host is unknown.
 *
 * <p>Only when the subject may be connected to, only public addresses (unless allowed for tests),
 * each domain at most once per {@link SmtpProbe#INTERVAL}; replies are read within {@link Callout}'s
 * limits.
 */
public final class CalloutProbe implements Probe {

  private static final int HOSTS_MAX = 5;

  /**
   * @param port the SMTP port (25; another in tests)
   * @param connectTimeout the longest a connection may take to open
   * @param timeout the longest the conversation may take
   * @param allowPrivate connect to private, loopback and reserved addresses too (tests only)
   * @param ourName the name we greet with
   */
  public record Settings(int port, Duration connectTimeout, Duration timeout, boolean allowPrivate, String ourName) {}

  private final Settings settings;
  private final Cache<String, Boolean> recent = Caffeine.newBuilder().expireAfterWrite(SmtpProbe.INTERVAL)
      .maximumSize(100_000).build();

  public CalloutProbe(Settings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (!subject.connect() || subject.domain().isEmpty()) {
      return List.of();
    }
    String domain = subject.domain().get();
    Values v = new Values(subject);
    if (recent.asMap().putIfAbsent(domain, Boolean.TRUE) != null) {
      return List.of(v.put("why", "its mail servers were asked less than " + SmtpProbe.INTERVAL.toMinutes()
          + " minutes ago").finding("callout.null-sender", Status.INFO));
    }
    List<InetSocketAddress> hosts = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    mxHosts(domain, lookups, deadlineNanos).forEach(host -> {
      for (DnsAnswer answer : lookups.addresses(host, deadlineNanos)) {
        for (DnsRecord.Address a : answer.recordsOf(DnsRecord.Address.class)) {
          if (settings.allowPrivate() || PublicAddresses.isPublic(a.address())) {
            hosts.add(new InetSocketAddress(a.address(), settings.port()));
          } else {
            skipped.add(host + " [" + a.address().getHostAddress() + "]");
          }
        }
      }
    });
    if (hosts.isEmpty()) {
      return List.of(v.put("why", skipped.isEmpty() ? "no mail server of " + domain + " has an address"
          : "its mail servers have no public address (" + String.join(", ", skipped) + ")")
          .finding("callout.null-sender", Status.INFO));
    }
    List<String> recipients = new ArrayList<>();
    Optional<String> sender = subject.sender().filter(s -> s.lastIndexOf('@') > 0);
    sender.ifPresent(recipients::add);
    recipients.add("postmaster@" + domain);
    long end = Math.min(deadlineNanos, System.nanoTime() + settings.timeout().toNanos());
    Callout.Outcome outcome = Callout.ask(hosts.subList(0, Math.min(HOSTS_MAX, hosts.size())), Optional.empty(),
        recipients, new Callout.Settings(settings.ourName(), settings.connectTimeout()), end);
    return switch (outcome) {
      case Callout.Outcome.Failed f -> List.of(v.put("why", f.why()).fact("servers tried", hostsText(hosts))
          .finding("callout.null-sender", Status.UNKNOWN));
      case Callout.Outcome.Answered a -> answered(subject, a, sender, domain);
    };
  }

  private static List<Finding> answered(Subject subject, Callout.Outcome.Answered a, Optional<String> sender,
      String domain) {
    List<Finding> out = new ArrayList<>();
    out.add(new Values(subject).put("server", a.host()).put("reply", a.mailFrom().text())
        .fact("server", a.host()).fact("MAIL FROM:<>", a.mailFrom().text())
        .finding("callout.null-sender", status(a.mailFrom())));
    if (!a.mailFrom().positive()) {
      return out;
    }
    int i = 0;
    if (sender.isPresent()) {
      Callout.Reply r = a.recipients().get(i++);
      out.add(new Values(subject).put("server", a.host()).put("address", sender.get()).put("reply", r.text())
          .fact("RCPT TO:<" + sender.get() + ">", r.text()).finding("callout.sender", status(r)));
    }
    Callout.Reply r = a.recipients().get(i);
    out.add(new Values(subject).put("server", a.host()).put("reply", r.text())
        .fact("RCPT TO:<postmaster@" + domain + ">", r.text()).finding("callout.postmaster", status(r)));
    return out;
  }

  private static Status status(Callout.Reply reply) {
    return reply.positive() ? Status.PASS : reply.permanent() ? Status.FAIL : Status.WARN;
  }

  /** The domain's MX hosts by preference, or the domain itself when it has none (the implicit MX). */
  private static List<String> mxHosts(String domain, Lookups lookups, long deadlineNanos) {
    DnsAnswer mx = lookups.answer(domain, DnsType.MX, deadlineNanos);
    List<DnsRecord.Mx> records = mx.recordsOf(DnsRecord.Mx.class);
    if (records.isEmpty()) {
      return mx.status().isEmptyAnswer() && mx.status() != org.portcullis.dns.DnsStatus.NXDOMAIN ? List.of(domain)
          : List.of();
    }
    return records.stream().filter(r -> !r.isNullMx()).sorted(Comparator.comparingInt(DnsRecord.Mx::preference))
        .map(DnsRecord.Mx::exchange).limit(HOSTS_MAX).toList();
  }

  private static String hostsText(List<InetSocketAddress> hosts) {
    return String.join(", ", hosts.stream().map(h -> h.getAddress().getHostAddress() + ":" + h.getPort()).toList());
  }

}
