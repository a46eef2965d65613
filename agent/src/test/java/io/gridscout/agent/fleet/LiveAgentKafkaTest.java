package io.gridscout.agent.fleet;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live agent publishing over a REAL Kafka broker (KRaft, child JVM): an AgentEngine ingests a capture and
 * checkpoints, the records go through the outbox table in the agent's own store file; the broker is killed, another
 * capture is ingested and checkpointed and the agent restarts during the outage (records wait in {@code fleet_outbox});
 * after the broker returns everything arrives, in order per partition, each sequence number once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveAgentKafkaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SITE = "north";

    @TempDir
    static Path tmp;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KafkaBroker(Files.createDirectories(tmp.resolve("kafka")));
        broker.start(90);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    record Agent(InventoryStore db, AgentEngine engine, LiveFleet fleet) {
        static Agent open(FleetConfig fc, Path store) throws Exception {
            InventoryStore db = InventoryStore.open(store);
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), db);
            LiveFleet fleet = new LiveFleet(fc, store, SITE, "27019:2024");
            engine.onCheckpoint(fleet.listener());   // store checkpoint and outbox append: one transaction
            fleet.start();
            return new Agent(db, engine, fleet);
        }

        List<ChangeEvent> ingest(String pcap) throws Exception {
            engine.ingestFile(TestFiles.pcap(pcap));
            engine.tick(AgentEngine.wallNanos());
            return engine.checkpoint();
        }

        void close() throws Exception {
            fleet.close(Duration.ZERO);
            db.close();
        }
    }

    static long await(int seconds, java.util.function.LongSupplier probe, long want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long v = probe.getAsLong();
        while (v != want && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = probe.getAsLong();
        }
        return v;
    }

    static long sql(Path store, String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getLong(1) : -1;
        }
    }

    /** Every record of the four topics from the beginning, until {@code distinctSeqs} sequence numbers were seen. */
    static List<ConsumerRecord<String, byte[]>> consume(FleetConfig fc, long distinctSeqs) {
        Properties p = fc.client();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(fc.assetsTopic(), fc.eventsTopic(), fc.findingsTopic(), fc.communicationsTopic())) {
                for (PartitionInfo pi : c.partitionsFor(t)) tps.add(new TopicPartition(t, pi.partition()));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            TreeSet<Long> seen = new TreeSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() < distinctSeqs && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r);
                    seen.add(seq(r));
                }
            }
            // a little longer: anything beyond the expected (a duplicate) must show up too
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) out.add(r);
        }
        return out;
    }

    static long seq(ConsumerRecord<String, byte[]> r) {
        return Long.parseLong(FleetRecords.text(r.headers().lastHeader(FleetRecords.SEQ).value()));
    }

    @Tag(Captures.SHARED)
    @Test
    void liveAgentPublishesEachCheckpointAndTheStoreOutboxCarriesItAcrossABrokerOutageAndARestart() throws Exception {
        Path props = tmp.resolve("live.properties");
        Files.writeString(props, "gridscout.topic.assets=live.assets\ngridscout.topic.events=live.events\ngridscout.topic.findings=live.findings\ngridscout.topic.communications=live.communications\n");
        FleetConfig fc = FleetConfig.of(broker.bootstrap(), props);
        Hub.createTopics(fc, 3, (short) 1, 3_600_000L);
        Path store = tmp.resolve("agent.db");

        // 1. broker up: the first checkpoint publishes every asset, its events and findings
        Agent agent = Agent.open(fc, store);
        List<ChangeEvent> ev1 = agent.ingest("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        Inventory inv1 = agent.engine().inventory();
        assertThat(ev1).isNotEmpty();
        assertThat(await(60, agent.fleet()::pending, 0)).as("outbox drained").isZero();
        long last1 = sql(store, "SELECT seq FROM sqlite_sequence WHERE name = 'fleet_outbox'");
        List<ConsumerRecord<String, byte[]>> first = consume(fc, last1);
        Map<String, JsonNode> assets = new TreeMap<>();
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : first) {
            assertThat(FleetRecords.text(r.headers().lastHeader(FleetRecords.SITE).value())).isEqualTo(SITE);
            if (r.topic().equals(fc.assetsTopic())) assets.put(r.key(), JSON.readTree(r.value()));
            if (r.topic().equals(fc.eventsTopic())) events.add(JSON.readTree(r.value()));
        }
        assertThat(assets.keySet()).containsExactlyInAnyOrderElementsOf(inv1.assets().stream().map(a -> SITE + "/" + a.id()).toList());
        for (Map.Entry<String, JsonNode> e : assets.entrySet()) assertThat(SITE + "/" + e.getValue().path("id").asText()).isEqualTo(e.getKey());
        assertThat(events).hasSize(ev1.size());
        assertThat(events.stream().map(j -> j.path("type").asText()).toList()).isEqualTo(ev1.stream().map(ChangeEvent::type).toList());
        assertThat(events.stream().filter(j -> j.path("type").asText().equals(ChangeEvent.NEW_ASSET)).count()).isEqualTo(inv1.assets().size());

        // 2. broker down: another capture, checkpoint; the records wait in the store's outbox table
        broker.kill();
        List<ChangeEvent> ev2 = agent.ingest("dnp3-cisagov-dnp3_example.pcap");
        assertThat(ev2).isNotEmpty();
        Thread.sleep(1500);
        long waiting = sql(store, "SELECT count(*) FROM fleet_outbox");
        assertThat(waiting).as("records waiting in fleet_outbox").isGreaterThanOrEqualTo(ev2.size());

        // 3. the agent restarts during the outage: the outbox is in its store file
        agent.close();
        agent = Agent.open(fc, store);
        assertThat(agent.fleet().pending()).isEqualTo(waiting);
        List<ChangeEvent> ev3 = agent.ingest("mms-peer-libiec61850-identify-siprotec.pcap");
        Inventory inv3 = agent.engine().inventory();
        long pendingDown = agent.fleet().pending();
        assertThat(pendingDown).isGreaterThan(waiting);

        // 4. broker back: everything arrives, in order, each sequence number once
        broker.start(90);
        assertThat(await(90, agent.fleet()::pending, 0)).as("outbox drained after the outage").isZero();
        long last = sql(store, "SELECT seq FROM sqlite_sequence WHERE name = 'fleet_outbox'");
        agent.close();
        List<ConsumerRecord<String, byte[]>> all = consume(fc, last);
        Map<Long, Integer> copies = new HashMap<>();
        Map<TopicPartition, Long> lastSeq = new HashMap<>();
        Map<String, JsonNode> latest = new TreeMap<>();
        List<String> eventTypes = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : all) {
            long s = seq(r);
            if (copies.merge(s, 1, Integer::sum) > 1) continue;   // a re-sent copy: same source and sequence, dropped
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            assertThat(s).as("sequence order on " + tp).isGreaterThan(lastSeq.getOrDefault(tp, 0L));
            lastSeq.put(tp, s);
            if (r.topic().equals(fc.assetsTopic())) latest.put(r.key(), r.value() == null ? null : JSON.readTree(r.value()));
            if (r.topic().equals(fc.eventsTopic())) eventTypes.add(JSON.readTree(r.value()).path("type").asText());
        }
        assertThat(new TreeSet<>(copies.keySet())).as("every sequence number 1..last arrived").hasSize((int) last)
                .first().isEqualTo(1L);
        assertThat(new TreeSet<>(copies.keySet()).last()).isEqualTo(last);
        long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
        System.err.printf("live agent: %d records, %d re-sent copies dropped by sequence%n", last, duplicates);
        List<String> expectedTypes = new ArrayList<>();
        for (List<ChangeEvent> ev : List.of(ev1, ev2, ev3)) for (ChangeEvent e : ev) expectedTypes.add(e.type());
        assertThat(eventTypes).as("events in order, none lost or repeated").isEqualTo(expectedTypes);
        assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(inv3.assets().stream().map(a -> SITE + "/" + a.id()).toList());
        assertThat(latest.values()).doesNotContainNull();
        assertThat(inv3.assets().size()).isGreaterThan(inv1.assets().size());
    }
}
