package org.portcullis.policyd;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.dns.ReverseDns;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.ProtocolFacts;
import org.portcullis.policy.SessionPolicy;

/**
 * Runs the gateway's checks on a Postfix policy request and answers with an action: the request
 * replays the session as far as its {@code protocol_state} (connect, HELO, MAIL, RCPT, DATA) on a
 * fresh {@link SessionPolicy}, with Postfix's attributes ({@code client_address},
 * {@code helo_name}, {@code sender}, {@code recipient}, {@code sasl_username}). The client's reverse
 * DNS is the one Postfix reports ({@code client_name}, {@code reverse_client_name}), looked up again
 * only when a request carries neither.
 *
 * <p>Verdicts map to actions: a permanent refusal is {@code REJECT <status> <text>}, a temporary
 * one {@code DEFER_IF_PERMIT <status> <text>} (so Postfix's own later rejections still win), a
 * tag {@code PREPEND X-Portcullis-Tag: ...}, anything else {@code DUNNO}. {@code OK} only when
 * {@code policy-service.ok-on-allow-entries} is on and an allow entry skipping every check covers
 * the recipient: OK ends Postfix's restriction list, so the service must sit after
 * {@code reject_unauth_destination} (as documented) or it could open Postfix's relay. Texts keep
 * the reference.
 */
public final class PolicyResponder {

  private final PolicyEngine engine;
  private final boolean okOnAllowEntries;

  public PolicyResponder(PolicyEngine engine) {
    this(engine, false);
  }

  /**
   * @param okOnAllowEntries answer {@code OK} (not {@code DUNNO}) for a recipient that an allow
   *     entry skipping every check covers, so Postfix skips its later restrictions too
   */
  public PolicyResponder(PolicyEngine engine, boolean okOnAllowEntries) {
    this.engine = engine;
    this.okOnAllowEntries = okOnAllowEntries;
  }

  /** The action for a request (without the {@code action=} prefix). */
  public String answer(PolicyRequest request) {
    if (!request.get("request").map("smtpd_access_policy"::equals).orElse(false)) {
      throw new MalformedRequest("request=smtpd_access_policy is missing");
    }
    InetAddress address = request.get("client_address").flatMap(Addresses::parseLiteral)
        .orElseThrow(() -> new MalformedRequest("client_address is missing or not an IP address"));
    String state = request.get("protocol_state").orElse("RCPT").toUpperCase(Locale.ROOT);
    ProtocolFacts protocol = new ProtocolFacts();
    request.get("sasl_username").ifPresent(protocol::recordAuthentication);
    int port = request.get("client_port").filter(PolicyResponder::isPort).map(Integer::parseInt).orElse(0);
    Optional<String> clientName = request.get("client_name");
    Optional<String> reverseName = request.get("reverse_client_name");
    ClientInfo client = clientName.isPresent() || reverseName.isPresent()
        ? engine.reportedClient(address, port, ReverseDns.reported(address, clientName, reverseName))
        : engine.client(address, port);
    SessionPolicy session = engine.newSession(client, protocol);
    SessionPolicy.Decision d = session.connect();
    if (refused(d) || state.equals("CONNECT")) {
      return action(d, session);
    }
    Optional<String> helo = request.get("helo_name");
    if (helo.isPresent()) {
      d = session.helo(HeloName.parse(helo.get()));
      if (refused(d) || state.equals("HELO") || state.equals("EHLO")) {
        return action(d, session);
      }
    }
    if (state.equals("MAIL") || state.equals("RCPT") || state.equals("DATA") || state.equals("END-OF-MESSAGE")) {
      d = session.mail(path(request.get("sender").orElse(""), "sender"), MailParameters.NONE);
      if (refused(d) || state.equals("MAIL")) {
        return action(d, session);
      }
      Optional<String> recipient = request.get("recipient");
      if (recipient.isPresent()) {
        MailPath path = path(recipient.get(), "recipient");
        if (path.isNull()) {
          throw new MalformedRequest("recipient is empty");
        }
        Recipient rcpt = new Recipient(path.address(), java.util.Set.of(), Optional.empty(), true);
        d = session.rcpt(rcpt);
        if (!refused(d) && state.equals("RCPT") && okOnAllowEntries && session.allowedByEntry(rcpt)) {
          return "OK";
        }
        if (refused(d) || state.equals("RCPT")) {
          return action(d, session);
        }
      }
      if (state.equals("DATA") || state.equals("END-OF-MESSAGE")) {
        d = session.data();
      }
    }
    return action(d, session);
  }

  private static boolean refused(SessionPolicy.Decision d) {
    return d instanceof SessionPolicy.Decision.Refused;
  }

  private static MailPath path(String address, String attribute) {
    try {
      return MailPath.parse("<" + address + ">", true);
    } catch (AddressSyntaxException e) {
      throw new MalformedRequest(attribute + " is not an address: " + e.getMessage());
    }
  }

  private static String action(SessionPolicy.Decision d, SessionPolicy session) {
    if (d instanceof SessionPolicy.Decision.Refused refused) {
      SmtpReply reply = refused.refusal().reply();
      String text = reply.status().map(s -> s + " ").orElse("") + String.join(" ", reply.lines());
      return (reply.isTransient() ? "DEFER_IF_PERMIT " : "REJECT ") + printable(text);
    }
    List<SessionPolicy.AppliedTag> tags = session.tags();
    if (!tags.isEmpty()) {
      SessionPolicy.AppliedTag tag = tags.getFirst();
      return "PREPEND X-Portcullis-Tag: " + printable(tag.headerValue());
    }
    return "DUNNO";
  }

  /** 1 to 5 digits (a regular expression here would be compiled again for every request). */
  private static boolean isPort(String text) {
    if (text.isEmpty() || text.length() > 5) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Control characters as spaces, at most 510 characters (a reply line's room): the action line stays one line. */
  private static String printable(String text) {
    int length = Math.min(text.length(), 510);
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      out[i] = c < 0x20 || c == 0x7F ? ' ' : c;
    }
    return new String(out);
  }

  /** A request that cannot be judged; the server answers DUNNO and logs why. */
  public static final class MalformedRequest extends RuntimeException {
    public MalformedRequest(String message) {
      super(message, null, false, false);
    }
  }
}
