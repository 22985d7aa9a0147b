package org.portcullis.lists;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.portcullis.mail.EmailAddress;

/**
 * Reads the addresses out of an address book: a CSV contact export (Outlook's "E-mail Address",
 * "E-mail 2 Address" ... columns, Google's "E-mail 1 - Value" with several addresses joined by
 * {@code :::}, or any column named like "email"), a vCard file ({@code EMAIL} properties, folded
 * lines, groups) or plain text with one address per line. The format is recognised from the
 * content; UTF-8 with or without a BOM, UTF-16 with a BOM, or Windows-1252 (older Outlook exports).
 *
 * <p>An address that does not parse is rejected with its line number and the rest are kept; a
 * file whose structure is broken (an unterminated quote, a vCard without its END, binary data, no
 * e-mail column) is {@link MalformedAddressBook}: nothing of it is used.
 */
public final class AddressBook {

  /** The formats recognised. */
  public enum Format { CSV, VCARD, LINES }

  /** An address found on a line. */
  public record Found(int line, String address) {}

  /** Something on a line that is not an address, and why. */
  public record Rejected(int line, String text, String reason) {}

  /** What a file held. */
  public record Parsed(Format format, List<Found> addresses, List<Rejected> rejected) {}

  /** The file cannot be read as an address book; nothing of it is used. */
  public static final class MalformedAddressBook extends Exception {
    public MalformedAddressBook(String message) {
      super(message, null, false, false);
    }
  }

  /** At most this many addresses per file. */
  public static final int ADDRESSES_MAX = 100_000;
  private static final Pattern EMAIL_COLUMN = Pattern.compile("(?i).*e-?mail.*");
  private static final Pattern NOT_ADDRESS_COLUMN = Pattern.compile("(?i).*(type|display|label|name).*");
  private static final Pattern ANGLE = Pattern.compile(".*<([^<>]+)>\\s*");

  private AddressBook() {}

  public static Parsed parse(byte[] content) throws MalformedAddressBook {
    String text = decode(content);
    String start = text.stripLeading();
    if (start.regionMatches(true, 0, "BEGIN:VCARD", 0, 11)) {
      return vcard(text);
    }
    String firstLine = start.lines().findFirst().orElse("");
    if (looksLikeCsvHeader(firstLine)) {
      return csv(text, firstLine);
    }
    return lines(text);
  }

  static String decode(byte[] content) throws MalformedAddressBook {
    if (content.length >= 2 && (content[0] & 0xff) == 0xFF && (content[1] & 0xff) == 0xFE) {
      return strict(content, 2, StandardCharsets.UTF_16LE);
    }
    if (content.length >= 2 && (content[0] & 0xff) == 0xFE && (content[1] & 0xff) == 0xFF) {
      return strict(content, 2, StandardCharsets.UTF_16BE);
    }
    int offset = content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB
        && (content[2] & 0xff) == 0xBF ? 3 : 0;
    for (int i = offset; i < content.length; i++) {
      if (content[i] == 0) {
        throw new MalformedAddressBook("not a text file (a NUL byte at offset " + i + ")");
      }
    }
    try {
      return strict(content, offset, StandardCharsets.UTF_8);
    } catch (MalformedAddressBook notUtf8) {
      return new String(content, offset, content.length - offset, Charset.forName("windows-1252"));
    }
  }

  private static String strict(byte[] content, int offset, Charset charset) throws MalformedAddressBook {
    try {
      String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content, offset, content.length - offset)).toString();
      if (text.indexOf('\0') >= 0) {
        throw new MalformedAddressBook("not a text file (a NUL character)");
      }
      return text;
    } catch (CharacterCodingException e) {
      throw new MalformedAddressBook("not " + charset.name() + " text");
    }
  }

  private static boolean looksLikeCsvHeader(String line) {
    if (line.indexOf(',') < 0 && line.indexOf(';') < 0 && line.indexOf('\t') < 0) {
      return false;
    }
    return !line.contains("@"); // a header row: column names, no addresses
  }

  private static char delimiter(String header) {
    long commas = header.chars().filter(c -> c == ',').count();
    long semicolons = header.chars().filter(c -> c == ';').count();
    long tabs = header.chars().filter(c -> c == '\t').count();
    if (tabs > commas && tabs > semicolons) {
      return '\t';
    }
    return semicolons > commas ? ';' : ',';
  }

  private static Parsed csv(String text, String header) throws MalformedAddressBook {
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter(header)).setHeader()
        .setSkipHeaderRecord(true).setAllowMissingColumnNames(true).setAllowDuplicateHeaderNames(true)
        .setIgnoreEmptyLines(true).setTrim(true).get();
    List<Found> found = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(new StringReader(text.stripLeading()), format)) {
      List<String> names = parser.getHeaderNames();
      List<Integer> columns = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (EMAIL_COLUMN.matcher(name).matches() && !NOT_ADDRESS_COLUMN.matcher(name).matches()) {
          columns.add(i);
        }
      }
      if (columns.isEmpty()) {
        throw new MalformedAddressBook("no e-mail column in the CSV header (columns: " + String.join(", ", names) + ")");
      }
      long previousEnd = parser.getCurrentLineNumber();
      for (CSVRecord record : parser) {
        int line = (int) previousEnd + 1;
        previousEnd = parser.getCurrentLineNumber();
        for (int column : columns) {
          if (column >= record.size()) {
            continue;
          }
          for (String value : record.get(column).split(":::")) {
            if (!value.isBlank()) {
              candidate(line, value, found, rejected);
            }
          }
        }
      }
    } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      throw new MalformedAddressBook("broken CSV: " + message(e));
    }
    return new Parsed(Format.CSV, found, rejected);
  }

  private static String message(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.length() > 200 ? message.substring(0, 200) : message;
  }

  private static Parsed vcard(String text) throws MalformedAddressBook {
    List<Found> found = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    List<String> raw = text.lines().toList();
    boolean inCard = false;
    int cardStart = 0;
    int i = 0;
    while (i < raw.size()) {
      int line = i + 1;
      StringBuilder logical = new StringBuilder(raw.get(i));
      i++;
      while (i < raw.size() && !raw.get(i).isEmpty() && (raw.get(i).charAt(0) == ' ' || raw.get(i).charAt(0) == '\t')) {
        logical.append(raw.get(i), 1, raw.get(i).length()); // RFC 6350 3.2: unfold
        i++;
      }
      String property = logical.toString();
      if (property.isBlank()) {
        continue;
      }
      int colon = colonOutsideQuotes(property);
      if (colon < 0) {
        throw new MalformedAddressBook("line " + line + ": not a vCard property (no colon)");
      }
      String name = property.substring(0, colon);
      int semicolon = name.indexOf(';');
      String bare = (semicolon >= 0 ? name.substring(0, semicolon) : name).strip().toUpperCase(Locale.ROOT);
      int dot = bare.lastIndexOf('.');
      if (dot >= 0) {
        bare = bare.substring(dot + 1); // a group, as in item1.EMAIL
      }
      String value = property.substring(colon + 1).strip();
      if (bare.equals("BEGIN") && value.equalsIgnoreCase("VCARD")) {
        if (inCard) {
          throw new MalformedAddressBook("line " + line + ": BEGIN:VCARD inside the card that began on line " + cardStart);
        }
        inCard = true;
        cardStart = line;
      } else if (bare.equals("END") && value.equalsIgnoreCase("VCARD")) {
        if (!inCard) {
          throw new MalformedAddressBook("line " + line + ": END:VCARD without BEGIN:VCARD");
        }
        inCard = false;
      } else if (!inCard) {
        throw new MalformedAddressBook("line " + line + ": a property outside BEGIN:VCARD ... END:VCARD");
      } else if (bare.equals("EMAIL")) {
        if (value.regionMatches(true, 0, "mailto:", 0, 7)) {
          value = value.substring(7);
        }
        candidate(line, value, found, rejected);
      }
      if (found.size() > ADDRESSES_MAX) {
        throw new MalformedAddressBook("more than " + ADDRESSES_MAX + " addresses in one file");
      }
    }
    if (inCard) {
      throw new MalformedAddressBook("the card that began on line " + cardStart + " has no END:VCARD");
    }
    return new Parsed(Format.VCARD, found, rejected);
  }

  private static int colonOutsideQuotes(String property) {
    boolean quoted = false;
    for (int i = 0; i < property.length(); i++) {
      char c = property.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ':' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static Parsed lines(String text) throws MalformedAddressBook {
    List<Found> found = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    int number = 0;
    for (String line : (Iterable<String>) text.lines()::iterator) {
      number++;
      String value = line.strip();
      if (value.isEmpty() || value.startsWith("#")) {
        continue;
      }
      candidate(number, value, found, rejected);
      if (found.size() > ADDRESSES_MAX) {
        throw new MalformedAddressBook("more than " + ADDRESSES_MAX + " addresses in one file");
      }
    }
    return new Parsed(Format.LINES, found, rejected);
  }

  /** Adds the address in {@code value} ({@code a@b} or {@code Name <a@b>}) or rejects it. */
  private static void candidate(int line, String value, List<Found> found, List<Rejected> rejected) {
    String text = value.strip();
    var angle = ANGLE.matcher(text);
    if (angle.matches()) {
      text = angle.group(1).strip();
    }
    try {
      found.add(new Found(line, sender(text)));
    } catch (IllegalArgumentException e) {
      String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
      rejected.add(new Rejected(line, shown, e.getMessage()));
    }
  }

  /**
   * A whitelist sender: an address ({@code alice@partner.example}) or a whole domain
   * ({@code partner.example}, {@code @partner.example}), lower case.
   *
   * @throws IllegalArgumentException saying why it is neither
   */
  public static String sender(String text) {
    String t = text.strip();
    if (t.startsWith("@")) {
      t = t.substring(1);
    }
    if (t.indexOf('@') < 0) {
      return domain(t);
    }
    try {
      EmailAddress address = EmailAddress.parse(t);
      if (address.isDomainLiteral()) {
        throw new IllegalArgumentException("an address literal is not a domain");
      }
      return AccessLists.normalise(address);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? "not an address" : e.getMessage());
    }
  }

  /**
   * A whitelist owner: a recipient mailbox or a domain, lower case.
   *
   * @throws IllegalArgumentException saying why it is neither
   */
  public static String owner(String text) {
    return sender(text);
  }

  private static String domain(String text) {
    String d = text.toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.length() > 253 || !d.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
      throw new IllegalArgumentException("not an address or domain");
    }
    return d;
  }
}
