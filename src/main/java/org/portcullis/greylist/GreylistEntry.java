package org.portcullis.greylist;

import java.time.Instant;
import java.util.Optional;

/**
 * A triplet's history.
 *
 * @param firstSeen the first attempt of the current round (reset when the window is missed)
 * @param lastSeen the latest attempt
 * @param passed when it passed (empty while it is still being deferred)
 * @param attempts attempts seen in this round
 */
public record GreylistEntry(Instant firstSeen, Instant lastSeen, Optional<Instant> passed, int attempts) {}
