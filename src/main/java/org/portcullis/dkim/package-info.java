/**
 * DKIM (RFC 6376, RFC 8301): verification of the signatures a message carries, with Apache jDKIM
 * for records, canonicalization and RSA, and our own resolver for the key records. Each signature
 * gets a result of its own; nothing unknown (a key that did not come, a broken tag) is ever a pass.
 */
package org.portcullis.dkim;
