package org.portcullis.config;

/** A configuration value that cannot be used; the message names the key and says why. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  public ConfigException(String key, String problem, Throwable cause) {
    super(key + ": " + problem, cause);
    this.key = key;
  }

  /** The dotted key, e.g. {@code smtp.recipients-max}. */
  public String key() {
    return key;
  }
}
