package org.portcullis.greylist;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.OrganizationalDomain;

/**
 * What greylisting remembers: the client (its network, or its sender organisation's domain), the
 * normalised sender, and the recipient.
 *
 * @param client {@code 192.0.2.0/24}, {@code 2001:db8:1:2::/64} or {@code ptr:example.com}
 * @param sender the normalised sender ({@code <>} for bounces)
 * @param recipient the recipient, lower case
 */
public record Triplet(String client, String sender, String recipient) {

  private static final Pattern BATV = Pattern.compile("(prvs|btv1|msprvs1)=[^=]+=.+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /**
   * The client key: the forward-confirmed PTR's organisational domain (public-suffix list) when
   * {@code confirmedPtr} is given and grouping is on, else the address's network.
   */
  public static String client(InetAddress address, Optional<String> confirmedPtr, GreylistSettings settings) {
    if (settings.groupByPtrDomain() && confirmedPtr.isPresent()) {
      Optional<String> organisation = organisation(confirmedPtr.get());
      if (organisation.isPresent()) {
        return "ptr:" + organisation.get();
      }
    }
    byte[] bytes = address.getAddress();
    return Cidr.of(address, bytes.length == 4 ? settings.ipv4Prefix() : settings.ipv6Prefix()).toString();
  }

  /** The organisational domain of a host name, as {@link OrganizationalDomain} finds it. */
  static Optional<String> organisation(String hostname) {
    return OrganizationalDomain.of(hostname);
  }

  /**
   * The sender with per-message parts removed, so that retries of one message match: lower case,
   * {@code +extension} dropped, BATV ({@code prvs=TAG=user}) unwrapped, and digit runs in the local
   * part (VERP numbers: {@code bounce-12345-678@}) replaced with {@code #}.
   */
  public static String sender(Optional<EmailAddress> sender) {
    if (sender.isEmpty()) {
      return "<>";
    }
    String local = sender.get().localPart().toLowerCase(Locale.ROOT);
    String domain = sender.get().domain().toLowerCase(Locale.ROOT);
    if (BATV.matcher(local).matches()) {
      local = local.substring(local.indexOf('=', local.indexOf('=') + 1) + 1);
    }
    int plus = local.indexOf('+');
    if (plus > 0) {
      local = local.substring(0, plus);
    }
    local = DIGITS.matcher(local).replaceAll("#");
    return local + "@" + domain;
  }

  public static String recipient(EmailAddress recipient) {
    return recipient.localPart().toLowerCase(Locale.ROOT) + "@" + recipient.domain().toLowerCase(Locale.ROOT);
  }
}
