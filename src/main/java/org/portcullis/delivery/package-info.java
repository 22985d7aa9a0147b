/**
 * Outbound delivery from the spool: workers, retries on a growing schedule, Maildir and SMTP
 * transports (by MX, or through a smarthost), connection reuse, source addresses kept clear of
 * blacklists, and bounces. A recipient's outcome is journalled only after it is durable where it
 * went.
 */
package org.portcullis.delivery;
