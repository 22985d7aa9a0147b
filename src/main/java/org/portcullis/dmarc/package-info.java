/**
 * DMARC (RFC 7489), written here because no maintained Java library exists: the policy record of
 * the author's domain or its organisational domain, identifier alignment of the SPF and DKIM
 * results, {@code pct} sampling, and the disposition after local overrides. Nothing unknown (a
 * record that did not come) is ever a pass.
 */
package org.portcullis.dmarc;
