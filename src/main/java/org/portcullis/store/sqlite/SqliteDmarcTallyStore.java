package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dmarc.DmarcTallyStore;
import org.portcullis.store.StoreException;

/** {@link DmarcTallyStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteDmarcTallyStore implements DmarcTallyStore, AutoCloseable {

  private final Connection connection;

  SqliteDmarcTallyStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void add(Map<DmarcTally.Row, Long> counts) {
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO dmarc_tally (day, header_from, "
            + "policy_domain, source, disposition, dkim, spf, override, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (day, header_from, policy_domain, source, disposition, dkim, spf, override) "
            + "DO UPDATE SET count = count + excluded.count")) {
          for (Map.Entry<DmarcTally.Row, Long> e : counts.entrySet()) {
            DmarcTally.Row r = e.getKey();
            p.setString(1, r.day().toString());
            p.setString(2, r.headerFrom());
            p.setString(3, r.policyDomain());
            p.setString(4, r.source());
            p.setString(5, r.disposition());
            p.setString(6, r.dkim());
            p.setString(7, r.spf());
            p.setString(8, r.override());
            p.setLong(9, e.getValue());
            p.addBatch();
          }
          return p.executeBatch();
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot add to the DMARC tally: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Map.Entry<DmarcTally.Row, Long>> day(LocalDate day, String headerFrom) {
    try (PreparedStatement p = connection.prepareStatement("SELECT policy_domain, source, disposition, dkim, spf, "
        + "override, count FROM dmarc_tally WHERE day = ? AND header_from = ? ORDER BY source, disposition")) {
      p.setString(1, day.toString());
      p.setString(2, headerFrom);
      List<Map.Entry<DmarcTally.Row, Long>> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new AbstractMap.SimpleImmutableEntry<>(new DmarcTally.Row(day, headerFrom, rs.getString(1),
              rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), rs.getLong(7)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the DMARC tally: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(LocalDate day) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM dmarc_tally WHERE day < ?")) {
      p.setString(1, day.toString());
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune the DMARC tally: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the DMARC tally: " + e.getMessage(), e);
    }
  }
}
