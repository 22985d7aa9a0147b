package org.portcullis.notices;

import java.time.Instant;
import java.util.Optional;

/**
 * A message to a stranger who asked us for something (a whitelist request, a delisting request,
 * a false-positive report): the answer, waiting in the store's outbox until the running server
 * puts it in its outbound queue.
 *
 * @param id the outbox's id
 * @param created when it was written
 * @param recipient the requester's address
 * @param subject the Subject line (one line, our own text)
 * @param body the plain-text body, lines separated by {@code \n}
 * @param sent when it went into the outbound queue, empty while it waits
 */
public record Notice(long id, Instant created, String recipient, String subject, String body, Optional<Instant> sent) {}
