/**
 * Authentication-Results (RFC 8601): the one header field that records what was authenticated
 * about a message (iprev, SMTP AUTH, SPF, DKIM, DMARC) under our authserv-id, and the rule that a
 * field claiming our authserv-id which arrived with the message is removed before ours is added.
 */
package org.portcullis.auth;
