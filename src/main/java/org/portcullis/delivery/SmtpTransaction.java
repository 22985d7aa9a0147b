package org.portcullis.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.SmtpReply;
import org.portcullis.queue.QueuedMessage;

/**
 * One mail transaction on an open {@link SmtpConnection}: MAIL FROM with SIZE, BODY, SMTPUTF8
 * and the DSN parameters (RET, ENVID; NOTIFY and ORCPT per recipient, RFC 3461) where the server
 * offers them; the commands sent together when it offers PIPELINING (RFC 2920); an outcome per
 * recipient from its own RCPT reply and the end-of-data reply.
 */
final class SmtpTransaction {

  /** The connection failed mid-transaction. */
  static final class Broken extends IOException {
    /** Whether the message's end of data was sent: the server may have taken it (a retry may duplicate it). */
    final boolean afterContent;

    Broken(String message, boolean afterContent, IOException cause) {
      super(message, cause);
      this.afterContent = afterContent;
    }
  }

  /**
   * The outcomes, and whether the connection is clean for another transaction.
   *
   * @param outcomes one per recipient index given
   * @param reusable the server is ready for the next MAIL FROM
   */
  record Result(Map<Integer, DeliveryOutcome> outcomes, boolean reusable) {}

  private SmtpTransaction() {}

  static Result run(SmtpConnection c, QueuedMessage message, List<Integer> recipients, byte[] content)
      throws Broken {
    MailParameters params = message.envelope().parameters();
    if (params.smtputf8() && !c.supports("SMTPUTF8")) {
      return all(recipients, new DeliveryOutcome.Failed(c.describe() + " does not support SMTPUTF8, which this "
          + "message needs (RFC 6531 3.4)", new EnhancedStatus(5, 6, 7), Optional.empty()), true);
    }
    if (c.sizeLimit().isPresent() && content.length > c.sizeLimit().getAsLong()) {
      return all(recipients, new DeliveryOutcome.Failed("the message (" + content.length + " octets) is larger "
          + "than " + c.describe() + " takes (SIZE " + c.sizeLimit().getAsLong() + ")", new EnhancedStatus(5, 3, 4),
          Optional.empty()), true);
    }
    boolean dsn = c.supports("DSN");
    String mail = mailCommand(c, message, content.length, dsn);
    List<String> rcpts = new ArrayList<>();
    for (int index : recipients) {
      rcpts.add(rcptCommand(message.envelope().recipients().get(index), dsn));
    }
    SmtpClient client = c.client();
    boolean sentContent = false;
    try {
      SmtpReply mailReply;
      List<SmtpReply> rcptReplies = new ArrayList<>();
      Optional<SmtpReply> dataReply = Optional.empty();
      if (c.supports("PIPELINING")) {
        client.send(mail);
        for (String line : rcpts) {
          client.send(line);
        }
        client.send("DATA");
        client.flush();
        mailReply = client.readReply();
        for (int i = 0; i < rcpts.size(); i++) {
          rcptReplies.add(client.readReply());
        }
        dataReply = Optional.of(client.readReply());
      } else {
        mailReply = client.command(mail);
        if (mailReply.isPositive()) {
          for (String line : rcpts) {
            rcptReplies.add(client.command(line));
          }
          if (rcptReplies.stream().anyMatch(SmtpReply::isPositive)) {
            dataReply = Optional.of(client.command("DATA"));
          }
        }
      }
      if (!mailReply.isPositive()) {
        DeliveryOutcome outcome = DeliveryOutcome.of(remote(c, mailReply, shown(mail)), dsn);
        return all(recipients, outcome, reset(client));
      }
      Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
      List<Integer> accepted = new ArrayList<>();
      for (int i = 0; i < recipients.size(); i++) {
        SmtpReply reply = rcptReplies.get(i);
        if (reply.isPositive()) {
          accepted.add(recipients.get(i));
        } else {
          outcomes.put(recipients.get(i), DeliveryOutcome.of(remote(c, reply, shown(rcpts.get(i))), dsn));
        }
      }
      if (accepted.isEmpty() || dataReply.isEmpty() || dataReply.get().code() != 354) {
        if (!accepted.isEmpty()) {
          DeliveryOutcome outcome = DeliveryOutcome.of(remote(c, dataReply.orElseThrow(), "DATA"), dsn);
          accepted.forEach(i -> outcomes.put(i, outcome));
        }
        return new Result(outcomes, reset(client));
      }
      sentContent = true;
      SmtpReply done = client.data(content);
      DeliveryOutcome result = DeliveryOutcome.of(remote(c, done, "end of DATA"), dsn);
      accepted.forEach(i -> outcomes.put(i, result));
      return new Result(outcomes, true);
    } catch (IOException e) {
      throw new Broken("lost connection with " + c.describe() + (sentContent ? " after sending the message" : "")
          + ": " + e.getMessage(), sentContent, e);
    }
  }

  private static DeliveryOutcome.Remote remote(SmtpConnection c, SmtpReply reply, String command) {
    return new DeliveryOutcome.Remote(c.mta(), reply, command);
  }

  /** A command as reports show it: without its parameters. */
  private static String shown(String command) {
    int pathEnd = command.indexOf('>');
    return pathEnd > 0 ? command.substring(0, pathEnd + 1) : command;
  }

  /** RSET after an aborted transaction; false if the connection is no good for another. */
  private static boolean reset(SmtpClient client) {
    try {
      return client.command("RSET").isPositive();
    } catch (IOException e) {
      return false;
    }
  }

  private static Result all(List<Integer> recipients, DeliveryOutcome outcome, boolean reusable) {
    return new Result(DeliveryOutcome.toAll(recipients, outcome), reusable);
  }

  static String mailCommand(SmtpConnection c, QueuedMessage message, int size, boolean dsn) {
    MailParameters params = message.envelope().parameters();
    StringBuilder mail = new StringBuilder("MAIL FROM:").append(message.envelope().sender());
    if (c.supports("SIZE")) {
      mail.append(" SIZE=").append(size);
    }
    if (params.body() == MailParameters.Body.EIGHT_BIT_MIME && c.supports("8BITMIME")) {
      mail.append(" BODY=8BITMIME");
    }
    if (params.smtputf8()) {
      mail.append(" SMTPUTF8");
    }
    if (dsn) {
      params.ret().ifPresent(r -> mail.append(" RET=").append(r == MailParameters.Ret.FULL ? "FULL" : "HDRS"));
      params.envelopeId().ifPresent(id -> mail.append(" ENVID=").append(xtext(id)));
    }
    return mail.toString();
  }

  static String rcptCommand(Recipient r, boolean dsn) {
    StringBuilder rcpt = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
    if (dsn) {
      if (!r.notifyOn().isEmpty()) {
        rcpt.append(" NOTIFY=").append(r.notifyOn().stream().map(n -> n.name().toUpperCase(Locale.ROOT)).sorted()
            .collect(Collectors.joining(",")));
      }
      r.originalRecipient().ifPresent(o -> {
        int semi = o.indexOf(';');
        if (semi > 0) {
          rcpt.append(" ORCPT=").append(o, 0, semi).append(';').append(xtext(o.substring(semi + 1)));
        }
      });
    }
    return rcpt.toString();
  }

  /** RFC 3461 4: xtext, "+" and "=" and anything outside "!".."~" as +HH. */
  static String xtext(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= '!' && c <= '~' && c != '+' && c != '=') {
        out.append((char) c);
      } else {
        out.append('+').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
