package org.portcullis.store.sqlite;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.delivery.SourcePool;
import org.portcullis.delivery.SuspensionStore;
import org.portcullis.mail.Addresses;
import org.portcullis.store.StoreException;

/** {@link SuspensionStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteSourceStore implements SuspensionStore, AutoCloseable {

  private final Connection connection;

  SqliteSourceStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized List<SourcePool.Suspension> load() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT address, destination, health_check, reason, since, until FROM source_suspension ORDER BY since");
        ResultSet rs = p.executeQuery()) {
      List<SourcePool.Suspension> out = new ArrayList<>();
      while (rs.next()) {
        Optional<InetAddress> address = Addresses.parseLiteral(rs.getString(1));
        if (address.isEmpty()) {
          continue;
        }
        long untilMillis = rs.getLong(6);
        Optional<Instant> until = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(untilMillis));
        out.add(new SourcePool.Suspension(address.get(), rs.getString(2).isEmpty() ? Optional.empty()
            : Optional.of(rs.getString(2)), rs.getString(4), rs.getInt(3) == 1, Instant.ofEpochMilli(rs.getLong(5)),
            until));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read source suspensions: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void save(SourcePool.Suspension s) {
    try (PreparedStatement p = connection.prepareStatement("INSERT OR REPLACE INTO source_suspension "
        + "(address, destination, health_check, reason, since, until) VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, Addresses.toText(s.address()));
      p.setString(2, s.destination().orElse(""));
      p.setInt(3, s.fromHealthCheck() ? 1 : 0);
      p.setString(4, s.reason());
      p.setLong(5, s.since().toEpochMilli());
      if (s.until().isPresent()) {
        p.setLong(6, s.until().get().toEpochMilli());
      } else {
        p.setNull(6, Types.INTEGER);
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot save a source suspension: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void remove(InetAddress address, Optional<String> destination, boolean fromHealthCheck) {
    try (PreparedStatement p = connection.prepareStatement(
        "DELETE FROM source_suspension WHERE address = ? AND destination = ? AND health_check = ?")) {
      p.setString(1, Addresses.toText(address));
      p.setString(2, destination.orElse(""));
      p.setInt(3, fromHealthCheck ? 1 : 0);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot remove a source suspension: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing at shutdown
    }
  }
}
