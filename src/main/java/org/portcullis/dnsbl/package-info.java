/**
 * Consulting DNS blocklists and allowlists (RFC 5782): every zone asked at once when a client
 * connects, return codes matched and labelled, scores summed, and zones whose test points fail
 * suspended. A zone that did not answer is unknown, never unlisted.
 */
package org.portcullis.dnsbl;
