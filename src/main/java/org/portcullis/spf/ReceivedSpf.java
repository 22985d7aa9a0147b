package org.portcullis.spf;

import java.net.InetAddress;

/** The Received-SPF header field of RFC 7208 9.1, from an outcome; client-given text is made safe. */
public final class ReceivedSpf {

  public static final String FIELD = "Received-SPF";

  private ReceivedSpf() {}

  /**
   * {@code pass (mx.example.org: domain of a@b.example designates 192.0.2.1 as permitted sender)
   * client-ip=192.0.2.1; envelope-from="a@b.example"; helo=mail.b.example; receiver=mx.example.org;
   * identity=mailfrom}.
   */
  public static String value(SpfOutcome outcome, InetAddress client, String sender, String helo, String receiver) {
    String ip = client.getHostAddress();
    String who = safe(sender.isEmpty() ? "postmaster@" + helo : sender);
    String comment = switch (outcome.result()) {
      case PASS -> "domain of " + who + " designates " + ip + " as permitted sender";
      case FAIL -> "domain of " + who + " does not designate " + ip + " as permitted sender";
      case SOFTFAIL -> "domain of " + who + " discourages use of " + ip + " as permitted sender";
      case NEUTRAL -> ip + " is neither permitted nor denied by domain of " + who;
      case NONE -> "domain of " + who + " does not publish an SPF policy";
      case TEMPERROR -> "error in processing during lookup of " + who + ": DNS did not answer";
      case PERMERROR -> "error in processing the SPF policy of " + who;
    };
    return outcome.result().label() + " (" + safe(receiver) + ": " + comment + ") client-ip=" + ip
        + "; envelope-from=\"" + who + "\"; helo=" + safe(helo) + "; receiver=" + safe(receiver) + "; identity="
        + outcome.identity();
  }

  /** Printable ASCII without the characters that would end a quoted string or a comment. */
  private static String safe(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 255));
    for (int i = 0; i < text.length() && out.length() < 255; i++) {
      char c = text.charAt(i);
      out.append(c > 32 && c < 127 && c != '"' && c != '(' && c != ')' && c != '\\' && c != ';' ? c : '_');
    }
    return out.toString();
  }
}
