package org.portcullis.store.sqlite;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.blocklist.BlocklistStore;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.FalsePositiveReport;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingState;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.store.StoreException;

/**
 * {@link BlocklistStore} on SQLite. Writes take the database's write lock first
 * ({@code BEGIN IMMEDIATE}), so a read-modify-write by the CLI and one by the server never
 * interleave. One writing and one reading connection, each used by one thread at a time.
 */
final class SqliteBlocklistStore implements BlocklistStore, AutoCloseable {

  private static final HexFormat HEX = HexFormat.of();
  private static final String COLUMNS = "id, network, category, state, first_listed, last_evidence, expires_at, "
      + "self_delistings";

  private final Connection writer;
  private final Connection reader;

  SqliteBlocklistStore(Connection writer, Connection reader) {
    this.writer = writer;
    this.reader = reader;
  }

  @Override
  public Optional<Listing> update(Cidr network, Function<Optional<Listing>, Update> change) {
    synchronized (writer) {
      try {
        return WriteTransaction.run(writer, () -> {
          Optional<Listing> existing = findOn(writer, network);
          Update update = change.apply(existing);
          Optional<Listing> after = switch (update) {
            case Update.Keep keep -> existing;
            case Update.Delete delete -> {
              delete(existing.orElseThrow());
              yield Optional.empty();
            }
            case Update.Save save -> Optional.of(save(save));
          };
          return after.isEmpty() ? after : findOn(writer, network);
        });
      } catch (SQLException e) {
        throw new StoreException("cannot change the listing of " + network + ": " + e.getMessage(), e);
      }
    }
  }

  private long nextSequence() throws SQLException {
    return reserveSequences(1);
  }

  /**
   * Reserves {@code count} change numbers and returns the first. Every changed row gets its own
   * number, so a reader that pages through changes never splits a group.
   */
  private long reserveSequences(int count) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.executeUpdate("UPDATE blocklist_change SET seq = seq + " + count);
      try (ResultSet rs = s.executeQuery("SELECT seq FROM blocklist_change")) {
        rs.next();
        return rs.getLong(1) - count + 1;
      }
    }
  }

  private Listing save(Update.Save save) throws SQLException {
    Listing l = save.listing();
    long seq = nextSequence();
    long id = l.id();
    if (id == 0) {
      try (PreparedStatement insert = writer.prepareStatement("INSERT INTO listing (network, family, is_network, "
          + "range_start, range_end, category, state, first_listed, last_evidence, expires_at, self_delistings, "
          + "change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        bindNetwork(insert, l.network());
        bindState(insert, 6, l, seq);
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
    } else {
      try (PreparedStatement update = writer.prepareStatement("UPDATE listing SET category = ?, state = ?, "
          + "first_listed = ?, last_evidence = ?, expires_at = ?, self_delistings = ?, change_seq = ? WHERE id = ?")) {
        bindState(update, 1, l, seq);
        update.setLong(8, id);
        update.executeUpdate();
      }
    }
    if (save.evidence().isPresent()) {
      insertEvidence(writer, id, save.evidence().get());
    }
    if (save.note().isPresent()) {
      Listing.Note note = save.note().get();
      try (PreparedStatement insert = writer.prepareStatement(
          "INSERT INTO listing_note (listing_id, at, author, text) VALUES (?, ?, ?, ?)")) {
        insert.setLong(1, id);
        insert.setLong(2, note.at().toEpochMilli());
        insert.setString(3, note.author());
        insert.setString(4, note.text());
        insert.executeUpdate();
      }
    }
    return l;
  }

  private static void bindNetwork(PreparedStatement p, Cidr network) throws SQLException {
    p.setString(1, network.toString());
    p.setInt(2, network.isIpv6() ? 6 : 4);
    p.setInt(3, network.isHost() ? 0 : 1);
    p.setString(4, HEX.formatHex(network.firstAddress()));
    p.setString(5, HEX.formatHex(network.lastAddress()));
  }

  private static void bindState(PreparedStatement p, int first, Listing l, long seq) throws SQLException {
    p.setString(first, l.category().label());
    p.setString(first + 1, l.state().label());
    p.setLong(first + 2, l.firstListed().toEpochMilli());
    p.setLong(first + 3, l.lastEvidence().toEpochMilli());
    if (l.expires().isPresent()) {
      p.setLong(first + 4, l.expires().get().toEpochMilli());
    } else {
      p.setNull(first + 4, Types.INTEGER);
    }
    p.setInt(first + 5, l.selfDelistings());
    p.setLong(first + 6, seq);
  }

  private static void insertEvidence(Connection c, long listingId, Evidence e) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO listing_evidence (listing_id, at, source, "
        + "client_address, helo, sender, recipients, headers, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bindEvidence(insert, listingId, e);
      insert.executeUpdate();
    }
  }

  private static void bindEvidence(PreparedStatement insert, long listingId, Evidence e) throws SQLException {
    insert.setLong(1, listingId);
    insert.setLong(2, e.at().toEpochMilli());
    insert.setString(3, e.source());
    insert.setString(4, e.clientAddress());
    insert.setString(5, e.helo());
    insert.setString(6, e.sender());
    insert.setString(7, e.recipients());
    insert.setString(8, e.headers());
    insert.setString(9, e.note());
  }

  private void delete(Listing l) throws SQLException {
    long seq = nextSequence();
    for (String sql : List.of("DELETE FROM listing_evidence WHERE listing_id = ?",
        "DELETE FROM listing_note WHERE listing_id = ?", "DELETE FROM listing WHERE id = ?")) {
      try (PreparedStatement p = writer.prepareStatement(sql)) {
        p.setLong(1, l.id());
        p.executeUpdate();
      }
    }
    try (PreparedStatement p = writer.prepareStatement("INSERT INTO listing_removed (network, change_seq) VALUES (?, ?)")) {
      p.setString(1, l.network().toString());
      p.setLong(2, seq);
      p.executeUpdate();
    }
  }

  @Override
  public Optional<Listing> find(Cidr network) {
    synchronized (reader) {
      try {
        return findOn(reader, network);
      } catch (SQLException e) {
        throw new StoreException("cannot read the listing of " + network + ": " + e.getMessage(), e);
      }
    }
  }

  private static Optional<Listing> findOn(Connection c, Cidr network) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM listing WHERE network = ?")) {
      p.setString(1, network.toString());
      List<Listing> found = listings(c, p, true);
      return found.stream().findFirst();
    }
  }

  @Override
  public List<Listing> covering(InetAddress address) {
    InetAddress a = Addresses.unmap(address);
    boolean v6 = a.getAddress().length == 16;
    String hex = HEX.formatHex(a.getAddress());
    synchronized (reader) {
      try (PreparedStatement p = reader.prepareStatement("SELECT " + COLUMNS + " FROM listing WHERE network = ? "
          + "UNION ALL SELECT " + COLUMNS + " FROM listing WHERE is_network = 1 AND family = ? AND range_start <= ? "
          + "AND range_end >= ?")) {
        p.setString(1, Cidr.of(a).toString());
        p.setInt(2, v6 ? 6 : 4);
        p.setString(3, hex);
        p.setString(4, hex);
        List<Listing> found = new ArrayList<>(listings(reader, p, true));
        found.sort((x, y) -> Integer.compare(y.network().prefixLength(), x.network().prefixLength()));
        return found;
      } catch (SQLException e) {
        throw new StoreException("cannot read the listings of " + Addresses.toText(a) + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public List<Listing> list(Optional<ListingState> state, int limit, int offset) {
    synchronized (reader) {
      try (PreparedStatement p = reader.prepareStatement("SELECT " + COLUMNS + " FROM listing"
          + (state.isPresent() ? " WHERE state = ?" : "") + " ORDER BY last_evidence DESC, id DESC LIMIT ? OFFSET ?")) {
        int i = 1;
        if (state.isPresent()) {
          p.setString(i++, state.get().label());
        }
        p.setInt(i++, limit);
        p.setInt(i, offset);
        return listings(reader, p, false);
      } catch (SQLException e) {
        throw new StoreException("cannot list listings: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Map<ListingState, Long> counts() {
    synchronized (reader) {
      Map<ListingState, Long> out = new EnumMap<>(ListingState.class);
      for (ListingState s : ListingState.values()) {
        out.put(s, 0L);
      }
      try (Statement s = reader.createStatement();
          ResultSet rs = s.executeQuery("SELECT state, count(*) FROM listing GROUP BY state")) {
        while (rs.next()) {
          out.put(ListingState.fromLabel(rs.getString(1)), rs.getLong(2));
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("cannot count listings: " + e.getMessage(), e);
      }
    }
  }

  private static List<Listing> listings(Connection c, PreparedStatement p, boolean withDetails) throws SQLException {
    List<Listing> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        long expires = rs.getLong(7);
        Optional<Instant> expiresAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
        out.add(new Listing(id, Cidr.parse(rs.getString(2)), Category.fromLabel(rs.getString(3)).orElseThrow(),
            ListingState.fromLabel(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)),
            Instant.ofEpochMilli(rs.getLong(6)), expiresAt, rs.getInt(8),
            withDetails ? evidence(c, id) : List.of(), withDetails ? notes(c, id) : List.of()));
      }
    }
    return out;
  }

  /** The most recent evidence first 200, returned oldest first. */
  private static List<Evidence> evidence(Connection c, long id) throws SQLException {
    List<Evidence> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT at, source, client_address, helo, sender, recipients, "
        + "headers, note FROM listing_evidence WHERE listing_id = ? ORDER BY at DESC, id DESC LIMIT 200")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.addFirst(new Evidence(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
        }
      }
    }
    return out;
  }

  private static List<Listing.Note> notes(Connection c, long id) throws SQLException {
    List<Listing.Note> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT at, author, text FROM listing_note WHERE listing_id = ? ORDER BY at, id")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new Listing.Note(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  @Override
  public int listAll(List<Cidr> networks, Category category, Evidence evidence, Instant expires) {
    synchronized (writer) {
      try {
        return WriteTransaction.run(writer, () -> {
          long seq = reserveSequences(Math.max(1, networks.size()));
          int written = 0;
          try (PreparedStatement upsert = writer.prepareStatement("INSERT INTO listing (network, family, is_network, "
              + "range_start, range_end, category, state, first_listed, last_evidence, expires_at, self_delistings, "
              + "change_seq) VALUES (?, ?, ?, ?, ?, ?, 'listed', ?, ?, ?, 0, ?) ON CONFLICT (network) DO UPDATE SET "
              + "state = CASE WHEN state = 'permanent' THEN state ELSE 'listed' END, last_evidence = excluded.last_evidence, "
              + "expires_at = CASE WHEN state = 'permanent' THEN NULL ELSE excluded.expires_at END, "
              + "change_seq = excluded.change_seq RETURNING id");
              PreparedStatement addEvidence = writer.prepareStatement("INSERT INTO listing_evidence (listing_id, at, "
                  + "source, client_address, helo, sender, recipients, headers, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long now = evidence.at().toEpochMilli();
            for (Cidr network : networks) {
              bindNetwork(upsert, network);
              upsert.setString(6, category.label());
              upsert.setLong(7, now);
              upsert.setLong(8, now);
              upsert.setLong(9, expires.toEpochMilli());
              upsert.setLong(10, seq + written);
              long id;
              try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
              }
              bindEvidence(addEvidence, id, evidence);
              addEvidence.addBatch();
              if (++written % 10_000 == 0) {
                addEvidence.executeBatch();
              }
            }
            addEvidence.executeBatch();
          }
          return written;
        });
      } catch (SQLException e) {
        throw new StoreException("cannot import listings: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public int expire(Instant now) {
    synchronized (writer) {
      try {
        return WriteTransaction.run(writer, () -> {
          int changed;
          try (PreparedStatement due = writer.prepareStatement(
              "SELECT count(*) FROM listing WHERE state = 'listed' AND expires_at <= ?")) {
            due.setLong(1, now.toEpochMilli());
            try (ResultSet rs = due.executeQuery()) {
              rs.next();
              changed = rs.getInt(1);
            }
          }
          if (changed > 0) {
            long first = reserveSequences(changed);
            try (PreparedStatement p = writer.prepareStatement("UPDATE listing SET state = 'expired', expires_at = NULL, "
                + "change_seq = ? + due.n - 1 FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM listing "
                + "WHERE state = 'listed' AND expires_at <= ?) AS due WHERE listing.id = due.id")) {
              p.setLong(1, first);
              p.setLong(2, now.toEpochMilli());
              changed = p.executeUpdate();
            }
          }
          return changed;
        });
      } catch (SQLException e) {
        throw new StoreException("cannot expire listings: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public List<Change> changesSince(long after, int max) {
    synchronized (reader) {
      List<Change> out = new ArrayList<>();
      try (PreparedStatement p = reader.prepareStatement("SELECT change_seq, network, category, state, expires_at "
          + "FROM listing WHERE change_seq > ? UNION ALL SELECT change_seq, network, NULL, 'removed', NULL "
          + "FROM listing_removed WHERE change_seq > ? ORDER BY change_seq LIMIT ?")) {
        p.setLong(1, after);
        p.setLong(2, after);
        p.setInt(3, max);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            String state = rs.getString(4);
            String category = rs.getString(3);
            boolean active = state.equals("listed") || state.equals("permanent");
            out.add(new Change(rs.getLong(1), Cidr.parse(rs.getString(2)),
                category == null ? Category.MANUAL : Category.fromLabel(category).orElse(Category.MANUAL), active));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("cannot read listing changes: " + e.getMessage(), e);
      }
    }
  }

  private static final String REPORT_COLUMNS = "id, at, address, contact, message, status, answer, kind, token";

  @Override
  public FalsePositiveReport fileReport(FalsePositiveReport report) {
    synchronized (writer) {
      try {
        return WriteTransaction.run(writer, () -> {
          try (PreparedStatement open = writer.prepareStatement("SELECT " + REPORT_COLUMNS + " FROM false_positive_report "
              + "WHERE status = 'open' AND address = ? AND contact = ? AND kind = ? ORDER BY id LIMIT 1")) {
            open.setString(1, report.address());
            open.setString(2, report.contact());
            open.setString(3, report.kind().label());
            try (ResultSet rs = open.executeQuery()) {
              if (rs.next()) {
                return report(rs);
              }
            }
          }
          try (PreparedStatement p = writer.prepareStatement("INSERT INTO false_positive_report (at, address, contact, "
              + "message, status, answer, kind, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            p.setLong(1, report.at().toEpochMilli());
            p.setString(2, report.address());
            p.setString(3, report.contact());
            p.setString(4, report.message());
            p.setString(5, report.status());
            p.setString(6, report.answer());
            p.setString(7, report.kind().label());
            p.setString(8, report.token());
            try (ResultSet keys = p.executeQuery()) {
              keys.next();
              return new FalsePositiveReport(keys.getLong(1), report.at(), report.kind(), report.address(),
                  report.contact(), report.message(), report.status(), report.answer(), report.token());
            }
          }
        });
      } catch (SQLException e) {
        throw new StoreException("cannot record the report: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public List<FalsePositiveReport> reports(Optional<String> status, int limit) {
    synchronized (reader) {
      try (PreparedStatement p = reader.prepareStatement("SELECT " + REPORT_COLUMNS
          + " FROM false_positive_report" + (status.isPresent() ? " WHERE status = ?" : "") + " ORDER BY at DESC LIMIT ?")) {
        int i = 1;
        if (status.isPresent()) {
          p.setString(i++, status.get());
        }
        p.setInt(i, limit);
        List<FalsePositiveReport> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(report(rs));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("cannot read reports: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Optional<FalsePositiveReport> report(long id) {
    return oneReport("id = ?", p -> p.setLong(1, id));
  }

  @Override
  public Optional<FalsePositiveReport> reportByToken(String token) {
    return oneReport("token = ?", p -> p.setString(1, token));
  }

  private Optional<FalsePositiveReport> oneReport(String where, Binder binder) {
    synchronized (reader) {
      try (PreparedStatement p = reader.prepareStatement("SELECT " + REPORT_COLUMNS + " FROM false_positive_report "
          + "WHERE " + where)) {
        binder.bind(p);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(report(rs)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw new StoreException("cannot read reports: " + e.getMessage(), e);
      }
    }
  }

  private static FalsePositiveReport report(ResultSet rs) throws SQLException {
    return new FalsePositiveReport(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
        FalsePositiveReport.Kind.fromLabel(rs.getString(8)).orElse(FalsePositiveReport.Kind.FALSE_POSITIVE),
        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
        rs.getString(9) == null ? "" : rs.getString(9));
  }

  @Override
  public boolean answerReport(long id, String status, String answer, Instant at) {
    synchronized (writer) {
      try {
        try (PreparedStatement p = writer.prepareStatement(
            "UPDATE false_positive_report SET status = ?, answer = ?, answered_at = ? WHERE id = ? AND status = 'open'")) {
          p.setString(1, status);
          p.setString(2, answer);
          p.setLong(3, at.toEpochMilli());
          p.setLong(4, id);
          return p.executeUpdate() == 1;
        }
      } catch (SQLException e) {
        throw new StoreException("cannot answer report " + id + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (writer) {
      closeQuietly(writer);
    }
    synchronized (reader) {
      closeQuietly(reader);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing at shutdown: nothing left to do
    }
  }
}
