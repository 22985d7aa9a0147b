package org.portcullis.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * Signs messages for one domain and selector (RFC 6376): rsa-sha256, relaxed/relaxed, the usual
 * header fields that are present, From signed once more than it occurs (over-signing, so nobody can
 * add a second From that a reader would see), a timestamp. jDKIM computes the hashes and the RSA
 * signature; the field is folded at its tag boundaries, which relaxed canonicalization ignores.
 * Thread-safe.
 */
public final class DkimSigner {

  /** Fields signed when present, as OpenDKIM and rspamd sign by default; From always, once more. */
  static final List<String> SIGNED_FIELDS = List.of("from", "to", "cc", "subject", "date", "message-id",
      "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
      "list-id", "list-unsubscribe", "list-unsubscribe-post");
  private static final Set<String> OVERSIGNED = Set.of("from");

  private final String domain;
  private final String selector;
  private final PrivateKey key;

  public DkimSigner(String domain, String selector, PrivateKey key) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.selector = selector.toLowerCase(Locale.ROOT);
    this.key = key;
  }

  public String domain() {
    return domain;
  }

  public String selector() {
    return selector;
  }

  /**
   * The DKIM-Signature field for a message, folded, without its final CRLF, to be put above the
   * message's header.
   *
   * @param headerFields the header fields as they will be sent, folding kept, without final CRLF
   * @param body the body, read to its end
   * @throws IOException if the body cannot be read or the key cannot sign
   */
  public String sign(List<String> headerFields, InputStream body, Instant now) throws IOException {
    HeaderFields fields = new HeaderFields(headerFields);
    List<String> signed = new ArrayList<>();
    for (String name : SIGNED_FIELDS) {
      int present = fields.getFields(name).size();
      int times = present + (OVERSIGNED.contains(name) ? 1 : 0);
      for (int i = 0; i < times; i++) {
        signed.add(name);
      }
    }
    String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector + "; t="
        + now.getEpochSecond() + "; h=" + String.join(":", signed) + "; bh=; b=;";
    try {
      DKIMSigner signer = new DKIMSigner(template, key);
      BodyHasher hasher = signer.newBodyHasher(signer.newSignatureRecordTemplate(template));
      try (OutputStream out = hasher.getOutputStream()) {
        body.transferTo(out);
      }
      return fold(signer.sign(fields, hasher));
    } catch (FailException | RuntimeException e) {
      throw new IOException("DKIM signing for " + domain + " failed: " + e.getMessage(), e);
    }
  }

  /** {@code DKIM-Signature:v=1; a=...} as one field with a line per tag, b= in lines of 72. */
  static String fold(String field) {
    String value = field.substring(field.indexOf(':') + 1).strip();
    StringBuilder out = new StringBuilder(value.length() + 64).append("DKIM-Signature: ");
    String[] tags = value.split(";\\s*");
    for (int i = 0; i < tags.length; i++) {
      String tag = tags[i].strip();
      if (tag.isEmpty()) {
        continue;
      }
      if (i > 0) {
        out.append(";\r\n\t");
      }
      // Only b= may be cut inside: its value is left out of the signature; every other line break
      // must fall where the signed text had white space, after a semicolon.
      if (tag.startsWith("b=") && tag.length() > 72) {
        for (int at = 0; at < tag.length(); at += 72) {
          out.append(at == 0 ? "" : "\r\n\t ").append(tag, at, Math.min(tag.length(), at + 72));
        }
      } else {
        out.append(tag);
      }
    }
    return value.endsWith(";") ? out.append(';').toString() : out.toString();
  }
}
