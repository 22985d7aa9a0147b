package org.portcullis.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.dns.ReverseDns;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.ProtocolFacts;

/**
 * The Authentication-Results field we add to each accepted message (RFC 8601), and the test for
 * fields claiming our authserv-id that came with it, which must go before ours is added (RFC 8601
 * 5): anyone can write such a field, and downstream filters trust ours.
 */
public final class AuthenticationResults {

  public static final String FIELD = "Authentication-Results";

  private AuthenticationResults() {}

  /**
   * The session's own results, then the checks': {@code iprev} (the client's reverse DNS, from the
   * lookup made at connect), {@code auth} for a logged-in user, then {@code results} in order.
   */
  public static List<String> results(ClientInfo client, ProtocolFacts protocol, List<String> results) {
    List<String> all = new ArrayList<>(results.size() + 2);
    iprev(client).ifPresent(all::add);
    protocol.authenticatedUser().ifPresent(user -> all.add(Resinfo.of("auth", "pass").property("smtp.auth", user).toString()));
    all.addAll(results);
    return all;
  }

  /**
   * The whole field with its CRLF, each result on a line of its own:
   * {@code Authentication-Results: mx.example.com;\r\n\tspf=pass smtp.mailfrom=...\r\n}.
   */
  public static String field(String authservId, List<String> results) {
    StringBuilder out = new StringBuilder(128).append(FIELD).append(": ").append(authservId);
    if (results.isEmpty()) {
      return out.append("; none\r\n").toString();
    }
    for (String result : results) {
      out.append(";\r\n\t").append(result);
    }
    return out.append("\r\n").toString();
  }

  /**
   * Whether {@code rawField} (name, colon, value, folding as received) is an Authentication-Results
   * field whose authserv-id is {@code authservId}, in any case, after any folding and comments.
   */
  public static boolean claims(String rawField, String authservId) {
    int colon = rawField.indexOf(':');
    if (colon < 0 || !rawField.substring(0, colon).strip().equalsIgnoreCase(FIELD)) {
      return false;
    }
    String value = withoutComments(rawField.substring(colon + 1)).strip();
    int end = 0;
    while (end < value.length() && value.charAt(end) != ';' && !Character.isWhitespace(value.charAt(end))) {
      end++;
    }
    String id = value.substring(0, end);
    if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) {
      id = id.substring(1, id.length() - 1);
    }
    return id.toLowerCase(Locale.ROOT).equals(authservId.toLowerCase(Locale.ROOT));
  }

  private static String withoutComments(String value) {
    StringBuilder out = new StringBuilder(value.length());
    int depth = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && depth > 0) {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }

  /** RFC 8601 3: iprev, from the reverse DNS lookup made at connect, if it has finished. */
  private static Optional<String> iprev(ClientInfo client) {
    ReverseDns rdns = client.reverseDns().getNow(null);
    if (rdns == null) {
      return Optional.empty();
    }
    String result = switch (rdns.status()) {
      case CONFIRMED -> "pass";
      case NO_PTR, NOT_CONFIRMED -> "fail";
      case UNKNOWN -> "temperror";
    };
    return Optional.of(Resinfo.of("iprev", result).comment(rdns.names().isEmpty() ? "" : String.join(" ", rdns.names()))
        .property("policy.iprev", client.addressText()).toString());
  }
}
