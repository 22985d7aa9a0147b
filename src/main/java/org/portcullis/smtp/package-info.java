/**
 * The SMTP wire: the listener, and per connection a session on a virtual thread that speaks RFC
 * 5321 with its extensions and asks the policy at each phase. It judges syntax, sequence and limits
 * itself; every refusal of policy goes through the policy package.
 */
package org.portcullis.smtp;
