/**
 * Mail held for its recipients instead of delivered: a check whose {@code on-reject} is
 * {@code quarantine} accepts the message (250, after it is fsynced) into {@link
 * org.portcullis.quarantine.Quarantine}, which keeps it under the data directory with its metadata in
 * the store until it is released (queued for delivery exactly once), deleted, or expires.
 */
package org.portcullis.quarantine;
