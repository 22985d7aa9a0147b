/**
 * What happened recently, for the admin pages and the API: the transactions the gateway accepted or
 * refused, and the dashboard's counts a minute at a time. Values and store interfaces only; no I/O
 * of its own.
 */
package org.portcullis.history;
