package org.portcullis.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.jspf.core.SPF1Record;
import org.apache.james.jspf.core.exceptions.PermErrorException;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.junit.jupiter.api.Test;

/** A record is parsed once; each evaluation gets lists of its own, so jSPF's additions do not stick. */
class CachingRecordParserTest {

  private final AtomicInteger parses = new AtomicInteger();
  private final RFC4408SPF1Parser real = new RFC4408SPF1Parser(new DefaultTermsFactory());
  private final CachingRecordParser parser = new CachingRecordParser(record -> {
    parses.incrementAndGet();
    return real.parse(record);
  });

  @Test
  void theSameRecordIsParsedOnceAndEachCallerGetsItsOwnLists() throws Exception {
    SPF1Record first = parser.parse("v=spf1 ip4:192.0.2.0/24 -all");
    int terms = first.getDirectives().size();
    first.getDirectives().clear(); // what a policy adding or removing terms would do to its copy
    SPF1Record second = parser.parse("v=spf1 ip4:192.0.2.0/24 -all");

    assertThat(parses).hasValue(1);
    assertThat(terms).isEqualTo(2);
    assertThat(second.getDirectives()).hasSize(2);
  }

  @Test
  void aRecordThatDoesNotParseIsNotRemembered() {
    assertThatThrownBy(() -> parser.parse("v=spf1 ip4:not-an-address -all")).isInstanceOf(PermErrorException.class);
    assertThatThrownBy(() -> parser.parse("v=spf1 ip4:not-an-address -all")).isInstanceOf(PermErrorException.class);
    assertThat(parses).hasValue(2);
  }
}
