package org.portcullis.policy;

/** The SMTP phases at which checks run, in protocol order. */
public enum Phase {
  /** The client connected; only its address (and reverse DNS) is known. */
  CONNECT,
  /** HELO or EHLO was given. */
  HELO,
  /** MAIL FROM was given. */
  MAIL,
  /** One RCPT TO; runs once per recipient. */
  RCPT,
  /** DATA was given, before the message is read. */
  DATA,
  /** The message has been read; headers and size are known. */
  END_OF_DATA
}
