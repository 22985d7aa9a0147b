/**
 * Address verification: does a recipient of ours exist on the server behind us, or in the
 * directory (LDAP, Active Directory); does a sender's domain accept mail for the sender (a callout,
 * {@code MAIL FROM:<>} and {@code RCPT}, never DATA, RFC 5321 4.5.5). Every answer is one of
 * exists, missing or unknown, and unknown (a 4xx, a timeout, an outage) is never a pass: the checks
 * answer it with a 450. Answers are cached, positive and negative ones apart, as Postfix's
 * {@code verify(8)} does.
 */
package org.portcullis.verify;
