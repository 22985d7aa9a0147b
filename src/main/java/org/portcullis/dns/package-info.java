/**
 * DNS lookups for the checks and delivery: a resolver whose answers carry status and TTL (NXDOMAIN,
 * NODATA, SERVFAIL and TIMEOUT are distinct), a TTL-honouring cache, and reverse DNS with forward
 * confirmation.
 */
package org.portcullis.dns;
