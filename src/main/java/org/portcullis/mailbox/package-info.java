/**
 * The mailboxes that exist here, from the configuration, the store and the submission users, as
 * the live set the recipient check asks.
 */
package org.portcullis.mailbox;
