package org.portcullis.lists;

import java.time.Instant;
import java.util.Optional;

/**
 * A sender's request to be whitelisted: who they are, where they send from, whom they
 * were writing to and why. It waits for an operator, who approves it (an allow entry is made) or
 * declines it with a message.
 *
 * @param entryId the allow entry made on approval
 * @param reference the refusal the request came from (its {@code /ref} page's form), or empty
 * @param token the key of the request's status page (unguessable), empty for requests made before it existed
 */
public record WhitelistRequest(long id, String email, String clientIp, String recipient, String reason, Status status,
    Instant created, Optional<Instant> decided, Optional<String> message, Optional<Long> entryId, String reference,
    String token) {

  public enum Status {
    PENDING, APPROVED, DECLINED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The request as JSON-ready values (API, CLI {@code --json}). */
  public java.util.Map<String, Object> toMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("id", id);
    m.put("email", email);
    m.put("ip", clientIp);
    m.put("recipient", recipient);
    m.put("reason", reason);
    m.put("status", status.label());
    m.put("created", created.toString());
    m.put("decided", decided.map(Instant::toString).orElse(null));
    m.put("message", message.orElse(null));
    m.put("entry", entryId.orElse(null));
    m.put("reference", reference.isEmpty() ? null : reference);
    return m;
  }
}
