package org.portcullis.notices;

import java.time.Clock;
import java.util.Optional;

/**
 * What the services that take requests from strangers use to answer them: the outbox, and the
 * address of each request's status page ({@code <web.public-url>/requests/<token>}). The message
 * itself (From {@code postmaster@}, {@code Auto-Submitted: auto-replied}, the null sender) is made
 * when the server sends it. Thread-safe.
 */
public final class Notifier {

  /** A notifier that writes nothing: for tools that read requests without deciding them. */
  public static final Notifier NONE = new Notifier(Optional.empty(), "", Clock.systemUTC());

  private final Optional<Outbox> outbox;
  private final String publicUrl;
  private final Clock clock;

  /**
   * @param publicUrl where strangers reach the portal ({@code web.public-url}); empty: status
   *     pages are named by their path only
   */
  public Notifier(Outbox outbox, String publicUrl, Clock clock) {
    this(Optional.of(outbox), publicUrl, clock);
  }

  private Notifier(Optional<Outbox> outbox, String publicUrl, Clock clock) {
    this.outbox = outbox;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** The status page of the request with this token. */
  public String statusUrl(String token) {
    return publicUrl + "/requests/" + token;
  }

  /** Queues a message to a requester. */
  public void tell(String recipient, String subject, String body) {
    outbox.ifPresent(o -> o.add(recipient, subject, body, clock.instant()));
  }
}
