package io.gridscout.agent.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's state in one SQLite file (WAL): the last checkpointed inventory and the change events.
 * A checkpoint replaces the inventory tables and appends events in one transaction, so after a crash the
 * file holds exactly the last completed checkpoint. Methods are synchronized: one connection, few callers
 * (checkpoint thread, API reads).
 */
public final class InventoryStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, List<Object>>> DETAILS = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {};

    private final Connection db;

    /** A stored event with its sequence number. */
    public record StoredEvent(long seq, ChangeEvent event) {}

    private InventoryStore(Connection db) {
        this.db = db;
    }

    public static InventoryStore open(Path file) throws SQLException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SQLException("cannot create directory for " + file + ": " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");   // WAL + NORMAL: a crash loses at most the last transaction, never corrupts
                s.execute("PRAGMA foreign_keys=ON");
            }
            InventoryStore store = new InventoryStore(c);
            store.migrate();
            return store;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void migrate() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ns INTEGER NOT NULL)");
        }
        int current = schemaVersion();
        if (current > Schema.MIGRATIONS.size()) {
            throw new SQLException("store schema version " + current + " is newer than this gridscout (" + Schema.MIGRATIONS.size() + ")");
        }
        for (int v = current + 1; v <= Schema.MIGRATIONS.size(); v++) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : Schema.MIGRATIONS.get(v - 1)) s.execute(sql);
                try (PreparedStatement p = db.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?)")) {
                    p.setInt(1, v);
                    p.setLong(2, System.currentTimeMillis() * 1_000_000L);
                    p.executeUpdate();
                }
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }

    public synchronized int schemaVersion() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** {@code PRAGMA integrity_check} answer ("ok" for a sound file). */
    public synchronized String integrityCheck() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            return r.next() ? r.getString(1) : "no answer";
        }
    }

    public synchronized String journalMode() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** Work done on the store's own connection inside a checkpoint's transaction (e.g. the Kafka outbox append). */
    @FunctionalInterface
    public interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    /** Replaces the stored inventory by {@code inv}, appends {@code events} and stores meta values, in one transaction. */
    public void checkpoint(Inventory inv, List<ChangeEvent> events, Map<String, String> meta) throws SQLException {
        checkpoint(inv, events, meta, null);
    }

    /**
     * As {@link #checkpoint(Inventory, List, Map)}, and runs {@code also} (null: nothing) last in the same transaction:
     * either everything is committed or, when anything fails, nothing.
     */
    public synchronized void checkpoint(Inventory inv, List<ChangeEvent> events, Map<String, String> meta, InTransaction also) throws SQLException {
        db.setAutoCommit(false);
        try {
            try (Statement s = db.createStatement()) {
                for (String t : List.of("attributes", "services", "communications", "assets", "captures", "counters")) s.execute("DELETE FROM " + t);
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO captures VALUES (?,?,?,?,?,?)")) {
                for (Inventory.CaptureSummary c : inv.captures()) {
                    p.setString(1, c.file());
                    p.setString(2, c.sha256());
                    p.setLong(3, c.packets());
                    p.setLong(4, c.start());
                    p.setLong(5, c.end());
                    p.setString(6, json(c.warnings()));
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO counters VALUES (?,?)")) {
                for (Map.Entry<String, Long> e : inv.counters().entrySet()) {
                    p.setString(1, e.getKey());
                    p.setLong(2, e.getValue());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement pa = db.prepareStatement("INSERT INTO assets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement pt = db.prepareStatement("INSERT INTO attributes VALUES (?,?,?,?,?,?,?,?)");
                 PreparedStatement ps = db.prepareStatement("INSERT INTO services VALUES (?,?,?,?,?,?,?)")) {
                int ord = 0;
                for (Inventory.Asset a : inv.assets()) {
                    pa.setString(1, a.id());
                    pa.setInt(2, ord++);
                    pa.setString(3, json(a.macs()));
                    pa.setString(4, json(a.ips()));
                    pa.setString(5, a.vendor());
                    pa.setString(6, a.model());
                    pa.setString(7, a.firmware());
                    pa.setString(8, a.serial());
                    pa.setString(9, a.name());
                    pa.setString(10, a.deviceClass());
                    pa.setLong(11, a.firstSeen());
                    pa.setLong(12, a.lastSeen());
                    pa.setDouble(13, a.classConfidence());
                    pa.setString(14, json(a.classRules()));
                    pa.addBatch();
                    int i = 0;
                    for (Inventory.Attribute at : a.attributes()) {
                        pt.setString(1, a.id());
                        pt.setInt(2, i++);
                        pt.setString(3, at.name());
                        pt.setString(4, at.value());
                        pt.setString(5, at.source());
                        pt.setDouble(6, at.confidence());
                        pt.setLong(7, at.firstSeen());
                        pt.setLong(8, at.lastSeen());
                        pt.addBatch();
                    }
                    i = 0;
                    for (Inventory.Service s : a.services()) {
                        ps.setString(1, a.id());
                        ps.setInt(2, i++);
                        ps.setString(3, s.protocol());
                        ps.setString(4, s.role());
                        ps.setString(5, s.transport());
                        ps.setInt(6, s.port());
                        ps.setString(7, json(s.details()));
                        ps.addBatch();
                    }
                }
                pa.executeBatch();
                pt.executeBatch();
                ps.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO communications VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int ord = 0;
                for (Inventory.Communication c : inv.communications()) {
                    p.setInt(1, ord++);
                    p.setString(2, c.client());
                    p.setString(3, c.server());
                    p.setString(4, c.protocol());
                    p.setString(5, c.transport());
                    p.setInt(6, c.port());
                    p.setLong(7, c.packets());
                    p.setLong(8, c.bytes());
                    p.setString(9, json(c.operations()));
                    p.setString(10, json(c.details()));
                    p.setLong(11, c.firstSeen());
                    p.setLong(12, c.lastSeen());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO events (time_ns, type, asset_id, subject, old_value, new_value) VALUES (?,?,?,?,?,?)")) {
                for (ChangeEvent e : events) {
                    p.setLong(1, e.time());
                    p.setString(2, e.type());
                    p.setString(3, e.assetId());
                    p.setString(4, e.subject());
                    p.setString(5, e.oldValue());
                    p.setString(6, e.newValue());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO meta VALUES (?,?)")) {
                for (Map.Entry<String, String> e : meta.entrySet()) {
                    p.setString(1, e.getKey());
                    p.setString(2, e.getValue());
                    p.addBatch();
                }
                p.executeBatch();
            }
            if (also != null) also.run(db);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** The last checkpointed inventory, or null when nothing was ever stored. */
    public synchronized Inventory load() throws SQLException {
        List<Inventory.CaptureSummary> captures = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM captures ORDER BY rowid")) {
            while (r.next()) {
                captures.add(new Inventory.CaptureSummary(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getLong(5),
                        parse(r.getString(6), STRINGS)));
            }
        }
        Map<String, Long> counters = new TreeMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT name, value FROM counters")) {
            while (r.next()) counters.put(r.getString(1), r.getLong(2));
        }
        Map<String, List<Inventory.Attribute>> attrs = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM attributes ORDER BY asset_id, ord")) {
            while (r.next()) {
                attrs.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Inventory.Attribute(r.getString(3), r.getString(4),
                        r.getString(5), r.getDouble(6), r.getLong(7), r.getLong(8)));
            }
        }
        Map<String, List<Inventory.Service>> services = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM services ORDER BY asset_id, ord")) {
            while (r.next()) {
                Map<String, List<Object>> details = new TreeMap<>();
                parse(r.getString(7), DETAILS).forEach((k, v) -> details.put(k, longs(v)));
                services.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Inventory.Service(r.getString(3), r.getString(4),
                        r.getString(5), r.getInt(6), details));
            }
        }
        List<Inventory.Asset> assets = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM assets ORDER BY ord")) {
            while (r.next()) {
                String id = r.getString(1);
                assets.add(new Inventory.Asset(id, parse(r.getString(3), STRINGS), parse(r.getString(4), STRINGS), r.getString(5),
                        r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                        r.getDouble(13), parse(r.getString(14), STRINGS),
                        List.copyOf(services.getOrDefault(id, List.of())), List.copyOf(attrs.getOrDefault(id, List.of())),
                        r.getLong(11), r.getLong(12)));
            }
        }
        List<Inventory.Communication> comms = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM communications ORDER BY ord")) {
            while (r.next()) {
                List<Inventory.Operation> ops = new ArrayList<>();
                for (Map<String, Object> o : parse(r.getString(9), ROWS)) {
                    ops.add(new Inventory.Operation(((Number) o.get("code")).intValue(), (String) o.get("name"), ((Number) o.get("count")).longValue(),
                            (String) o.get("kind")));
                }
                List<Inventory.Detail> details = new ArrayList<>();
                for (Map<String, Object> d : parse(r.getString(10), ROWS)) {
                    details.add(new Inventory.Detail((String) d.get("name"), (String) d.get("value"), ((Number) d.get("count")).longValue()));
                }
                comms.add(new Inventory.Communication(r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6), r.getLong(7),
                        r.getLong(8), ops, details, r.getLong(11), r.getLong(12)));
            }
        }
        if (assets.isEmpty() && captures.isEmpty() && counters.isEmpty() && comms.isEmpty()) return null;
        return new Inventory(captures, assets, comms, counters);
    }

    /** Events with {@code time >= sinceNanos} (and {@code type} when not null), oldest first, at most {@code limit}. */
    public synchronized List<StoredEvent> events(long sinceNanos, String type, int limit, long offset) throws SQLException {
        String sql = "SELECT seq, time_ns, type, asset_id, subject, old_value, new_value FROM events WHERE time_ns >= ?"
                + (type != null ? " AND type = ?" : "") + " ORDER BY seq LIMIT ? OFFSET ?";
        try (PreparedStatement p = db.prepareStatement(sql)) {
            int i = 1;
            p.setLong(i++, sinceNanos);
            if (type != null) p.setString(i++, type);
            p.setInt(i++, limit);
            p.setLong(i, offset);
            List<StoredEvent> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new StoredEvent(r.getLong(1), new ChangeEvent(r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7))));
                }
            }
            return out;
        }
    }

    /** Deletes events older than {@code beforeNanos}; returns how many. */
    public synchronized int pruneEvents(long beforeNanos) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM events WHERE time_ns < ?")) {
            p.setLong(1, beforeNanos);
            return p.executeUpdate();
        }
    }

    public synchronized Map<String, String> meta() throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT key, value FROM meta ORDER BY key")) {
            while (r.next()) m.put(r.getString(1), r.getString(2));
        }
        return m;
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }

    private static List<Object> longs(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) out.add(v instanceof Number n ? (Object) n.longValue() : v);
        return out;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> type) throws SQLException {
        try {
            return JSON.readValue(s, type);
        } catch (IOException e) {
            throw new SQLException("damaged JSON column in store: " + e.getMessage(), e);
        }
    }
}
