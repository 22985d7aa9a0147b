/**
 * Log output: a console appender that batches events and writes each batch with one system call, so
 * that logging never blocks an SMTP session on the terminal.
 */
package org.portcullis.logging;
