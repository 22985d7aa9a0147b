package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.probe.RetryProbe;
import org.portcullis.probe.RetryProbeStore;
import org.portcullis.store.StoreException;

/** {@link RetryProbeStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteRetryProbeStore implements RetryProbeStore, AutoCloseable {

  private final Connection connection;

  SqliteRetryProbeStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void create(String token, Instant created, Instant expires) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO retry_probe (token, created_at, expires_at) "
        + "VALUES (?, ?, ?)")) {
      p.setString(1, token);
      p.setLong(2, created.toEpochMilli());
      p.setLong(3, expires.toEpochMilli());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot create a retry probe: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<RetryProbe> find(String token) {
    try (PreparedStatement probe = connection.prepareStatement("SELECT created_at, expires_at FROM retry_probe WHERE "
        + "token = ?");
        PreparedStatement attempts = connection.prepareStatement("SELECT at, client, helo, outcome, excerpt FROM "
            + "retry_probe_attempt WHERE token = ? ORDER BY at, rowid")) {
      probe.setString(1, token);
      Instant created;
      Instant expires;
      try (ResultSet rs = probe.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        created = Instant.ofEpochMilli(rs.getLong(1));
        expires = Instant.ofEpochMilli(rs.getLong(2));
      }
      attempts.setString(1, token);
      List<RetryProbe.Attempt> out = new ArrayList<>();
      try (ResultSet rs = attempts.executeQuery()) {
        while (rs.next()) {
          out.add(new RetryProbe.Attempt(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
              RetryProbe.Outcome.valueOf(rs.getString(4)), rs.getString(5)));
        }
      }
      return Optional.of(new RetryProbe(token, created, expires, out));
    } catch (SQLException e) {
      throw new StoreException("cannot read a retry probe: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void attempt(String token, RetryProbe.Attempt attempt) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO retry_probe_attempt (token, at, client, helo, "
        + "outcome, excerpt) VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, token);
      p.setLong(2, attempt.at().toEpochMilli());
      p.setString(3, attempt.client());
      p.setString(4, attempt.helo());
      p.setString(5, attempt.outcome().name());
      p.setString(6, attempt.excerpt());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record a retry probe's attempt: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(Instant now) {
    try (PreparedStatement attempts = connection.prepareStatement("DELETE FROM retry_probe_attempt WHERE token IN "
        + "(SELECT token FROM retry_probe WHERE expires_at < ?)");
        PreparedStatement probes = connection.prepareStatement("DELETE FROM retry_probe WHERE expires_at < ?")) {
      attempts.setLong(1, now.toEpochMilli());
      attempts.executeUpdate();
      probes.setLong(1, now.toEpochMilli());
      return probes.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune the retry probes: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
