package org.portcullis.policy.checks;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.MessageHeaders;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code spam-trap}: mail to a spam-trap address (an address that never asked for mail) comes
 * from a spam source. The refusal is the evidence: when enforced, the blocklist lists the client
 * from the refusal record (see {@code AutoListing}), so observe mode lists nobody.
 *
 * <p>Phases RCPT and END_OF_DATA. With {@code refuse-at = "data"} (the default) the trap's RCPT
 * is accepted and the message is refused after DATA, so the evidence includes a header excerpt
 * (Received, From, Subject, Message-ID); with {@code "rcpt"} it is refused at once. Either way
 * {@code 550 5.7.1}. LAN and authenticated clients are not judged.
 */
public final class SpamTrapCheck extends CatalogCheck {

  public static final String NAME = "spam-trap";
  private final Set<EmailAddress> traps;
  private final boolean atData;
  private final String zone;
  private final String publicUrl;

  /** @param publicUrl where strangers reach the portal ({@code web.public-url}); empty: links are paths */
  public SpamTrapCheck(Set<EmailAddress> traps, boolean atData, String zone, String publicUrl) {
    super(NAME, Judges.STRANGERS, Phase.RCPT, Phase.END_OF_DATA);
    this.traps = Set.copyOf(traps);
    this.atData = atData;
    this.zone = zone;
    this.publicUrl = publicUrl;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (traps.isEmpty()) {
      return Verdict.CONTINUE;
    }
    if (context.phase() == Phase.RCPT) {
      Optional<Recipient> recipient = context.recipient();
      if (atData || recipient.isEmpty() || !isTrap(recipient.get())) {
        return Verdict.CONTINUE;
      }
      return refuse(context, List.of(recipient.get()), Optional.empty());
    }
    List<Recipient> hit = context.session().acceptedRecipients().stream().filter(this::isTrap).toList();
    if (hit.isEmpty()) {
      return Verdict.CONTINUE;
    }
    return refuse(context, hit, context.session().headers());
  }

  private boolean isTrap(Recipient r) {
    return traps.stream().anyMatch(t -> t.sameMailboxIgnoringCase(r.address()));
  }

  private Verdict refuse(CheckContext context, List<Recipient> hit, Optional<MessageHeaders> headers) {
    String ip = context.session().client().addressText();
    Explanation.Builder facts = Observed.client(context)
        .fact("HELO", context.session().helo().map(Object::toString).orElse(""))
        .fact("MAIL FROM", context.session().sender().map(Object::toString).orElse(""))
        .fact("spam-trap recipients", hit.stream().map(r -> "<" + r.address() + ">")
            .collect(Collectors.joining(", ")));
    headers.ifPresent(h -> facts.fact("header excerpt", HeaderExcerpt.of(h)));
    facts.link("The listing of " + ip + " on " + zone + " and self-service delisting", publicUrl + "/lookup/" + ip);
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.1"),
        "Service unavailable; client [" + ip + "] blocked using " + zone + " (spam-trap)",
        facts.rule("The message was addressed to a spam trap: an address that never asked for mail and is "
                + "published only where harvesters find it. Its sender is listed on this server's blocklist.",
            "Mail to addresses nobody subscribed comes from harvested or bought lists, or from an infected "
                + "machine. Stop that mail, clean the machine, and remove such addresses from your lists; then "
                + "delist yourself through the lookup page. New trap hits list the address again."))
        .withFinding("mail to a spam trap from client [" + ip + "]");
  }
}
