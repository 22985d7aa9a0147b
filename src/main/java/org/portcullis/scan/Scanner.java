package org.portcullis.scan;

import java.io.IOException;

/**
 * One content scanner's protocol. Implementations are thread-safe, open a connection per scan,
 * bound every reply they read, and never wait past the deadline they are given.
 */
public interface Scanner {

  /** {@code spamd}, {@code rspamd} or {@code clamd}: the check's name and the header's. */
  String name();

  /**
   * Scans one message.
   *
   * @param deadlineNanos when the scan must be over ({@link System#nanoTime()})
   * @return the scanner's answer: clean, spam or infected
   * @throws ScanTimeoutException if the deadline passed first
   * @throws ScanReplyException if the scanner answered something that is not its protocol
   * @throws IOException if it could not be reached or closed the connection early
   */
  ScanResult scan(ScanRequest request, long deadlineNanos) throws IOException;
}
