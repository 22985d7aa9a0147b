/**
 * RFC 6647 greylisting: triplets grouped by client network or PTR organisation, the rules as a pure
 * function of entry and time, and the service that keeps triplets in memory and writes them behind
 * to its store. A store failure is never a pass.
 */
package org.portcullis.greylist;
