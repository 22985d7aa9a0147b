/**
 * Users of the submission listener: accounts, the addresses each owns, and the authenticator the
 * SMTP session asks about logins (behind the login throttle) and sender ownership.
 */
package org.portcullis.submission;
