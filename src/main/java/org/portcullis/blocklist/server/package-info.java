/**
 * The DNSBL server: UDP (batched with recvmmsg and sendmmsg) and TCP, answers written in place from
 * the listing index, and AXFR for mirrors. Every packet is bounded; malformed questions get FORMERR
 * or nothing.
 */
package org.portcullis.blocklist.server;
