package org.portcullis.spf;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.james.jspf.core.SPF1Record;
import org.apache.james.jspf.core.SPFRecordParser;
import org.apache.james.jspf.core.exceptions.NeutralException;
import org.apache.james.jspf.core.exceptions.NoneException;
import org.apache.james.jspf.core.exceptions.PermErrorException;

/**
 * jSPF's record parser, remembering what it parsed: the same record text gives the same terms, and
 * jSPF parsed every record anew on every evaluation (a fifth of what authentication cost in the
 * acceptance benchmark). The terms hold no evaluation state (that is the session's), so evaluations
 * share them; the lists that hold them are copied for each, since jSPF's policies add to them. Records that do not parse are not remembered (they are rare, and their
 * error is jSPF's to word each time). Bounded; thread-safe.
 */
final class CachingRecordParser implements SPFRecordParser {

  private static final int RECORDS_MAX = 10_000;

  private final SPFRecordParser parser;
  private final Cache<String, SPF1Record> parsed = Caffeine.newBuilder().maximumSize(RECORDS_MAX).build();

  CachingRecordParser(SPFRecordParser parser) {
    this.parser = parser;
  }

  @Override
  public SPF1Record parse(String record) throws PermErrorException, NoneException, NeutralException {
    SPF1Record known = parsed.getIfPresent(record);
    if (known == null) {
      known = parser.parse(record);
      parsed.put(record, known);
    }
    // jSPF's policies add terms to the record they evaluate (a default ?all, the explanation), so
    // each evaluation gets its own lists of the shared, unchanging terms.
    SPF1Record copy = new SPF1Record(known.getRecord());
    copy.getDirectives().addAll(known.getDirectives());
    copy.getModifiers().addAll(known.getModifiers());
    return copy;
  }
}
