package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One write transaction on an autocommit SQLite connection: {@code BEGIN IMMEDIATE} takes the
 * database's write lock first, so a read-modify-write by one process (the CLI) and one by another
 * (the server) never interleave. Issued as statements: the driver's own {@code setAutoCommit(false)}
 * would start a deferred transaction, and keep one open after each commit.
 */
final class WriteTransaction {

  /** The work done inside the transaction. */
  interface Work<T> {
    T run() throws SQLException;
  }

  private WriteTransaction() {}

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  static <T> T run(Connection connection, Work<T> work) throws SQLException {
    execute(connection, "BEGIN IMMEDIATE");
    try {
      T result = work.run();
      execute(connection, "COMMIT");
      return result;
    } catch (RuntimeException | SQLException e) {
      execute(connection, "ROLLBACK");
      throw e;
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }
}
