package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The three reply parsers on mutated replies (a seeded random mutator: flipped, cut, repeated and
 * inserted octets around real replies): every outcome is a result or a {@link ScanReplyException},
 * never another exception, and a result's text is printable.
 */
class ScanRepliesFuzzTest {

  private static final List<String> SPAMD = List.of(
      "SPAMD/1.1 0 EX_OK\r\nContent-length: 24\r\nSpam: True ; 7.2 / 5.0\r\n\r\nBAYES_99,URIBL_BLACK",
      "SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.1 / 5.0\r\n\r\nNO_RELAYS");
  private static final List<String> CLAMD = List.of("stream: OK", "stream: Win.Test.EICAR_HDB-1 FOUND",
      "INSTREAM size limit exceeded. ERROR");
  private static final List<String> RSPAMD = List.of(
      "{\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\",\"symbols\":{\"GTUBE\":{\"score\":0}}}",
      "{\"score\":0.9,\"required_score\":15.0,\"action\":\"no action\",\"symbols\":{}}");

  interface Parser {
    ScanResult parse(byte[] reply) throws ScanReplyException;
  }

  @Test
  void mutatedRepliesAreResultsOrRefusalsNeverAnythingElse() {
    Random random = new Random(20261203);
    int results = 0;
    for (int i = 0; i < 30_000; i++) {
      int which = i % 3;
      List<String> seeds = which == 0 ? SPAMD : which == 1 ? CLAMD : RSPAMD;
      Parser parser = which == 0 ? r -> SpamdScanner.parse(r, 10.0) : which == 1 ? ClamdScanner::parse
          : RspamdScanner::parse;
      byte[] reply = mutate(seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.ISO_8859_1), random);
      try {
        ScanResult result = parser.parse(reply);
        results++;
        String text = switch (result) {
          case ScanResult.Infected infected -> infected.signature();
          case ScanResult.Spam spam -> String.join(",", spam.symbols());
          case ScanResult.Clean clean -> String.join(",", clean.symbols());
          default -> "";
        };
        assertThat(text).matches("[\\x20-\\x7e]*");
      } catch (ScanReplyException e) {
        assertThat(e.getMessage()).matches("[\\x20-\\x7e]+");
      }
    }
    assertThat(results).as("some mutations still parse, so the parsers were exercised").isPositive();
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] out = seed.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      switch (random.nextInt(4)) {
        case 0 -> {
          if (out.length > 0) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
          }
        }
        case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
        case 2 -> {
          int at = random.nextInt(out.length + 1);
          byte[] grown = new byte[out.length + 8];
          System.arraycopy(out, 0, grown, 0, at);
          for (int k = 0; k < 8; k++) {
            grown[at + k] = (byte) random.nextInt(256);
          }
          System.arraycopy(out, at, grown, at + 8, out.length - at);
          out = grown;
        }
        default -> {
          byte[] twice = new byte[out.length * 2];
          System.arraycopy(out, 0, twice, 0, out.length);
          System.arraycopy(out, 0, twice, out.length, out.length);
          out = twice.length > 1 << 16 ? out : twice;
        }
      }
    }
    return out;
  }
}
