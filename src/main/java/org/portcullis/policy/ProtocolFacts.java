package org.portcullis.policy;

import java.util.Optional;

/**
 * What the protocol layer saw the client do, for checks to judge (postscreen-style tests).
 *
 * <p>Written by the SMTP session thread only; read by checks running on its behalf.
 */
public final class ProtocolFacts {

  private volatile String pregreet;
  private volatile String pipeliningViolation;
  private volatile boolean tls;
  private volatile String tlsProtocol;
  private volatile String authenticatedUser;
  private volatile boolean esmtp;


  /** Bytes the client sent before our greeting (an excerpt, made printable). */
  public Optional<String> pregreet() {
    return Optional.ofNullable(pregreet);
  }

  public void recordPregreet(String excerpt) {
    this.pregreet = excerpt;
  }

  /** A command the client sent ahead of our reply although PIPELINING was not offered. */
  public Optional<String> pipeliningViolation() {
    return Optional.ofNullable(pipeliningViolation);
  }

  public void recordPipeliningViolation(String command) {
    if (pipeliningViolation == null) {
      this.pipeliningViolation = command;
    }
  }

  public boolean tls() {
    return tls;
  }

  public Optional<String> tlsProtocol() {
    return Optional.ofNullable(tlsProtocol);
  }

  public void recordTls(String protocol) {
    this.tls = true;
    this.tlsProtocol = protocol;
  }

  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(authenticatedUser);
  }

  public void recordAuthentication(String user) {
    this.authenticatedUser = user;
  }

  public boolean esmtp() {
    return esmtp;
  }

  public void recordEsmtp(boolean esmtp) {
    this.esmtp = esmtp;
  }
}
