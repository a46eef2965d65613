package io.gridscout.agent.fleet;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The outbox as tables in an SQLite file the caller names (the agent's store): {@code T} holds the records
 * ({@code AUTOINCREMENT} so a sequence number is never reused, even after the table emptied), {@code T_keys} the live
 * keys, {@code T_meta} the source id. Appends are one transaction; the file survives agent restarts, so records not
 * yet acknowledged by Kafka are sent by the next run.
 */
public final class SqliteOutbox implements Outbox {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,40}");
    private final Connection db;
    private final String t;
    private final String sourceId;

    public SqliteOutbox(Path file, String table) {
        if (!NAME.matcher(table).matches()) throw new IllegalArgumentException("outbox table name: " + table);
        this.t = table;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");   // shares the agent's store file with its own connection
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS " + t + " (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT NOT NULL, value BLOB)");
                s.execute("CREATE TABLE IF NOT EXISTS " + t + "_keys (topic TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (topic, key))");
                s.execute("CREATE TABLE IF NOT EXISTS " + t + "_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
                s.execute("INSERT OR IGNORE INTO " + t + "_meta (k, v) VALUES ('source', '" + UUID.randomUUID() + "')");
                try (ResultSet r = s.executeQuery("SELECT v FROM " + t + "_meta WHERE k = 'source'")) {
                    r.next();
                    sourceId = r.getString(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String sourceId() {
        return sourceId;
    }

    @Override
    public synchronized long append(List<Pending> records) {
        if (records.isEmpty()) return -1;
        try {
            db.setAutoCommit(false);
            try {
                long last = insert(db, records);
                db.commit();
                return last;
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox append: " + e.getMessage(), e);
        }
    }

    /**
     * Appends {@code records} on {@code c}, a connection to the same file (the agent's store), inside the caller's
     * transaction: they are committed or rolled back with whatever else the caller writes. Returns the last sequence number.
     */
    public long appendOn(Connection c, List<Pending> records) throws SQLException {
        return records.isEmpty() ? -1 : insert(c, records);
    }

    private long insert(Connection c, List<Pending> records) throws SQLException {
        long last = -1;
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t + " (topic, key, value) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement put = c.prepareStatement("INSERT OR IGNORE INTO " + t + "_keys (topic, key) VALUES (?, ?)");
             PreparedStatement del = c.prepareStatement("DELETE FROM " + t + "_keys WHERE topic = ? AND key = ?")) {
            for (Pending p : records) {
                ins.setString(1, p.topic());
                ins.setString(2, p.key());
                ins.setBytes(3, p.value());
                ins.executeUpdate();
                try (ResultSet k = ins.getGeneratedKeys()) {
                    k.next();
                    last = k.getLong(1);
                }
                PreparedStatement live = p.value() == null ? del : put;
                live.setString(1, p.topic());
                live.setString(2, p.key());
                live.executeUpdate();
            }
        }
        return last;
    }

    @Override
    public synchronized List<Entry> peek(int max) {
        try (PreparedStatement q = db.prepareStatement("SELECT seq, topic, key, value FROM " + t + " ORDER BY seq LIMIT ?")) {
            q.setInt(1, max);
            List<Entry> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) out.add(new Entry(r.getLong(1), r.getString(2), r.getString(3), r.getBytes(4)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("outbox peek: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void remove(long seq) {
        try (PreparedStatement q = db.prepareStatement("DELETE FROM " + t + " WHERE seq <= ?")) {
            q.setLong(1, seq);
            q.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("outbox remove: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long pending() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + t)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("outbox count: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Set<String> liveKeys(String topic, String prefix) {
        try (PreparedStatement q = db.prepareStatement("SELECT key FROM " + t + "_keys WHERE topic = ? AND substr(key, 1, ?) = ?")) {
            q.setString(1, topic);
            q.setInt(2, prefix.length());
            q.setString(3, prefix);
            Set<String> out = new TreeSet<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("outbox keys: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("outbox close: " + e.getMessage(), e);
        }
    }
}
