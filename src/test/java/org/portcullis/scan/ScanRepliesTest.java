package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three scanners' replies read as their protocols define them, and everything else refused. */
class ScanRepliesTest {

  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void spamdOverItsThresholdIsTaggedAndAtTheRejectScoreRefused() throws Exception {
    ScanResult tagged = SpamdScanner.parse(b("SPAMD/1.1 0 EX_OK\r\nContent-length: 24\r\nSpam: True ; 7.2 / 5.0\r\n"
        + "\r\nBAYES_99,URIBL_BLACK"), 10.0);
    assertThat(tagged).isEqualTo(new ScanResult.Spam("spamd", new ScanResult.Score(7.2, 5.0),
        java.util.List.of("BAYES_99", "URIBL_BLACK"), ScanResult.SpamAction.TAG));
    ScanResult refused = SpamdScanner.parse(b("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE"), 10.0);
    assertThat(((ScanResult.Spam) refused).action()).isEqualTo(ScanResult.SpamAction.REJECT);
  }

  @Test
  void spamdHamIsCleanWithItsScore() throws Exception {
    ScanResult clean = SpamdScanner.parse(b("SPAMD/1.1 0 EX_OK\r\nContent-length: 9\r\nSpam: False ; -0.1 / 5.0\r\n"
        + "\r\nNO_RELAYS"), 10.0);
    assertThat(clean).isEqualTo(new ScanResult.Clean("spamd", java.util.Optional.of(new ScanResult.Score(-0.1, 5.0)),
        java.util.List.of("NO_RELAYS")));
  }

  @Test
  void spamdSymbolsThatAreNotRuleNamesAreLeftOut() throws Exception {
    ScanResult r = SpamdScanner.parse(b("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 6 / 5\r\n\r\nGOOD_ONE,<script>,\r\nX: y,OK_2"),
        10.0);
    assertThat(((ScanResult.Spam) r).symbols()).containsExactly("GOOD_ONE", "OK_2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "HTTP/1.1 200 OK\r\n\r\n", "SPAMD/1.1 0 EX_OK\r\n\r\nGTUBE", "SPAMD/1.0 76 Bad header line: (Content-length)\r\n",
      "SPAMD/1.1 0 EX_OK\r\nSpam: maybe\r\n\r\n", "SPAMD/1.1 0 EX_OK\r\nSpam: True ; NaN / 5.0\r\n\r\n",
      "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 99999999999999999999 / 5.0\r\n\r\n", "\u0000\u0001\u0002"})
  void spamdRepliesThatAreNotSymbolsRepliesAreRefused(String reply) {
    assertThatThrownBy(() -> SpamdScanner.parse(b(reply), 10.0)).isInstanceOf(ScanReplyException.class)
        .message().doesNotContain("Exception").matches("[\\x20-\\x7e]+");
  }

  @Test
  void clamdOkAndFound() throws Exception {
    assertThat(ClamdScanner.parse(b("stream: OK"))).isInstanceOf(ScanResult.Clean.class);
    assertThat(ClamdScanner.parse(b("stream: Win.Test.EICAR_HDB-1 FOUND")))
        .isEqualTo(new ScanResult.Infected("clamd", "Win.Test.EICAR_HDB-1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "INSTREAM size limit exceeded. ERROR", "stream: FOUND", "PONG", "stream: maybe",
      "UNKNOWN COMMAND"})
  void clamdErrorsAndGarbageAreRefused(String reply) {
    assertThatThrownBy(() -> ClamdScanner.parse(b(reply))).isInstanceOf(ScanReplyException.class);
  }

  @Test
  void aSignatureNameIsKeptPrintable() throws Exception {
    ScanResult r = ClamdScanner.parse(b("stream: Evil\r\nX-Injected: 1 FOUND"));
    assertThat(((ScanResult.Infected) r).signature()).isEqualTo("Evil??X-Injected: 1").doesNotContain("\r", "\n");
  }

  @Test
  void rspamdActionsMapToRejectTagDeferAndPass() throws Exception {
    String reply = "{\"is_skipped\":false,\"score\":%s,\"required_score\":15.0,\"action\":\"%s\","
        + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0}}}";
    assertThat(RspamdScanner.parse(b(reply.formatted("15.0", "reject")))).isEqualTo(new ScanResult.Spam("rspamd",
        new ScanResult.Score(15.0, 15.0), java.util.List.of("GTUBE"), ScanResult.SpamAction.REJECT));
    assertThat(((ScanResult.Spam) RspamdScanner.parse(b(reply.formatted("7", "add header")))).action())
        .isEqualTo(ScanResult.SpamAction.TAG);
    assertThat(((ScanResult.Spam) RspamdScanner.parse(b(reply.formatted("7", "rewrite subject")))).action())
        .isEqualTo(ScanResult.SpamAction.TAG);
    assertThat(((ScanResult.Spam) RspamdScanner.parse(b(reply.formatted("9", "soft reject")))).action())
        .isEqualTo(ScanResult.SpamAction.TEMPFAIL);
    assertThat(RspamdScanner.parse(b(reply.formatted("0.9", "no action")))).isInstanceOf(ScanResult.Clean.class);
    assertThat(RspamdScanner.parse(b(reply.formatted("4", "greylist")))).isInstanceOf(ScanResult.Clean.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[1,2]", "{}", "{\"action\":\"reject\"}", "{\"score\":3}",
      "{\"action\":\"reject\",\"score\":\"high\"}", "{\"action\":\"discard\",\"score\":1}", "{\"action\":1,\"score\":1}",
      "{\"action\":\"reject\",\"score\":1"})
  void rspamdRepliesThatAreNotCheckv2AreRefused(String reply) {
    assertThatThrownBy(() -> RspamdScanner.parse(b(reply))).isInstanceOf(ScanReplyException.class);
  }
}
