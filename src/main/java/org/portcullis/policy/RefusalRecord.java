package org.portcullis.policy;

import java.time.Instant;

/**
 * What {@code portcullis why <ref>} shows: one refusal (or tag, or observe-mode finding) with the
 * facts behind it. Never holds a message body.
 *
 * @param reference the reference given to the client
 * @param time when it happened
 * @param server our host name
 * @param check the check that decided
 * @param phase the SMTP phase
 * @param outcome what happened: reject, tempfail, disconnect, tag, or observe (logged only)
 * @param replyCode the SMTP reply code sent (0 for tag and observe)
 * @param status the enhanced status code
 * @param replyText the reply text sent (or that would have been sent)
 * @param clientAddress the client IP
 * @param clientName the client's verified PTR name, or "unknown"
 * @param helo the HELO argument, or empty
 * @param sender the envelope sender, or empty
 * @param recipient the recipient being refused, or empty
 * @param explanation facts, rule and fix
 */
public record RefusalRecord(String reference, Instant time, String server, String check, Phase phase,
    String outcome, int replyCode, String status, String replyText, String clientAddress,
    String clientName, String helo, String sender, String recipient, Explanation explanation) {}
