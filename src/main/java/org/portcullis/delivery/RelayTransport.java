package org.portcullis.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.SmtpReply;
import org.portcullis.queue.QueuedMessage;

/**
 * Hands messages to one configured next-hop SMTP server (the real mail store behind the gateway),
 * all recipients of a message in one transaction. A 4xx or a connection failure defers, a 5xx
 * fails, per recipient where the server answers per recipient. Thread-safe: one connection per
 * call.
 */
public final class RelayTransport implements Transport {

  private final InetSocketAddress nextHop;
  private final String heloName;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  public RelayTransport(InetSocketAddress nextHop, String heloName, Duration connectTimeout, Duration readTimeout) {
    this.nextHop = nextHop;
    this.heloName = heloName;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public String name() {
    return "relay=[" + nextHop.getHostString() + "]:" + nextHop.getPort();
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    try (SmtpClient client = SmtpClient.connect(nextHop, connectTimeout, readTimeout)) {
      return converse(client, message, recipients, content);
    } catch (IOException e) {
      return all(recipients, new DeliveryOutcome.Deferred("connection to " + name() + " failed: " + e.getMessage()));
    }
  }

  private Map<Integer, DeliveryOutcome> converse(SmtpClient client, QueuedMessage message, List<Integer> recipients,
      byte[] content) throws IOException {
    SmtpReply greeting = client.readReply();
    if (!greeting.isPositive()) {
      return all(recipients, outcome(greeting, "greeting"));
    }
    SmtpReply ehlo = client.command("EHLO " + heloName);
    boolean esmtp = ehlo.isPositive();
    if (!esmtp) {
      SmtpReply helo = client.command("HELO " + heloName);
      if (!helo.isPositive()) {
        return all(recipients, outcome(helo, "HELO"));
      }
    }
    boolean eightBit = esmtp && ehlo.lines().stream().anyMatch(l -> l.toUpperCase().startsWith("8BITMIME"));
    boolean size = esmtp && ehlo.lines().stream().anyMatch(l -> l.toUpperCase().startsWith("SIZE"));
    boolean utf8 = esmtp && ehlo.lines().stream().anyMatch(l -> l.toUpperCase().startsWith("SMTPUTF8"));
    StringBuilder mail = new StringBuilder("MAIL FROM:")
        .append(message.envelope().sender());
    if (size) {
      mail.append(" SIZE=").append(content.length);
    }
    if (eightBit && message.envelope().parameters().body() == MailParameters.Body.EIGHT_BIT_MIME) {
      mail.append(" BODY=8BITMIME");
    }
    if (utf8 && message.envelope().parameters().smtputf8()) {
      mail.append(" SMTPUTF8");
    }
    SmtpReply mailReply = client.command(mail.toString());
    if (!mailReply.isPositive()) {
      return all(recipients, outcome(mailReply, "MAIL FROM"));
    }
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    List<Integer> accepted = new ArrayList<>();
    for (int index : recipients) {
      EmailAddress rcpt = message.envelope().recipients().get(index).address();
      SmtpReply reply = client.command("RCPT TO:<" + rcpt + ">");
      if (reply.isPositive()) {
        accepted.add(index);
      } else {
        outcomes.put(index, outcome(reply, "RCPT TO"));
      }
    }
    if (accepted.isEmpty()) {
      client.command("QUIT");
      return outcomes;
    }
    SmtpReply dataReply = client.command("DATA");
    if (dataReply.code() != 354) {
      accepted.forEach(i -> outcomes.put(i, outcome(dataReply, "DATA")));
      return outcomes;
    }
    SmtpReply done = client.data(content);
    DeliveryOutcome result = done.isPositive()
        ? new DeliveryOutcome.Delivered(name() + " said: " + done)
        : outcome(done, "end of DATA");
    accepted.forEach(i -> outcomes.put(i, result));
    try {
      client.command("QUIT");
    } catch (IOException ignored) {
      // the message is already accepted; a lost QUIT reply changes nothing
    }
    return outcomes;
  }

  private DeliveryOutcome outcome(SmtpReply reply, String stage) {
    String detail = name() + " said: " + reply + " (in reply to " + stage + ")";
    return reply.isPermanent() ? new DeliveryOutcome.Failed(detail) : new DeliveryOutcome.Deferred(detail);
  }

  private static Map<Integer, DeliveryOutcome> all(List<Integer> recipients, DeliveryOutcome outcome) {
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    recipients.forEach(i -> outcomes.put(i, outcome));
    return outcomes;
  }
}
