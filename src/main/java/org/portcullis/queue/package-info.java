/**
 * The durable spool: segments of checksummed records appended by one writer thread with group
 * commit, so that a 250 after DATA means the message is on disk (fdatasync). A torn record ends its
 * segment's readable part; it was never acknowledged.
 */
package org.portcullis.queue;
