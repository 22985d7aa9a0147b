package org.portcullis.mailbox;

import java.time.Instant;

/**
 * A mailbox that exists here ({@code portcullis mailbox add}): mail for it is accepted at RCPT.
 *
 * @param address lower case {@code user@domain}
 * @param note why it was made
 */
public record Mailbox(String address, Instant created, String note) {}
