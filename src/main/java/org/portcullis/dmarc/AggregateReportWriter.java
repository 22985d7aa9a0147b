package org.portcullis.dmarc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes the aggregate report of one UTC day for one policy domain, in the XML of RFC 7489
 * appendix C (version 1.0, no namespace, as receivers send them): our metadata, the policy as
 * published now, one {@code record} per tally row. The rows are streamed, so a busy domain's day
 * does not have to fit in memory as text.
 */
public final class AggregateReportWriter {

  /**
   * Who reports.
   *
   * @param organisation {@code org_name}: our host name or what the operator set
   * @param email {@code email}: the address questions about the report go to
   */
  public record Reporter(String organisation, String email) {}

  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  private AggregateReportWriter() {}

  /**
   * @param reportId our unique id for the report
   * @param record the policy {@code policyDomain} publishes
   * @param rows the day's tally rows for the domain, with their counts
   */
  public static void write(OutputStream out, Reporter reporter, String reportId, LocalDate day, String policyDomain,
      DmarcRecord record, List<Map.Entry<DmarcTally.Row, Long>> rows) throws IOException {
    try {
      XMLStreamWriter x = FACTORY.createXMLStreamWriter(out, "UTF-8");
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("feedback");
      text(x, "version", "1.0");
      x.writeStartElement("report_metadata");
      text(x, "org_name", reporter.organisation());
      text(x, "email", reporter.email());
      text(x, "report_id", reportId);
      x.writeStartElement("date_range");
      long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      text(x, "begin", Long.toString(begin));
      text(x, "end", Long.toString(begin + 86_399));
      x.writeEndElement();
      x.writeEndElement();
      x.writeStartElement("policy_published");
      text(x, "domain", policyDomain);
      text(x, "adkim", record.strictDkim() ? "s" : "r");
      text(x, "aspf", record.strictSpf() ? "s" : "r");
      text(x, "p", record.policy().label());
      text(x, "sp", record.subdomainPolicy().orElse(record.policy()).label());
      text(x, "pct", Integer.toString(record.percent()));
      x.writeEndElement();
      for (Map.Entry<DmarcTally.Row, Long> e : rows) {
        record(x, e.getKey(), e.getValue());
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.flush();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write the DMARC report: " + e.getMessage(), e);
    }
  }

  private static void record(XMLStreamWriter x, DmarcTally.Row row, long count) throws XMLStreamException {
    DmarcTally.Evidence evidence = row.evidence();
    x.writeStartElement("record");
    x.writeStartElement("row");
    text(x, "source_ip", sourceIp(row.source()));
    text(x, "count", Long.toString(count));
    x.writeStartElement("policy_evaluated");
    text(x, "disposition", row.disposition());
    text(x, "dkim", row.dkim());
    text(x, "spf", row.spf());
    if (!row.override().isEmpty()) {
      x.writeStartElement("reason");
      text(x, "type", row.override());
      x.writeEndElement();
    }
    x.writeEndElement();
    x.writeEndElement();
    x.writeStartElement("identifiers");
    text(x, "envelope_from", evidence.spfScope().equals("mfrom") ? evidence.spfDomain() : "");
    text(x, "header_from", row.headerFrom());
    x.writeEndElement();
    x.writeStartElement("auth_results");
    for (DmarcTally.Signature s : evidence.signatures()) {
      x.writeStartElement("dkim");
      text(x, "domain", s.domain());
      if (!s.selector().isEmpty()) {
        text(x, "selector", s.selector());
      }
      text(x, "result", s.result());
      x.writeEndElement();
    }
    x.writeStartElement("spf");
    text(x, "domain", evidence.spfDomain());
    text(x, "scope", evidence.spfScope());
    text(x, "result", evidence.spfResult());
    x.writeEndElement();
    x.writeEndElement();
    x.writeEndElement();
  }

  /** The schema's IPAddress takes IPv6 only with all eight groups: {@code 2001:db8:0:0:0:0:0:1}. */
  static String sourceIp(String text) {
    if (text.indexOf(':') < 0) {
      return text;
    }
    try {
      String full = InetAddress.ofLiteral(text).getHostAddress();
      int scope = full.indexOf('%');
      return scope < 0 ? full : full.substring(0, scope);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static void text(XMLStreamWriter x, String name, String value) throws XMLStreamException {
    x.writeStartElement(name);
    x.writeCharacters(value);
    x.writeEndElement();
  }
}
