package org.portcullis.dnsbl;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which A answers of a zone count as a listing, and what each is called: postscreen-style
 * patterns with labels, {@code "127.0.0.2 = SBL"}, {@code "127.0.0.[4..7] = XBL"},
 * {@code "127.0.0.[10;11] = PBL"}. Each octet is a number, a range {@code [a..b]}, or a list
 * {@code [a;b;c]}. With no patterns, any answer in 127.0.0.0/8 counts, labelled with itself.
 *
 * <p>Answers in 127.255.255.0/24 are never listings: Spamhaus and others use them to say "we
 * refuse to answer you" (127.255.255.254: public resolver; .255: too many queries; .252: typo in
 * the zone name). Answers outside 127.0.0.0/8 are never listings either (a resolver that rewrites
 * NXDOMAIN returns such addresses).
 */
public final class ReturnCodes {

  /** What an answer means. */
  public sealed interface Meaning {
    record Listed(String label) implements Meaning {}

    /** The zone says it refuses to answer us (127.255.255.x). */
    record ZoneError(String address) implements Meaning {}

    /** An answer that is not a listing under these codes. */
    record Ignored() implements Meaning {}
  }

  private record Pattern(int[][] octets, String label) {
    boolean matches(byte[] address) {
      for (int i = 0; i < 4; i++) {
        if (!contains(octets[i], address[i] & 0xFF)) {
          return false;
        }
      }
      return true;
    }

    private static boolean contains(int[] allowed, int v) {
      for (int a : allowed) {
        if (a == v) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Pattern> patterns;

  private ReturnCodes(List<Pattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  public static final ReturnCodes ANY = new ReturnCodes(List.of());

  /**
   * Parses patterns like {@code "127.0.0.[4..7] = XBL"}.
   *
   * @throws IllegalArgumentException naming the pattern that is not understood
   */
  public static ReturnCodes parse(List<String> texts) {
    List<Pattern> out = new ArrayList<>();
    for (String text : texts) {
      String[] parts = text.split("=", 2);
      String addressPart = parts[0].strip();
      String label = parts.length == 2 ? parts[1].strip() : addressPart;
      if (label.isEmpty() || label.length() > 64 || !label.matches("[\\x21-\\x7e ]+")) {
        throw new IllegalArgumentException("bad label in \"" + text + "\"");
      }
      List<String> octets = octets(addressPart);
      if (octets.size() != 4) {
        throw new IllegalArgumentException("\"" + text + "\" is not a pattern like 127.0.0.2 or 127.0.0.[4..7]");
      }
      int[][] values = new int[4][];
      for (int i = 0; i < 4; i++) {
        values[i] = octet(octets.get(i), text);
      }
      out.add(new Pattern(values, label));
    }
    return new ReturnCodes(out);
  }

  /** Splits at dots outside brackets: "127.0.0.[4..7]" is four octets. */
  private static List<String> octets(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == '.' && depth == 0) {
        out.add(text.substring(start, i));
        start = i + 1;
      }
    }
    out.add(text.substring(start));
    return out;
  }

  private static int[] octet(String text, String whole) {
    try {
      if (text.startsWith("[") && text.endsWith("]")) {
        String inner = text.substring(1, text.length() - 1);
        List<Integer> values = new ArrayList<>();
        for (String piece : inner.split(";")) {
          String[] range = piece.split("\\.\\.", -1);
          int from = checked(Integer.parseInt(range[0].strip()), whole);
          int to = range.length == 2 ? checked(Integer.parseInt(range[1].strip()), whole) : from;
          if (range.length > 2 || to < from) {
            throw new IllegalArgumentException("bad range in \"" + whole + "\"");
          }
          for (int v = from; v <= to; v++) {
            values.add(v);
          }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
      }
      return new int[] {checked(Integer.parseInt(text.strip()), whole)};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + whole + "\" is not a pattern like 127.0.0.2 or 127.0.0.[4..7]", e);
    }
  }

  private static int checked(int v, String whole) {
    if (v < 0 || v > 255) {
      throw new IllegalArgumentException("octet " + v + " out of range in \"" + whole + "\"");
    }
    return v;
  }

  /** What one A answer means. */
  public Meaning meaning(InetAddress answer) {
    byte[] b = answer.getAddress();
    String text = answer.getHostAddress();
    if (b.length != 4 || (b[0] & 0xFF) != 127) {
      return new Meaning.Ignored();
    }
    if ((b[1] & 0xFF) == 255 && (b[2] & 0xFF) == 255) {
      return new Meaning.ZoneError(text);
    }
    if (patterns.isEmpty()) {
      return new Meaning.Listed(text);
    }
    for (Pattern p : patterns) {
      if (p.matches(b)) {
        return new Meaning.Listed(p.label());
      }
    }
    return new Meaning.Ignored();
  }

  /** The label of the first pattern an answer matches, if any. */
  public Optional<String> label(InetAddress answer) {
    return meaning(answer) instanceof Meaning.Listed listed ? Optional.of(listed.label()) : Optional.empty();
  }
}
