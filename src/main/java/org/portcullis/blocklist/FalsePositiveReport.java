package org.portcullis.blocklist;

import java.time.Instant;

/**
 * A listed party's "this is a mistake" report (seed 000 "report the case"), kept for operator
 * review.
 *
 * @param id the store's id
 * @param at when it was filed
 * @param address the listed address it is about
 * @param contact how to reach the reporter (an email address)
 * @param message what the reporter says
 * @param status {@code open}, {@code accepted} or {@code declined}
 * @param answer the operator's answer, or empty
 */
public record FalsePositiveReport(long id, Instant at, String address, String contact, String message, String status,
    String answer) {}
