/**
 * Immutable values shared by every package: addresses and paths, HELO names, networks, reply codes
 * and enhanced statuses, envelopes, unguessable references and text made safe for logs and replies.
 * No dependencies beyond the JDK.
 */
package org.portcullis.mail;
