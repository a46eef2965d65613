package io.gridscout.agent.fleet;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live agent's store checkpoint and its Kafka outbox append are ONE SQLite transaction ({@link LiveFleet#listener()}):
 * failures injected by real SQLite triggers (RAISE(ABORT), as a full disk or a constraint would) in either half leave
 * neither half written; the next checkpoint writes both, every change event exactly once in the store and the outbox.
 * No broker needed: nothing is sent (the sender is not started).
 */
class CheckpointOutboxAtomicityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Tag(Captures.SHARED)
    @Test
    void aFailureInEitherHalfRollsBackBoth() throws Exception {
        Path file = tmp.resolve("store.sqlite");
        InventoryStore db = InventoryStore.open(file);
        AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), db);
        LiveFleet fleet = new LiveFleet(FleetConfig.of("127.0.0.1:9", null), file, "north", "27019:2024");
        engine.onCheckpoint(fleet.listener());
        try {
            engine.ingestFile(TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap"));
            engine.tick(AgentEngine.wallNanos());
            assertThat(engine.checkpoint()).isNotEmpty();
            State first = State.of(file, db);
            assertThat(first.outbox).isPositive();
            assertThat(first.outboxEvents).isEqualTo(first.storeEvents).isNotEmpty();

            engine.ingestFile(TestFiles.pcap("dnp3-cisagov-dnp3_example.pcap"));
            engine.tick(AgentEngine.wallNanos());
            // the outbox half fails (it runs last in the transaction): the store's inventory and events roll back too
            sql(file, "CREATE TRIGGER fail_outbox BEFORE INSERT ON fleet_outbox BEGIN SELECT RAISE(ABORT, 'injected outbox failure'); END");
            assertThatThrownBy(engine::checkpoint).isInstanceOf(SQLException.class).hasMessageContaining("injected outbox failure");
            assertThat(State.of(file, db)).isEqualTo(first);
            sql(file, "DROP TRIGGER fail_outbox");
            // the store half fails (its last write, the meta row): nothing reaches the outbox
            sql(file, "CREATE TRIGGER fail_store BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'injected store failure'); END");
            assertThatThrownBy(engine::checkpoint).isInstanceOf(SQLException.class).hasMessageContaining("injected store failure");
            assertThat(State.of(file, db)).isEqualTo(first);
            sql(file, "DROP TRIGGER fail_store");

            // healed: the next checkpoint writes the second capture's assets and the held events, once, in both
            engine.checkpoint();
            State after = State.of(file, db);
            assertThat(after.assets).isGreaterThan(first.assets);
            assertThat(after.outbox).isGreaterThan(first.outbox);
            assertThat(after.storeEvents).hasSizeGreaterThan(first.storeEvents.size()).startsWith(first.storeEvents.toArray(String[]::new));
            assertThat(after.outboxEvents).isEqualTo(after.storeEvents);
            // the outbox holds every asset of the stored inventory, as it is stored
            assertThat(outboxAssets(file)).containsAll(storedAssets(db));
        } finally {
            fleet.close(java.time.Duration.ZERO);
            db.close();
        }
    }

    /** What the file holds: stored assets (JSON), stored events and outbox event records (type/asset/subject), outbox size. */
    record State(List<String> assetsJson, int assets, List<String> storeEvents, List<String> outboxEvents, long outbox) {
        static State of(Path file, InventoryStore db) throws Exception {
            List<String> stored = storedAssets(db);
            List<String> se = new ArrayList<>();
            for (InventoryStore.StoredEvent e : db.events(0, null, 100_000, 0)) se.add(e.event().type() + " " + e.event().assetId() + " " + e.event().subject());
            List<String> oe = new ArrayList<>();
            long n = 0;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT topic, value FROM fleet_outbox ORDER BY seq")) {
                while (r.next()) {
                    n++;
                    if (!r.getString(1).equals("gridscout.events")) continue;
                    JsonNode v = JSON.readTree(r.getBytes(2));
                    oe.add(v.path("type").asText() + " " + v.path("asset").asText() + " " + v.path("subject").asText(null));
                }
            }
            return new State(stored, stored.size(), se, oe, n);
        }
    }

    static List<String> storedAssets(InventoryStore db) throws Exception {
        List<String> out = new ArrayList<>();
        Inventory inv = db.load();
        if (inv == null) return out;
        for (Inventory.Asset a : inv.assets()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (var g = JSON.getFactory().createGenerator(b)) {
                InventoryJson.asset(g, a);
            }
            out.add(JSON.readTree(b.toByteArray()).toString());
        }
        return out;
    }

    static List<String> outboxAssets(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT value FROM fleet_outbox WHERE topic = 'gridscout.assets' AND value IS NOT NULL ORDER BY seq")) {
            while (r.next()) out.add(JSON.readTree(r.getBytes(1)).toString());
        }
        return out;
    }

    static void sql(Path file, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            s.execute(statement);
        }
    }
}
