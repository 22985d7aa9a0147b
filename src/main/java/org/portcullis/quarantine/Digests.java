package org.portcullis.quarantine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each mailbox with newly quarantined mail its digest, on the schedule it chose (daily unless
 * it chose otherwise): the messages held for it since its last digest, at most {@value #ITEMS_MAX},
 * each with a release and a delete link, and a login ticket to its whole quarantine. A digest is
 * marked sent only once it is queued. Run by the gateway every few minutes; not thread-safe (one
 * runner).
 */
public final class Digests {

  private static final Logger log = LoggerFactory.getLogger("portcullis.quarantine");
  static final int ITEMS_MAX = 100;

  /** Queues a digest for delivery. */
  public interface Mailer {
    void send(String from, String to, byte[] message) throws IOException;
  }

  private final QuarantineStore quarantine;
  private final DigestStore digests;
  private final QuarantineLinks links;
  private final Clock clock;
  private final String publicUrl;
  private final String hostname;
  private final Duration linksValid;

  /** @param publicUrl where the links point ({@code web.public-url}), without a final slash */
  public Digests(QuarantineStore quarantine, DigestStore digests, QuarantineLinks links, Clock clock, String publicUrl,
      String hostname, Duration linksValid) {
    this.quarantine = quarantine;
    this.digests = digests;
    this.links = links;
    this.clock = clock;
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.hostname = hostname;
    this.linksValid = linksValid;
  }

  /** Sends the digests that are due; returns how many. */
  public int run(Mailer mailer) {
    Instant now = clock.instant();
    int sent = 0;
    for (String mailbox : quarantine.heldRecipients()) {
      DigestSettings settings = digests.settings(mailbox).orElse(DigestSettings.DEFAULT);
      if (settings.schedule() == DigestSettings.Schedule.NEVER) {
        continue;
      }
      Optional<Instant> last = digests.lastSent(mailbox);
      if (last.isPresent() && now.isBefore(last.get().plus(settings.schedule().period()))) {
        continue;
      }
      List<QuarantineEntry> held = quarantine.heldFor(mailbox, last.orElse(Instant.EPOCH), ITEMS_MAX);
      if (held.isEmpty()) {
        continue;
      }
      List<DigestMessage.Item> items = new ArrayList<>(held.size());
      for (QuarantineEntry e : held) {
        items.add(new DigestMessage.Item(e, url(links.issue(mailbox, e.id(), QuarantineLinks.RELEASE, linksValid)),
            url(links.issue(mailbox, e.id(), QuarantineLinks.RELEASE_ALLOW, linksValid)),
            url(links.issue(mailbox, e.id(), QuarantineLinks.DELETE, linksValid)),
            url(links.issue(mailbox, e.id(), QuarantineLinks.DENY, linksValid))));
      }
      String login = url(links.issue(mailbox, "", QuarantineLinks.LOGIN, linksValid));
      String from = "postmaster@" + mailbox.substring(mailbox.lastIndexOf('@') + 1);
      try {
        mailer.send(from, mailbox, DigestMessage.build(from, mailbox, items, login, settings.html(), now, hostname,
            (int) linksValid.toDays()));
        digests.sent(mailbox, now);
        sent++;
        log.info("quarantine digest to=<{}> messages={}", LogText.value(mailbox), items.size());
      } catch (IOException | RuntimeException e) {
        log.warn("quarantine digest to <{}> not sent; tried again at the next run: {}", LogText.value(mailbox),
            e.getMessage());
      }
    }
    digests.pruneLinks(now);
    return sent;
  }

  private String url(String token) {
    return publicUrl + "/q/" + token;
  }
}
