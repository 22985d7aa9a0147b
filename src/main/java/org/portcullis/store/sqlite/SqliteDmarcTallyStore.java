package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

  private static final String KEY = "day, policy_domain, header_from, source, disposition, dkim, spf, override, "
      + "spf_domain, spf_scope, spf_result, signatures";

  private final Connection connection;

  SqliteDmarcTallyStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void add(Map<DmarcTally.Row, Long> counts) {
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO dmarc_tally (" + KEY + ", count) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (" + KEY + ") "
            + "DO UPDATE SET count = count + excluded.count")) {
          for (Map.Entry<DmarcTally.Row, Long> e : counts.entrySet()) {
            DmarcTally.Row r = e.getKey();
            p.setString(1, r.day().toString());
            p.setString(2, r.policyDomain());
            p.setString(3, r.headerFrom());
            p.setString(4, r.source());
            p.setString(5, r.disposition());
            p.setString(6, r.dkim());
            p.setString(7, r.spf());
            p.setString(8, r.override());
            p.setString(9, r.evidence().spfDomain());
            p.setString(10, r.evidence().spfScope());
            p.setString(11, r.evidence().spfResult());
            p.setString(12, r.evidence().signaturesText());
            p.setLong(13, e.getValue());
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
  public synchronized List<String> policyDomains(LocalDate day) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT DISTINCT policy_domain FROM dmarc_tally WHERE day = ? ORDER BY policy_domain")) {
      p.setString(1, day.toString());
      List<String> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the DMARC tally: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Map.Entry<DmarcTally.Row, Long>> rows(LocalDate day, String policyDomain) {
    try (PreparedStatement p = connection.prepareStatement("SELECT header_from, source, disposition, dkim, spf, "
        + "override, spf_domain, spf_scope, spf_result, signatures, count FROM dmarc_tally "
        + "WHERE day = ? AND policy_domain = ? ORDER BY source, header_from, disposition")) {
      p.setString(1, day.toString());
      p.setString(2, policyDomain);
      List<Map.Entry<DmarcTally.Row, Long>> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          DmarcTally.Evidence evidence = new DmarcTally.Evidence(rs.getString(7), rs.getString(8), rs.getString(9),
              DmarcTally.Evidence.signatures(rs.getString(10)));
          out.add(new AbstractMap.SimpleImmutableEntry<>(new DmarcTally.Row(day, rs.getString(1), policyDomain,
              rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), evidence),
              rs.getLong(11)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the DMARC tally: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean reported(LocalDate day, String policyDomain) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT 1 FROM dmarc_report_sent WHERE day = ? AND policy_domain = ?")) {
      p.setString(1, day.toString());
      p.setString(2, policyDomain);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the sent DMARC reports: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void markReported(LocalDate day, String policyDomain, String reportId, String destinations,
      Instant at) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO dmarc_report_sent (day, policy_domain, "
        + "report_id, destinations, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain) DO NOTHING")) {
      p.setString(1, day.toString());
      p.setString(2, policyDomain);
      p.setString(3, reportId);
      p.setString(4, destinations);
      p.setLong(5, at.getEpochSecond());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record a sent DMARC report: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(LocalDate day) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement rows = connection.prepareStatement("DELETE FROM dmarc_tally WHERE day < ?");
            PreparedStatement sent = connection.prepareStatement("DELETE FROM dmarc_report_sent WHERE day < ?")) {
          rows.setString(1, day.toString());
          sent.setString(1, day.toString());
          sent.executeUpdate();
          return rows.executeUpdate();
        }
      });
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
