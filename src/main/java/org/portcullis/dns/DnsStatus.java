package org.portcullis.dns;

/**
 * How a lookup ended. Only {@link #NOERROR}, {@link #NODATA} and {@link #NXDOMAIN} are answers;
 * the rest mean "unknown" and must never be read as a pass.
 */
public enum DnsStatus {
  /** The name exists and has records of the asked type. */
  NOERROR,
  /** The name exists but has no records of the asked type. */
  NODATA,
  /** The name does not exist. */
  NXDOMAIN,
  /** The server failed (SERVFAIL) or refused (REFUSED); try again later. */
  SERVFAIL,
  /** No answer in time from any configured server. */
  TIMEOUT,
  /** Anything else: a malformed answer, a network error, a name that cannot be asked. */
  ERROR;

  /** True for the three outcomes that are facts about the name rather than about the network. */
  public boolean isDefinite() {
    return this == NOERROR || this == NODATA || this == NXDOMAIN;
  }

  /** True if the name definitely has no records of the asked type (NXDOMAIN or NODATA). */
  public boolean isEmptyAnswer() {
    return this == NODATA || this == NXDOMAIN;
  }
}
