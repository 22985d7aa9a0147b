/**
 * The Postfix policy delegation service (SMTPD_POLICY_README): Postfix asks over TCP, attribute by
 * attribute, and this package replays each request on the same policy engine the gateway's own
 * listeners use, answering DUNNO, OK, DEFER_IF_PERMIT, REJECT or PREPEND. Requests and lines are
 * bounded; garbage closes the connection.
 */
package org.portcullis.policyd;
