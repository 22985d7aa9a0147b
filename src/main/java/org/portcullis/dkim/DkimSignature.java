package org.portcullis.dkim;

/**
 * What one DKIM-Signature field gave.
 *
 * @param domain the signing domain ({@code d=}); {@code "invalid"} when the field did not parse
 * @param selector the selector ({@code s=}), or empty
 * @param signatureStart the first 8 characters of {@code b=} (RFC 6008 {@code header.b}), or empty
 * @param algorithm {@code a=}, e.g. {@code rsa-sha256}, or empty
 * @param result the signature's result
 * @param reason why, in a few words ({@code "signature verified"}, {@code "body hash mismatch"})
 */
public record DkimSignature(String domain, String selector, String signatureStart, String algorithm,
    DkimResult result, String reason) {

  public boolean passed() {
    return result == DkimResult.PASS;
  }
}
