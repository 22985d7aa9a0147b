/**
 * The store on SQLite in WAL mode in the data directory, migrated by Flyway at start, with writes
 * batched by one thread so that SMTP sessions never wait for the disk.
 */
package org.portcullis.store.sqlite;
