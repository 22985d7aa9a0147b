package org.portcullis.scan;

import java.util.List;
import java.util.Locale;

/** What one scanner said about one message. */
public sealed interface ScanResult {

  /** The scanner that answered: {@code spamd}, {@code rspamd}, {@code clamd}. */
  String scanner();

  /**
   * A score and the scanner's own threshold for spam ({@code 7.2 / 5.0}).
   *
   * @param value the message's score
   * @param threshold the score at which the scanner calls a message spam
   */
  record Score(double value, double threshold) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.1f / %.1f", value, threshold);
    }
  }

  /** What a spam verdict asks for. */
  enum SpamAction {
    /** Refuse the message (spamd at {@code reject-score} or above; rspamd {@code reject}). */
    REJECT,
    /** Deliver it tagged (spamd over its threshold; rspamd {@code add header}, {@code rewrite subject}). */
    TAG,
    /** Refuse it for now (rspamd {@code soft reject}). */
    TEMPFAIL
  }

  /**
   * Nothing found.
   *
   * @param score the score, for scanners that give one (not clamd)
   * @param symbols the rules that matched, as the scanner names them
   */
  record Clean(String scanner, java.util.Optional<Score> score, List<String> symbols) implements ScanResult {
    public Clean {
      symbols = List.copyOf(symbols);
    }
  }

  /** The scanner calls the message spam. */
  record Spam(String scanner, Score score, List<String> symbols, SpamAction action) implements ScanResult {
    public Spam {
      symbols = List.copyOf(symbols);
    }
  }

  /**
   * A virus was found.
   *
   * @param signature the signature name clamd gives ({@code Win.Test.EICAR_HDB-1})
   */
  record Infected(String scanner, String signature) implements ScanResult {}

  /**
   * Not scanned, on purpose: the message is larger than the scan limit.
   *
   * @param reason in words, for the log and the header ({@code size})
   */
  record Skipped(String scanner, String reason, String detail) implements ScanResult {}

  /** Why a scan gave no answer. */
  enum Failure {
    TIMEOUT("timeout"),
    UNREACHABLE("unreachable"),
    BAD_REPLY("bad reply"),
    BUSY("busy"),
    CIRCUIT_OPEN("circuit open");

    private final String label;

    Failure(String label) {
      this.label = label;
    }

    /** Lower-case words for the header: {@code X-Portcullis-Scan: spamd skipped (timeout)}. */
    public String label() {
      return label;
    }
  }

  /**
   * The scanner gave no usable answer: unknown, which is never a pass.
   *
   * @param detail what happened, for the log (never shown to the client)
   */
  record Failed(String scanner, Failure failure, String detail) implements ScanResult {}
}
