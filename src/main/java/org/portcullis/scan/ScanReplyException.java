package org.portcullis.scan;

import java.io.IOException;

/** The scanner answered, but not in its protocol (or with an error of its own). */
public final class ScanReplyException extends IOException {
  public ScanReplyException(String message) {
    super(message);
  }
}
