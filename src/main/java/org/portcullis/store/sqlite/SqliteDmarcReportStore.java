package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.dmarc.AggregateReport;
import org.portcullis.dmarc.DmarcReportStore;
import org.portcullis.store.StoreException;

/** {@link DmarcReportStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteDmarcReportStore implements DmarcReportStore, AutoCloseable {

  private final Connection connection;

  SqliteDmarcReportStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized boolean add(AggregateReport report, Instant receivedAt) {
    try {
      return WriteTransaction.run(connection, () -> {
        long id;
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO dmarc_report (organisation, report_id, "
            + "domain, period_begin, period_end, received) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
            + "RETURNING id")) {
          p.setString(1, report.organisation());
          p.setString(2, report.reportId());
          p.setString(3, report.domain());
          p.setLong(4, report.begin().getEpochSecond());
          p.setLong(5, report.end().getEpochSecond());
          p.setLong(6, receivedAt.getEpochSecond());
          try (ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
              return false;
            }
            id = rs.getLong(1);
          }
        }
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO dmarc_report_row (report, source, count, "
            + "disposition, dkim, spf, header_from) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          for (AggregateReport.Row row : report.rows()) {
            p.setLong(1, id);
            p.setString(2, row.source());
            p.setLong(3, row.count());
            p.setString(4, row.disposition());
            p.setString(5, row.dkim());
            p.setString(6, row.spf());
            p.setString(7, row.headerFrom());
            p.addBatch();
          }
          p.executeBatch();
        }
        return true;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot store the DMARC report " + report.reportId() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<StoredRow> rows(String domain, Instant since) {
    try (PreparedStatement p = connection.prepareStatement("SELECT r.organisation, r.period_begin, w.source, w.count, "
        + "w.disposition, w.dkim, w.spf, w.header_from FROM dmarc_report r JOIN dmarc_report_row w ON w.report = r.id "
        + "WHERE r.domain = ? AND r.period_begin >= ? ORDER BY r.period_begin DESC, w.count DESC")) {
      p.setString(1, domain);
      p.setLong(2, since.getEpochSecond());
      List<StoredRow> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredRow(rs.getString(1), LocalDate.ofInstant(Instant.ofEpochSecond(rs.getLong(2)), ZoneOffset.UTC),
              new AggregateReport.Row(rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getString(7),
                  rs.getString(8))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the DMARC reports: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the DMARC reports: " + e.getMessage(), e);
    }
  }
}
