package org.portcullis.smtp;

import java.net.InetAddress;
import java.time.Duration;
import org.portcullis.policy.RecordedRefusal;

/**
 * The protocol state of one session that its command handlers share: who the client is, whether
 * it greeted with EHLO, whether a transaction is open and its limits, and a refusal given at
 * connect. The policy's view of the same session is {@code SessionPolicy}. Not thread-safe.
 */
final class SessionState {

  InetAddress clientAddress;
  int clientPort;
  boolean esmtp;
  /** The refusal given instead of the greeting: from then on only QUIT is served. */
  RecordedRefusal connectRefusal;

  private boolean inTransaction;
  /** When the current transaction must be over ({@link System#nanoTime()}); {@code Long.MAX_VALUE} outside one. */
  private long transactionDeadline = Long.MAX_VALUE;
  private int recipients;
  private int overshoot;

  SessionState(InetAddress clientAddress, int clientPort) {
    this.clientAddress = clientAddress;
    this.clientPort = clientPort;
  }

  boolean inTransaction() {
    return inTransaction;
  }

  /** MAIL was accepted: the transaction must end within {@code max} from now. */
  void beginTransaction(Duration max) {
    inTransaction = true;
    recipients = 0;
    overshoot = 0;
    transactionDeadline = System.nanoTime() + max.toNanos();
  }

  /** RSET, the end of a message, or a refusal that ends the transaction. */
  void endTransaction() {
    inTransaction = false;
    recipients = 0;
    overshoot = 0;
    transactionDeadline = Long.MAX_VALUE;
  }

  /** After HELO, STARTTLS or XCLIENT the client starts over: EHLO again, no transaction. */
  void forgetGreeting() {
    esmtp = false;
    endTransaction();
  }

  int recipients() {
    return recipients;
  }

  void recipientAccepted() {
    recipients++;
  }

  /** Counts a recipient refused for being over the per-message limit; returns how many so far. */
  int overshoot() {
    return ++overshoot;
  }

  long transactionDeadline() {
    return transactionDeadline;
  }

  /**
   * When the next command must be complete: the command timeout from now, and within a
   * transaction never later than its end (a total, not an idle, limit: RFC 5321 4.5.3.2 allows it).
   */
  long commandDeadline(Duration commandTimeout) {
    return Math.min(System.nanoTime() + commandTimeout.toNanos(), transactionDeadline);
  }
}
