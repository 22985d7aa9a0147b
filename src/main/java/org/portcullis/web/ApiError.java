package org.portcullis.web;

/** A refusal of an API request: its HTTP status and a message for the client (JSON). */
public final class ApiError extends RuntimeException {

  private final int status;

  public ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
