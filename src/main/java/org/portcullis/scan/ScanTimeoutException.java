package org.portcullis.scan;

import java.io.IOException;

/** The scan's deadline passed before the scanner had answered. */
public final class ScanTimeoutException extends IOException {
  public ScanTimeoutException(String message) {
    super(message);
  }
}
