/**
 * The policy SPI and its runner: checks, verdicts, the chain that runs a phase's checks in order
 * with timeouts, the session's policy state (delay-reject, defer-if-permit, exceptions) and the one
 * renderer that turns a refusal into a reply with a reference and an explanation. Depends only on
 * values and DNS.
 */
package org.portcullis.policy;
