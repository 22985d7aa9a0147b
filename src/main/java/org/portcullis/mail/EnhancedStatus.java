package org.portcullis.mail;

/**
 * An RFC 3463 enhanced mail system status code such as {@code 5.7.1}.
 *
 * @param statusClass 2 (success), 4 (persistent transient failure) or 5 (permanent failure)
 * @param subject the subject sub-code, 0 to 999
 * @param detail the detail sub-code, 0 to 999
 */
public record EnhancedStatus(int statusClass, int subject, int detail) {

  public static final EnhancedStatus OK = new EnhancedStatus(2, 0, 0);
  public static final EnhancedStatus DESTINATION_VALID = new EnhancedStatus(2, 1, 5);
  public static final EnhancedStatus SENDER_OK = new EnhancedStatus(2, 1, 0);
  public static final EnhancedStatus SYNTAX_ERROR = new EnhancedStatus(5, 5, 2);
  public static final EnhancedStatus BAD_SEQUENCE = new EnhancedStatus(5, 5, 1);
  public static final EnhancedStatus BAD_PARAMETERS = new EnhancedStatus(5, 5, 4);
  public static final EnhancedStatus TEMPORARY_SYSTEM_ERROR = new EnhancedStatus(4, 3, 0);
  public static final EnhancedStatus POLICY = new EnhancedStatus(5, 7, 1);
  public static final EnhancedStatus TEMPORARY_POLICY = new EnhancedStatus(4, 7, 1);

  public EnhancedStatus {
    if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
      throw new IllegalArgumentException("enhanced status class must be 2, 4 or 5, not " + statusClass);
    }
    if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
      throw new IllegalArgumentException(
          "enhanced status sub-codes must be 0..999, not " + subject + "." + detail);
    }
  }

  /**
   * Parses {@code "5.7.1"}.
   *
   * @throws IllegalArgumentException if the text is not a valid enhanced status code
   */
  public static EnhancedStatus parse(String text) {
    String[] parts = text.trim().split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not an enhanced status code: \"" + text + "\"");
    }
    try {
      return new EnhancedStatus(
          Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an enhanced status code: \"" + text + "\"", e);
    }
  }

  /** Returns the same code with its class replaced, e.g. {@code 5.7.1 -> 4.7.1}. */
  public EnhancedStatus withClass(int newClass) {
    return newClass == statusClass ? this : new EnhancedStatus(newClass, subject, detail);
  }

  @Override
  public String toString() {
    return statusClass + "." + subject + "." + detail;
  }
}
