/**
 * Correspondents (seed 001: "many servers auto-whitelist" whom they write to): when our users send
 * to another domain, the recipient is remembered for a while, and a reply from that correspondent
 * to the user who wrote skips greylisting and soft DNS list verdicts. Never relay control, deny
 * entries, DMARC or our own blocklist.
 */
package org.portcullis.correspondents;
