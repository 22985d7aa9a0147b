package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XtextTest {

  @Test
  void escapesAreDecodedAndMalformedOnesRefused() {
    assertThat(Xtext.decode("QQ+2B314", true)).contains("QQ+314");
    assertThat(Xtext.decode("a+3Db", true)).contains("a=b");
    assertThat(Xtext.decode("bad+2", true)).isEmpty();
    assertThat(Xtext.decode("bad+ZZ", true)).isEmpty();
    assertThat(Xtext.decode("+-1x", true)).isEmpty();
  }

  @Test
  void nonAsciiIsRefusedOnlyWhenAsciiIsRequired() {
    assertThat(Xtext.decode("jörg", true)).isEmpty();
    assertThat(Xtext.decode("jörg", false)).contains("jörg");
  }
}
