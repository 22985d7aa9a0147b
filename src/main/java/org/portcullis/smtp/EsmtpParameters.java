package org.portcullis.smtp;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.SmtpReply;

/**
 * Parses the ESMTP parameters after a MAIL or RCPT path (RFC 5321 4.1.2 esmtp-param), and the
 * parameters we support: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET and ENVID
 * (RFC 3461) and AUTH (RFC 4954, checked and ignored) on MAIL; NOTIFY and ORCPT (RFC 3461) on RCPT.
 * Everything else is refused with 555.
 */
final class EsmtpParameters {

  /** A parameter problem, carrying the reply to send. */
  static final class ParameterException extends Exception {
    final SmtpReply reply;

    ParameterException(int code, String status, String text) {
      super(text, null, false, false);
      this.reply = SmtpReply.of(code, EnhancedStatus.parse(status), text);
    }
  }

  private static final int ENVID_MAX = 100;
  private static final int ORCPT_MAX = 500;

  private EsmtpParameters() {}

  /** Splits {@code KEY=value KEY2} into an ordered map; keywords upper-cased, duplicates refused. */
  static Map<String, String> split(String text) throws ParameterException {
    Map<String, String> out = new LinkedHashMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String token : text.strip().split(" +")) {
      int eq = token.indexOf('=');
      String keyword = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
      String value = eq < 0 ? null : token.substring(eq + 1);
      if (!keyword.matches("[A-Z0-9][A-Z0-9-]*")) {
        throw new ParameterException(501, "5.5.4", "Bad parameter syntax: " + printable(token));
      }
      if (value != null && (value.isEmpty() || !validValue(value))) {
        throw new ParameterException(501, "5.5.4", "Bad value for " + keyword);
      }
      if (out.containsKey(keyword)) {
        throw new ParameterException(501, "5.5.4", "Duplicate parameter " + keyword);
      }
      out.put(keyword, value);
    }
    return out;
  }

  static MailParameters mail(Map<String, String> params) throws ParameterException {
    OptionalLong size = OptionalLong.empty();
    MailParameters.Body body = MailParameters.Body.SEVEN_BIT;
    boolean utf8 = false;
    Optional<MailParameters.Ret> ret = Optional.empty();
    Optional<String> envid = Optional.empty();
    for (Map.Entry<String, String> p : params.entrySet()) {
      String value = p.getValue();
      switch (p.getKey()) {
        case "SIZE" -> {
          if (value == null || !value.matches("[0-9]{1,18}")) {
            throw new ParameterException(501, "5.5.4", "Bad SIZE value");
          }
          size = OptionalLong.of(Long.parseLong(value));
        }
        case "BODY" -> {
          if ("7BIT".equalsIgnoreCase(value)) {
            body = MailParameters.Body.SEVEN_BIT;
          } else if ("8BITMIME".equalsIgnoreCase(value)) {
            body = MailParameters.Body.EIGHT_BIT_MIME;
          } else {
            throw new ParameterException(501, "5.5.4", "Unsupported BODY type (7BIT and 8BITMIME are supported)");
          }
        }
        case "SMTPUTF8" -> {
          if (value != null) {
            throw new ParameterException(501, "5.5.4", "SMTPUTF8 takes no value");
          }
          utf8 = true;
        }
        case "RET" -> {
          if ("FULL".equalsIgnoreCase(value)) {
            ret = Optional.of(MailParameters.Ret.FULL);
          } else if ("HDRS".equalsIgnoreCase(value)) {
            ret = Optional.of(MailParameters.Ret.HDRS);
          } else {
            throw new ParameterException(501, "5.5.4", "Bad RET value (FULL or HDRS)");
          }
        }
        case "ENVID" -> {
          if (value == null || value.length() > ENVID_MAX) {
            throw new ParameterException(501, "5.5.4", "Bad ENVID value");
          }
          envid = Optional.of(xtextDecode(value, "ENVID"));
        }
        case "AUTH" -> {
          // RFC 4954 5: the identity that submitted the message to the client; we trust only our
          // own logins, so it is checked for syntax and otherwise treated as <> (not passed on).
          if (value == null || value.length() > ENVID_MAX) {
            throw new ParameterException(501, "5.5.4", "Bad AUTH value");
          }
          if (!value.equals("<>")) {
            xtextDecode(value, "AUTH");
          }
        }
        default -> throw new ParameterException(555, "5.5.4", "Unsupported parameter " + printable(p.getKey()));
      }
    }
    return new MailParameters(size, body, utf8, ret, envid);
  }

  /** The NOTIFY set and ORCPT of a RCPT command. */
  record RcptParameters(Set<Recipient.Notify> notifyOn, Optional<String> orcpt) {}

  static RcptParameters rcpt(Map<String, String> params) throws ParameterException {
    Set<Recipient.Notify> notify = EnumSet.noneOf(Recipient.Notify.class);
    Optional<String> orcpt = Optional.empty();
    for (Map.Entry<String, String> p : params.entrySet()) {
      String value = p.getValue();
      switch (p.getKey()) {
        case "NOTIFY" -> {
          if (value == null) {
            throw new ParameterException(501, "5.5.4", "Bad NOTIFY value");
          }
          for (String item : value.toUpperCase(Locale.ROOT).split(",", -1)) {
            try {
              notify.add(Recipient.Notify.valueOf(item));
            } catch (IllegalArgumentException e) {
              throw new ParameterException(501, "5.5.4", "Bad NOTIFY value (NEVER, or SUCCESS,FAILURE,DELAY)");
            }
          }
          if (notify.contains(Recipient.Notify.NEVER) && notify.size() > 1) {
            throw new ParameterException(501, "5.5.4", "NOTIFY=NEVER cannot be combined with other values");
          }
        }
        case "ORCPT" -> {
          if (value == null || value.length() > ORCPT_MAX || value.indexOf(';') <= 0) {
            throw new ParameterException(501, "5.5.4", "Bad ORCPT value (addr-type;address)");
          }
          int semi = value.indexOf(';');
          orcpt = Optional.of(value.substring(0, semi) + ";" + xtextDecode(value.substring(semi + 1), "ORCPT"));
        }
        default -> throw new ParameterException(555, "5.5.4", "Unsupported parameter " + printable(p.getKey()));
      }
    }
    return new RcptParameters(notify, orcpt);
  }

  private static String xtextDecode(String text, String name) throws ParameterException {
    return Xtext.decode(text, false).orElseThrow(() -> new ParameterException(501, "5.5.4", "Bad xtext in " + name));
  }

  private static boolean validValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 33 || c == '=' || c == 127) {
        return false;
      }
    }
    return true;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (out.length() > 40) {
        out.append("...");
        break;
      }
      out.append(c >= 33 && c < 127 ? c : '?');
    }
    return out.toString();
  }
}
