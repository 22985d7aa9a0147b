package org.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.portcullis.policy.Verdict;

/** Assertions on verdicts that read as sentences. */
public final class Verdicts {

  private Verdicts() {}

  public static Verdict.Reject assertRejected(Verdict verdict, int code, String status) {
    assertThat(verdict).isInstanceOf(Verdict.Reject.class);
    Verdict.Reject reject = (Verdict.Reject) verdict;
    assertThat(reject.code()).isEqualTo(code);
    assertThat(reject.status().toString()).isEqualTo(status);
    assertThat(reject.explanation().rule()).isNotBlank();
    assertThat(reject.explanation().fix()).isNotBlank();
    assertThat(reject.explanation().facts()).isNotEmpty();
    return reject;
  }

  public static Verdict.Tempfail assertTempfailed(Verdict verdict, String status) {
    assertThat(verdict).isInstanceOf(Verdict.Tempfail.class);
    Verdict.Tempfail tempfail = (Verdict.Tempfail) verdict;
    assertThat(tempfail.status().toString()).isEqualTo(status);
    assertThat(tempfail.explanation().fix()).isNotBlank();
    return tempfail;
  }

  public static void assertContinues(Verdict verdict) {
    assertThat(verdict).isEqualTo(Verdict.CONTINUE);
  }
}
