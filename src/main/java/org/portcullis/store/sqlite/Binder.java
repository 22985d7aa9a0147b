package org.portcullis.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Sets a prepared statement's parameters, for queries whose WHERE clause varies. */
interface Binder {
  void bind(PreparedStatement p) throws SQLException;
}
