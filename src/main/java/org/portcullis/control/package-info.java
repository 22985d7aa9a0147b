/**
 * The running server's control socket (a Unix-domain socket private to the service): the queue
 * commands of {@code portcullis queue ...} reach the delivery service through it.
 */
package org.portcullis.control;
