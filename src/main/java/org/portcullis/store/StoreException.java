package org.portcullis.store;

/** The store could not do what was asked (unreachable, corrupt, or a failed migration). */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
