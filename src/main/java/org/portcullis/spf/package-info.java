/**
 * SPF (RFC 7208): the evaluation of the MAIL FROM and HELO identities, with Apache jSPF parsing
 * records and evaluating terms and our own resolver answering every query under RFC 7208's lookup
 * limits. An answer that does not come is temperror; nothing unknown is ever a pass.
 */
package org.portcullis.spf;
