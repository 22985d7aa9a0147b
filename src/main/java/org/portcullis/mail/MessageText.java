package org.portcullis.mail;

import java.io.InputStream;
import java.util.List;

/**
 * A received message as its octets arrived, for checks that must see them unaltered (a DKIM
 * signature covers the exact header fields and body). Line endings are CRLF.
 */
public interface MessageText {

  /** The header fields in order, each as received (folding kept), without its final CRLF. */
  List<String> headerFields();

  /** A new stream over the body, after the blank line; empty if there is none. */
  InputStream body();

  /** A new stream over the whole message as received: the header section, the blank line, the body. */
  InputStream octets();

  /** The number of octets {@link #octets} gives. */
  long size();
}
