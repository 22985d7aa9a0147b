/**
 * Answers to strangers who asked for something (a whitelist request, a delisting): the notifier
 * that words them with a status-page link, and the outbox the running server sends them from.
 */
package org.portcullis.notices;
