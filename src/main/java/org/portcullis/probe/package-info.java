/**
 * The retry probe of "test your server" (seed 001: "make sure your server retries"): an address
 * handed out for 24 hours whose mail is greylisted once, every attempt recorded (time, address,
 * HELO), the retry accepted and discarded, never delivered. A retry from the same address passes,
 * from another warns (a rotating pool, seed 004), none within 2 hours fails (RFC 5321 4.5.4.1).
 */
package org.portcullis.probe;
