/**
 * Our own blocklist: listings with evidence, the rules that list, expire and delist them,
 * false-positive and delisting reports, and the in-memory index the check and the DNS server read
 * without locks. The store behind it is an interface.
 */
package org.portcullis.blocklist;
