package io.gridscout.agent.store;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import io.gridscout.agent.PcapEdit;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store round trip (inventory survives a restart unchanged) and change events from real captures. */
class PersistenceTest {
    static final String MEI = "modbus-peer-mei-schneider-m340-pymodbus.pcap";

    @TempDir
    Path tmp;

    static String json(Inventory inv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InventoryJson.write(inv, "test", out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Tag(Captures.SHARED)
    @Test
    void inventoryOfManyProtocolsSurvivesCheckpointAndRestart() throws Exception {
        Path db = tmp.resolve("state/gridscout.db");
        String before;
        try (InventoryStore store = InventoryStore.open(db)) {
            assertThat(store.journalMode()).isEqualToIgnoringCase("wal");
            assertThat(store.schemaVersion()).isEqualTo(Schema.MIGRATIONS.size());
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), store);
            for (String f : List.of(MEI, "dnp3-iti-full_exchange.pcap", "enip-cisagov-enip_cip_example.pcap", "bacnet-cisagov-bacnet_example.pcap",
                    "goose-mms-iti-Sample_File_MMS_and_GOOSE.pcap", "opcua-peer-nodeopcua-server-milo-client.pcap", "modbus-zeek-modbusSmall.pcap")) {
                engine.ingestFile(TestFiles.pcap(f));
            }
            engine.tick(AgentEngine.wallNanos());
            engine.checkpoint();
            before = json(engine.inventory());
            assertThat(engine.inventory().assets()).hasSizeGreaterThan(10);
        }
        try (InventoryStore store = InventoryStore.open(db)) {
            assertThat(store.integrityCheck()).isEqualTo("ok");
            assertThat(json(store.load())).isEqualTo(before);
            // a restarted engine re-seeds its builder: its own snapshot is the stored one, and nothing is "new"
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), store);
            assertThat(json(engine.inventory())).isEqualTo(before);
            assertThat(engine.tick(AgentEngine.wallNanos())).isEmpty();
            // and it keeps accumulating on top: the same capture again doubles the packet counts
            long packets = engine.inventory().communications().get(0).packets();
            engine.ingestFile(TestFiles.pcap(MEI));
            engine.tick(AgentEngine.wallNanos());
            assertThat(engine.inventory().communications().stream().mapToLong(Inventory.Communication::packets).sum()).isGreaterThan(packets);
        }
    }

    @Test
    void firmwareChangeBetweenTwoCapturesIsExactlyOneAttributeChangedEvent() throws Exception {
        Path first = TestFiles.pcap(MEI);
        Path second = tmp.resolve("mei-v3.20.pcap");
        byte[] original = Files.readAllBytes(first);
        Files.write(second, PcapEdit.edit(original, "v3.10", "v3.20", 3600));
        assertThat(new String(original, StandardCharsets.ISO_8859_1)).contains("v3.10");

        Path db = tmp.resolve("events.db");
        try (InventoryStore store = InventoryStore.open(db)) {
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), store);
            engine.ingestFile(first);
            List<ChangeEvent> e1 = engine.tick(AgentEngine.wallNanos());
            engine.checkpoint();
            assertThat(e1).extracting(ChangeEvent::type).contains(ChangeEvent.NEW_ASSET, ChangeEvent.NEW_SERVICE, ChangeEvent.NEW_COMMUNICATION)
                    .doesNotContain(ChangeEvent.ATTRIBUTE_CHANGED);
            assertThat(engine.inventory().asset("127.0.0.4").firmware()).isEqualTo("v3.10");

            engine.ingestFile(second);
            List<ChangeEvent> e2 = engine.tick(AgentEngine.wallNanos());
            engine.checkpoint();
            assertThat(engine.inventory().asset("127.0.0.4").firmware()).isEqualTo("v3.20");
            assertThat(e2).filteredOn(e -> e.type().equals(ChangeEvent.ATTRIBUTE_CHANGED)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.assetId()).isEqualTo("127.0.0.4");
                        assertThat(e.subject()).isEqualTo("firmware");
                        assertThat(e.oldValue()).isEqualTo("v3.10");
                        assertThat(e.newValue()).isEqualTo("v3.20");
                    });
            assertThat(e2).extracting(ChangeEvent::type).doesNotContain(ChangeEvent.NEW_ASSET, ChangeEvent.NEW_SERVICE);

            List<InventoryStore.StoredEvent> stored = store.events(Long.MIN_VALUE, ChangeEvent.ATTRIBUTE_CHANGED, 100, 0);
            assertThat(stored).hasSize(1);
            assertThat(store.events(Long.MIN_VALUE, null, 1000, 0)).hasSize(e1.size() + e2.size());
            // retention: everything older than "now + 1 s" goes
            assertThat(store.pruneEvents(AgentEngine.wallNanos() + 1_000_000_000L)).isEqualTo(e1.size() + e2.size());
        }
    }

    @Test
    void refusesAStoreFromANewerGridscoutAndANonStore() throws Exception {
        Path db = tmp.resolve("newer.db");
        try (InventoryStore store = InventoryStore.open(db)) {
            assertThat(store.schemaVersion()).isEqualTo(Schema.MIGRATIONS.size());
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_migrations VALUES (99, 0)");
        }
        assertThatThrownBy(() -> InventoryStore.open(db)).isInstanceOf(java.sql.SQLException.class)
                .hasMessage("store schema version 99 is newer than this gridscout (2)");
        Path notAStore = tmp.resolve("text.db");
        Files.writeString(notAStore, "this is not an SQLite database, just text that is long enough to fill a header page\n".repeat(50));
        assertThatThrownBy(() -> InventoryStore.open(notAStore)).isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("not a database");
    }
}
