package org.portcullis.dmarc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the DMARC aggregate reports others send us (RFC 7489 7.2): an attachment that is plain
 * XML, gzip or a zip holding one XML file. Everything about it is hostile until read: the
 * attachment and what it decompresses to are capped ({@value #ATTACHMENT_MAX} and
 * {@value #XML_MAX} octets), a zip may hold one entry, and the XML may not declare a DTD (so no
 * entity expansion, no external entities, no billion laughs). A refusal is an
 * {@link IllegalArgumentException} saying why, in words for a log line.
 */
public final class AggregateReports {

  /** Reports are small: a large provider's daily report for a busy domain is well under a megabyte. */
  public static final int ATTACHMENT_MAX = 5 * 1024 * 1024;
  public static final int XML_MAX = 20 * 1024 * 1024;
  /** Rows in one report, at most. */
  public static final int ROWS_MAX = 100_000;

  private AggregateReports() {}

  /** Reads one report attachment. */
  public static AggregateReport read(byte[] attachment) {
    if (attachment.length > ATTACHMENT_MAX) {
      throw new IllegalArgumentException("the attachment is larger than " + ATTACHMENT_MAX + " octets");
    }
    byte[] xml;
    try {
      xml = unpack(attachment);
    } catch (IOException e) {
      throw new IllegalArgumentException("the attachment cannot be unpacked: " + e.getMessage(), e);
    }
    try {
      return parse(xml);
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("the report is not well-formed XML: " + e.getMessage(), e);
    }
  }

  private static byte[] unpack(byte[] attachment) throws IOException {
    if (attachment.length >= 2 && (attachment[0] & 0xff) == 0x1f && (attachment[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(attachment))) {
        return bounded(in, "the gzip file");
      }
    }
    if (attachment.length >= 4 && attachment[0] == 'P' && attachment[1] == 'K' && attachment[2] == 3
        && attachment[3] == 4) {
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(attachment))) {
        ZipEntry entry = zip.getNextEntry();
        if (entry == null) {
          throw new IOException("the zip file is empty");
        }
        byte[] xml = bounded(zip, "the zip entry " + entry.getName());
        if (zip.getNextEntry() != null) {
          throw new IOException("the zip file holds more than one file");
        }
        return xml;
      }
    }
    return attachment;
  }

  /** Reads at most {@link #XML_MAX} octets, refusing more: what a small file decompresses to is not trusted. */
  private static byte[] bounded(InputStream in, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      if (out.size() + n > XML_MAX) {
        throw new IOException(what + " decompresses to more than " + XML_MAX + " octets");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static AggregateReport parse(byte[] xml) throws XMLStreamException {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
    Map<String, String> meta = new HashMap<>();
    List<AggregateReport.Row> rows = new ArrayList<>();
    Map<String, String> row = null;
    List<String> path = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    try {
      while (reader.hasNext()) {
        int event = reader.next();
        switch (event) {
          case XMLStreamConstants.DTD -> throw new IllegalArgumentException(
              "the report declares a DTD, which reports never need (entity expansion is refused)");
          case XMLStreamConstants.ENTITY_REFERENCE -> throw new IllegalArgumentException(
              "the report refers to an entity (" + reader.getLocalName() + ")");
          case XMLStreamConstants.START_ELEMENT -> {
            path.add(reader.getLocalName());
            text.setLength(0);
            if (path.equals(List.of("feedback", "record"))) {
              row = new HashMap<>();
            }
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
            if (text.length() < 1024) {
              text.append(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            String key = String.join("/", path);
            String value = text.toString().strip();
            if (row != null && key.startsWith("feedback/record/")) {
              row.putIfAbsent(key.substring("feedback/record/".length()), value);
            } else {
              meta.putIfAbsent(key, value);
            }
            if (path.equals(List.of("feedback", "record")) && row != null) {
              if (rows.size() >= ROWS_MAX) {
                throw new IllegalArgumentException("the report has more than " + ROWS_MAX + " records");
              }
              rows.add(row(row));
              row = null;
            }
            path.removeLast();
            text.setLength(0);
          }
          default -> { }
        }
      }
    } finally {
      reader.close();
    }
    String domain = meta.getOrDefault("feedback/policy_published/domain", "");
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("the report names no domain (feedback/policy_published/domain)");
    }
    return new AggregateReport(meta.getOrDefault("feedback/report_metadata/org_name", ""),
        meta.getOrDefault("feedback/report_metadata/report_id", ""),
        epoch(meta.get("feedback/report_metadata/date_range/begin")),
        epoch(meta.get("feedback/report_metadata/date_range/end")), domain.toLowerCase(java.util.Locale.ROOT),
        meta.getOrDefault("feedback/policy_published/p", ""), rows);
  }

  private static AggregateReport.Row row(Map<String, String> row) {
    long count;
    try {
      count = Long.parseLong(row.getOrDefault("row/count", "0"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a record's count is not a number: " + row.get("row/count"), e);
    }
    return new AggregateReport.Row(row.getOrDefault("row/source_ip", ""), count,
        row.getOrDefault("row/policy_evaluated/disposition", ""), row.getOrDefault("row/policy_evaluated/dkim", ""),
        row.getOrDefault("row/policy_evaluated/spf", ""), row.getOrDefault("identifiers/header_from", ""));
  }

  private static Instant epoch(String seconds) {
    try {
      return Instant.ofEpochSecond(Long.parseLong(seconds == null ? "" : seconds.strip()));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("the report's date range is not in seconds since 1970: " + seconds, e);
    }
  }
}
