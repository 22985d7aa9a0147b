package org.portcullis.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;

/**
 * Runs a transcript of SMTP-level events through the real policy chain and prints what the
 * gateway would answer, like Postfix's {@code smtpd_check} test driver. The same engine code
 * judges live sessions, so a script shows exactly what a configuration does.
 *
 * <pre>
 * # comment
 * dns 9.113.0.203.in-addr.arpa PTR mail.example.com   (static DNS, when enabled)
 * dns mail.example.com A 203.0.113.9
 * dns broken.example MX SERVFAIL                       (or NXDOMAIN, NODATA, TIMEOUT)
 * client 203.0.113.9 [pregreet]                        (starts a session: CONNECT)
 * helo mail.example.com                                (or ehlo)
 * mail &lt;sender@example.com&gt;
 * rcpt &lt;user@example.test&gt;
 * data
 * header Subject: hello                                (collected for eod)
 * eod                                                  (end of data)
 * rset
 * </pre>
 *
 * Each event is echoed, followed by an indented line: {@code OK}, or the reply the client would
 * get. Not thread-safe.
 */
public final class PolicyScript {

  private final Function<DnsResolver, PolicyEngine> engines;
  private final DnsResolver liveDns;
  private final StaticDnsResolver staticDns;
  private final PrintWriter out;
  private final boolean explain;
  private final MemoryRefusalLog refusals;
  private PolicyEngine engine;
  private SessionPolicy session;
  private final List<MessageHeaders.Field> headers = new ArrayList<>();

  /**
   * @param engines builds the engine for a resolver (the configuration's policy)
   * @param liveDns the resolver to use, or empty to answer only from the script's {@code dns} lines
   * @param refusals where refusals are recorded (shown with {@code explain})
   */
  public PolicyScript(Function<DnsResolver, PolicyEngine> engines, Optional<DnsResolver> liveDns,
      MemoryRefusalLog refusals, PrintWriter out, boolean explain) {
    this.engines = engines;
    this.staticDns = new StaticDnsResolver();
    this.liveDns = liveDns.orElse(staticDns);
    this.refusals = refusals;
    this.out = out;
    this.explain = explain;
  }

  /**
   * Runs every line of the script.
   *
   * @return the number of lines that could not be run (syntax errors), 0 if all ran
   */
  public int run(BufferedReader script) throws IOException {
    int problems = 0;
    int number = 0;
    for (String raw = script.readLine(); raw != null; raw = script.readLine()) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.length() > 2000) {
        out.println("line " + number + ": too long (2000 characters at most)");
        problems++;
        continue;
      }
      out.println(line);
      try {
        String result = step(line);
        if (result != null) {
          out.println("  " + result);
        }
      } catch (IllegalArgumentException e) {
        out.println("  ? line " + number + ": " + e.getMessage());
        problems++;
      }
      out.flush();
    }
    return problems;
  }

  private String step(String line) {
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
    String argument = space < 0 ? "" : line.substring(space + 1).strip();
    if (verb.equals("dns")) {
      dns(argument);
      return null;
    }
    if (verb.equals("client")) {
      return client(argument);
    }
    if (session == null) {
      throw new IllegalArgumentException("start with \"client <ip>\"");
    }
    return switch (verb) {
      case "helo", "ehlo" -> {
        if (argument.isEmpty()) {
          throw new IllegalArgumentException(verb + " needs a name");
        }
        session.protocol().recordEsmtp(verb.equals("ehlo"));
        yield show(session.helo(HeloName.parse(argument)), Optional.empty());
      }
      case "mail" -> show(session.mail(path(argument), MailParameters.NONE), Optional.empty());
      case "rcpt" -> {
        MailPath path = path(argument);
        if (path.isNull()) {
          throw new IllegalArgumentException("the null path is not a recipient");
        }
        Recipient recipient = new Recipient(path.address(), java.util.Set.of(), Optional.empty(), path.bracketed());
        yield show(session.rcpt(recipient), Optional.of(recipient));
      }
      case "data" -> show(session.data(), Optional.empty());
      case "header" -> {
        int colon = argument.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("header needs \"Name: value\"");
        }
        headers.add(new MessageHeaders.Field(argument.substring(0, colon).strip(), argument.substring(colon + 1).strip()));
        yield null;
      }
      case "eod" -> {
        String result = show(session.endOfData(new MessageHeaders(headers)), Optional.empty());
        List<SessionPolicy.AppliedTag> tags = session.tags();
        headers.clear();
        session.resetTransaction();
        yield tags.isEmpty() ? result : result + " (tagged: " + String.join(", ",
            tags.stream().map(t -> t.check() + " " + t.kind().label() + " ref=" + t.reference()).toList()) + ")";
      }
      case "rset" -> {
        session.resetTransaction();
        headers.clear();
        yield "OK";
      }
      default -> throw new IllegalArgumentException("unknown event \"" + verb
          + "\" (dns, client, helo, ehlo, mail, rcpt, data, header, eod, rset)");
    };
  }

  private String client(String argument) {
    String[] parts = argument.split(" +");
    if (parts.length == 0 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("client needs an IP address");
    }
    InetAddress address = Addresses.parseLiteral(parts[0])
        .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + parts[0]));
    if (engine == null) {
      engine = engines.apply(liveDns);
    }
    ProtocolFacts protocol = new ProtocolFacts();
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].equalsIgnoreCase("pregreet")) {
        protocol.recordPregreet("\"EHLO bot\" (simulated)");
      } else if (parts[i].equalsIgnoreCase("pipelining")) {
        protocol.recordPipeliningViolation("MAIL FROM followed at once by RCPT TO (simulated)");
      } else {
        throw new IllegalArgumentException("unknown client option " + parts[i] + " (pregreet, pipelining)");
      }
    }
    session = engine.newSession(engine.client(address, 0), protocol);
    headers.clear();
    return show(session.connect(), Optional.empty());
  }

  private void dns(String argument) {
    if (liveDns != staticDns) {
      throw new IllegalArgumentException("dns lines need static DNS (policy-test --static-dns)");
    }
    if (engine != null) {
      throw new IllegalArgumentException("dns lines must come before the first client line");
    }
    String[] parts = argument.split(" +", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("dns needs: <name> <type> <value>");
    }
    DnsType type;
    try {
      type = DnsType.valueOf(parts[1].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown record type " + parts[1]);
    }
    String value = parts[2].strip();
    switch (value.toUpperCase(Locale.ROOT)) {
      case "NXDOMAIN" -> { }
      case "NODATA" -> staticDns.exists(parts[0]);
      case "SERVFAIL" -> staticDns.fail(parts[0], type, DnsStatus.SERVFAIL);
      case "TIMEOUT" -> staticDns.fail(parts[0], type, DnsStatus.TIMEOUT);
      default -> staticDns.add(parts[0], type, record(type, value));
    }
  }

  private static DnsRecord record(DnsType type, String value) {
    return switch (type) {
      case A, AAAA -> new DnsRecord.Address(Addresses.parseLiteral(value)
          .orElseThrow(() -> new IllegalArgumentException("not an address: " + value)));
      case PTR, CNAME, NS -> new DnsRecord.Name(value.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
      case MX -> {
        String[] mx = value.split(" +");
        if (mx.length != 2 || !mx[0].matches("[0-9]{1,5}")) {
          throw new IllegalArgumentException("MX value is \"<preference> <host>\"");
        }
        yield new DnsRecord.Mx(Integer.parseInt(mx[0]), mx[1].equals(".") ? "" : mx[1].toLowerCase(Locale.ROOT));
      }
      case TXT -> new DnsRecord.Txt(value);
      case SOA -> throw new IllegalArgumentException("SOA records are not supported in scripts");
    };
  }

  private static MailPath path(String argument) {
    try {
      return MailPath.parse(argument, true);
    } catch (AddressSyntaxException e) {
      throw new IllegalArgumentException("bad address " + argument + ": " + e.getMessage());
    }
  }

  private String show(SessionPolicy.Decision decision, Optional<Recipient> rcpt) {
    if (decision instanceof SessionPolicy.Decision.Split split) {
      return "452 4.5.3 (this recipient chose otherwise for " + split.check() + ": another transaction)";
    }
    if (!(decision instanceof SessionPolicy.Decision.Refused refused)) {
      return "OK";
    }
    RecordedRefusal refusal = refused.refusal();
    String text = refusal.reply().code() + " " + refusal.reply().status().map(s -> s + " ").orElse("")
        + refusal.reply().text() + "  [" + refusal.finding().check() + "]";
    if (explain) {
      RefusalRecord record = refusals.find(refusal.reference()).orElse(null);
      if (record != null) {
        StringBuilder more = new StringBuilder(text);
        record.explanation().facts().forEach(f -> more.append("\n    ").append(f.label()).append(": ").append(f.value()));
        more.append("\n    rule: ").append(record.explanation().rule());
        more.append("\n    fix: ").append(record.explanation().fix());
        return more.toString();
      }
    }
    return text;
  }
}
