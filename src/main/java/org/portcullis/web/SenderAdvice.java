package org.portcullis.web;

import org.portcullis.policy.RefusalRecord;

/**
 * What a refusal means for the person who only sent the mail (the "information for users" a refusal owes them,
 * and "notify your system administrator or your ISP"): in plain words, without DNS or SMTP,
 * by the check that decided. The administrator's explanation (facts, rule, fix) is beside it.
 */
final class SenderAdvice {

  private SenderAdvice() {}

  /** Nothing is wrong: the mail was only delayed and the sending server retries by itself. */
  static boolean onlyDelayed(RefusalRecord r) {
    return r.outcome().equals("tempfail");
  }

  /** One paragraph: what happened to the mail and whose move it is. */
  static String meaning(RefusalRecord r) {
    if (onlyDelayed(r)) {
      return switch (r.check()) {
        case "greylist" -> "Nothing is wrong and nothing is lost: your message was only delayed. The server that "
            + "sends your mail tries again by itself, usually within minutes, and then it is delivered.";
        default -> "Your message was delayed, not refused: this server could not decide in time and asked the "
            + "sending server to try again later, which it does by itself. If it still has not arrived after a day, "
            + "forward the text below to whoever runs your mail.";
      };
    }
    return switch (r.check()) {
      case "client-ptr", "client-fcrdns", "client-generic-ptr" -> "The computer that handed your message to us is "
          + "not set up the way mail servers must be: its internet address has no proper name. If you sent from your "
          + "mail program at home or at work, it is probably sending straight to other servers instead of through your "
          + "provider's or company's outgoing mail server; otherwise your provider's server needs fixing.";
      case "helo-required", "helo-syntax", "helo-fqdn", "helo-literal", "helo-ours", "helo-resolves" -> "The computer "
          + "that handed your message to us introduced itself with a name mail servers do not accept. Mail programs "
          + "that send straight to other servers, instead of through your outgoing mail server, often do this.";
      case "pregreet", "pipelining" -> "The program that handed your message to us did not follow the mail protocol, "
          + "as real mail servers do. This is usually software that sends mail by itself: a virus on a computer, or a "
          + "badly set-up device.";
      case "blocklist", "dnsbl", "spam-trap" -> "The internet address your message came from is listed as a source of "
          + "spam. If you send through your provider or company, it is their server that is listed and they have to "
          + "fix it; if it is your own connection, a computer on it may be infected. Your mail to others may be "
          + "refused too until the listing is gone.";
      case "relay-control" -> "This server only takes mail for its own domains. To send mail elsewhere through it, "
          + "your mail program must log in (SMTP authentication) on the submission port.";
      case "sender-domain", "sender-ip-literal", "envelope-syntax", "envelope-brackets", "null-sender" -> "The "
          + "sender address your mail program gave is not a valid, existing address. Check the e-mail address in "
          + "your account settings.";
      case "sender-claims-local", "mail-from-self" -> "Your message says it comes from this organisation's own "
          + "domain, but it did not come through the organisation's mail server. If you belong to it, send through "
          + "its server, logged in, instead of another provider's.";
      case "recipient-known", "recipient-full-address" -> "The address you wrote to does not exist here. Check it for "
          + "typing errors, or ask the person for their current address.";
      case "deny-list" -> "The recipient's organisation does not accept mail from this sender or server.";
      case "sender-login" -> "You are logged in, but the sender address is not one of your account's. Send from your "
          + "own address, or ask your administrator to add this one to your account.";
      case "connection-limit" -> "The server that sent your message opened too many connections at once. It retries "
          + "by itself; nothing is lost.";
      default -> "Your message did not meet one of this server's rules for incoming mail. The technical "
          + "explanation is below; whoever runs your mail can act on it.";
    };
  }
}
