package org.portcullis.history;

import java.time.Instant;

/**
 * One transaction as the admin pages list it: a message accepted, or a recipient (or session)
 * refused, deferred or greylisted.
 *
 * @param verdict accepted, refused, deferred or greylisted
 * @param reference the queue id of an accepted message, the reference of a refusal
 * @param detail the reply text of a refusal, the size of an accepted message
 */
public record Transaction(Instant at, String clientAddress, String clientName, String helo, String sender,
    String recipients, String verdict, String reference, String check, String detail) {}
