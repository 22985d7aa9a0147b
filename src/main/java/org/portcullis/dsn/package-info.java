/**
 * Delivery status notifications (RFC 3464): the multipart/report a failed or delayed recipient's
 * sender receives, and the NOTIFY rules that decide whether one is sent.
 */
package org.portcullis.dsn;
