package io.gridscout.agent.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gridscout.agent.evidence.EvidenceJson;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.agent.output.Times;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.inventory.Inventory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes an agent's inventory to the fleet topics. Two halves that can run apart: {@link #snapshot} (and later
 * the live agent's change events) only appends to the {@link Outbox}; {@link #drain} sends the outbox in order with an
 * idempotent producer ({@code acks=all}) and removes what Kafka acknowledged. When Kafka is unreachable the records
 * stay in the outbox and the next drain sends them; a record that was written but not acknowledged is sent again
 * with the same source and sequence headers, and the hub drops it.
 */
public final class Publisher implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int BATCH = 1000;

    private final FleetConfig config;
    private final Outbox outbox;
    private final String standard;
    private KafkaProducer<String, byte[]> producer;
    private long sent;
    /** Live agent: hash of the value last appended per asset / finding key (null before the first checkpoint). */
    private Map<String, Long> liveAssets, liveFindings, liveComms;

    public Publisher(FleetConfig config, Outbox outbox, String standard) {
        this.config = config;
        this.outbox = outbox;
        this.standard = standard;
    }

    /**
     * Appends one site's state: every asset (keyed {@code site/assetId}), a tombstone for every asset this outbox
     * published for the site before that is gone now, the communications (keyed
     * {@code site/client/server/protocol/transport/port}) and findings likewise, and one "snapshot" event. One transaction.
     */
    public long snapshot(String site, Inventory inv, List<Finding> findings, long timeNanos) {
        FleetRecords.checkSite(site);
        List<Outbox.Pending> out = new ArrayList<>();
        Set<String> now = new TreeSet<>();
        for (Inventory.Asset a : inv.assets()) {
            String key = FleetRecords.assetKey(site, a.id());
            if (now.add(key)) out.add(new Outbox.Pending(config.assetsTopic(), key, json(g -> InventoryJson.asset(g, a))));
        }
        List<String> retired = new ArrayList<>();
        for (String k : outbox.liveKeys(config.assetsTopic(), site + "/")) {
            if (!now.contains(k)) {
                out.add(new Outbox.Pending(config.assetsTopic(), k, null));
                retired.add(k.substring(site.length() + 1));
            }
        }
        Set<String> ckeys = new TreeSet<>();
        for (Inventory.Communication c : inv.communications()) {
            String key = FleetRecords.communicationKey(site, c);
            if (ckeys.add(key)) out.add(new Outbox.Pending(config.communicationsTopic(), key, json(g -> InventoryJson.communication(g, c))));
        }
        for (String k : outbox.liveKeys(config.communicationsTopic(), site + "/")) {
            if (!ckeys.contains(k)) out.add(new Outbox.Pending(config.communicationsTopic(), k, null));
        }
        Set<String> fkeys = new TreeSet<>();
        if (findings != null) {
            int n = 0;
            String rule = null;
            for (Finding f : findings) {
                n = f.ruleId().equals(rule) ? n + 1 : 0;
                rule = f.ruleId();
                String key = site + "/" + f.ruleId() + "/" + n;
                fkeys.add(key);
                out.add(new Outbox.Pending(config.findingsTopic(), key, json(g -> EvidenceJson.finding(g, f, standard))));
            }
            for (String k : outbox.liveKeys(config.findingsTopic(), site + "/")) {
                if (!fkeys.contains(k)) out.add(new Outbox.Pending(config.findingsTopic(), k, null));
            }
        }
        out.add(new Outbox.Pending(config.eventsTopic(), site, json(g -> {
            g.writeStartObject();
            g.writeStringField("type", "snapshot");
            g.writeStringField("site", site);
            g.writeStringField("time", Times.iso(timeNanos));
            g.writeNumberField("assets", now.size());
            g.writeArrayFieldStart("retired");
            for (String r : retired) g.writeString(r);
            g.writeEndArray();
            g.writeNumberField("findings", fkeys.size());
            g.writeArrayFieldStart("captures");
            for (Inventory.CaptureSummary c : inv.captures()) {
                g.writeStartObject();
                g.writeStringField("file", c.file());
                g.writeStringField("sha256", c.sha256());
                g.writeNumberField("packets", c.packets());
                // the hub's evidence report shows the capture window like an offline one
                g.writeStringField("start", Times.iso(c.start()));
                g.writeStringField("end", Times.iso(c.end()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        })));
        return outbox.append(out);
    }

    /**
     * Appends one live-agent checkpoint in one transaction: the assets whose inventory JSON differs from what this
     * publisher appended last (all of them on its first checkpoint), a tombstone for every asset published for the
     * site before and gone now, the findings likewise, then the checkpoint's change events (keyed {@code site}, in
     * their order). Checkpoint thread only; {@link #drain} may run at the same time on another thread.
     */
    public long checkpoint(String site, Inventory inv, List<ChangeEvent> events, List<Finding> findings) {
        Prepared p = prepareCheckpoint(site, inv, events, findings);
        long last = outbox.append(p.records());
        // only after the append committed: a failed append is retried in full by the next checkpoint
        committed(p);
        return last;
    }

    /** A checkpoint's records, and what is live once they are committed. */
    public record Prepared(List<Outbox.Pending> records, Map<String, Long> assets, Map<String, Long> comms, Map<String, Long> findings) {}

    /**
     * The records {@link #checkpoint} would append, for a caller that appends them in a transaction of its own (the
     * agent's store checkpoint, {@link SqliteOutbox#appendOn}); call {@link #committed} once that transaction committed.
     */
    public Prepared prepareCheckpoint(String site, Inventory inv, List<ChangeEvent> events, List<Finding> findings) {
        FleetRecords.checkSite(site);
        if (liveAssets == null) {
            // first checkpoint of this process: publish everything, retire what the outbox published before and is gone
            liveAssets = new HashMap<>();
            for (String k : outbox.liveKeys(config.assetsTopic(), site + "/")) liveAssets.put(k, 0L);
            liveFindings = new HashMap<>();
            for (String k : outbox.liveKeys(config.findingsTopic(), site + "/")) liveFindings.put(k, 0L);
            liveComms = new HashMap<>();
            for (String k : outbox.liveKeys(config.communicationsTopic(), site + "/")) liveComms.put(k, 0L);
        }
        List<Outbox.Pending> out = new ArrayList<>();
        Map<String, byte[]> assetValues = new java.util.LinkedHashMap<>();
        for (Inventory.Asset a : inv.assets()) {
            assetValues.putIfAbsent(FleetRecords.assetKey(site, a.id()), json(g -> InventoryJson.asset(g, a)));
        }
        Map<String, Long> assets = changes(config.assetsTopic(), assetValues, liveAssets, out);
        Map<String, byte[]> commValues = new java.util.LinkedHashMap<>();
        for (Inventory.Communication c : inv.communications()) {
            commValues.putIfAbsent(FleetRecords.communicationKey(site, c), json(g -> InventoryJson.communication(g, c)));
        }
        Map<String, Long> comms = changes(config.communicationsTopic(), commValues, liveComms, out);
        Map<String, byte[]> findingValues = new java.util.LinkedHashMap<>();
        if (findings != null) {
            int n = 0;
            String rule = null;
            for (Finding f : findings) {
                n = f.ruleId().equals(rule) ? n + 1 : 0;
                rule = f.ruleId();
                findingValues.put(site + "/" + f.ruleId() + "/" + n, json(g -> EvidenceJson.finding(g, f, standard)));
            }
        }
        Map<String, Long> found = changes(config.findingsTopic(), findingValues, liveFindings, out);
        for (ChangeEvent e : events) {
            out.add(new Outbox.Pending(config.eventsTopic(), site, json(g -> {
                g.writeStartObject();
                g.writeStringField("site", site);
                g.writeStringField("time", Times.iso(e.time()));
                g.writeStringField("type", e.type());
                g.writeStringField("asset", e.assetId());
                g.writeStringField("subject", e.subject());
                g.writeStringField("old", e.oldValue());
                g.writeStringField("new", e.newValue());
                g.writeEndObject();
            })));
        }
        return new Prepared(out, assets, comms, found);
    }

    /** The prepared checkpoint was committed: later checkpoints publish changes against it. */
    public void committed(Prepared p) {
        liveAssets = p.assets();
        liveFindings = p.findings();
        liveComms = p.comms();
    }

    /**
     * Adds to {@code out} the records of {@code current} (in its order) whose value changed since {@code live}
     * was published, then a tombstone for every published key that is gone; returns key → hash of what is live now.
     */
    private static Map<String, Long> changes(String topic, Map<String, byte[]> current, Map<String, Long> live,
                                             List<Outbox.Pending> out) {
        Map<String, Long> now = new HashMap<>();
        for (Map.Entry<String, byte[]> e : current.entrySet()) {
            long h = hash(e.getValue());
            now.put(e.getKey(), h);
            Long old = live.get(e.getKey());
            if (old == null || old != h) out.add(new Outbox.Pending(topic, e.getKey(), e.getValue()));
        }
        for (String k : new java.util.TreeSet<>(live.keySet())) {
            if (!now.containsKey(k)) out.add(new Outbox.Pending(topic, k, null));
        }
        return now;
    }

    /** 64-bit FNV-1a: detects a changed value without keeping it. */
    private static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * Sends what the outbox holds, oldest first, until it is empty or {@code timeout} passed. Returns true when
     * empty. Failures (broker down, timeouts) are retried with a fresh producer after a short pause.
     */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 200;
        while (outbox.pending() > 0) {
            if (System.nanoTime() > deadline) return false;
            List<Outbox.Entry> batch = outbox.peek(BATCH);
            try {
                sendInOrder(batch, deadline);
                pause = 200;
            } catch (RuntimeException | ExecutionException | InterruptedException | java.util.concurrent.TimeoutException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                // a producer that failed may hold batches it will never deliver: start over from the outbox
                closeProducer();
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                try {
                    Thread.sleep(Math.min(pause, left));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                pause = Math.min(pause * 2, 2000);
            }
        }
        return true;
    }

    /** Records acknowledged by Kafka since this publisher started. */
    public long sent() {
        return sent;
    }

    private void sendInOrder(List<Outbox.Entry> batch, long deadline)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        KafkaProducer<String, byte[]> p = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Outbox.Entry e : batch) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(e.topic(), e.key(), e.value());
            r.headers().add(FleetRecords.SOURCE, FleetRecords.utf8(outbox.sourceId()));
            r.headers().add(FleetRecords.SEQ, FleetRecords.utf8(Long.toString(e.seq())));
            String site = e.key().indexOf('/') < 0 ? e.key() : e.key().substring(0, e.key().indexOf('/'));
            r.headers().add(FleetRecords.SITE, FleetRecords.utf8(site));
            Future<RecordMetadata> f = p.send(r);
            acks.add(f);
            // a send that failed at once (no metadata within max.block.ms: broker unreachable) fails the rest too;
            // stop here instead of waiting max.block.ms once per record
            if (f.isDone()) f.get();
            if (System.nanoTime() > deadline) break;
        }
        // remove the acknowledged prefix only: what follows a failure is sent again (the hub drops the copies);
        // the wait ends at the caller's deadline, not at the producer's delivery timeout
        long done = -1;
        try {
            for (int i = 0; i < acks.size(); i++) {
                // a short grace after the deadline: records sent just before it still get their acknowledgement
                acks.get(i).get(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                done = batch.get(i).seq();
                sent++;
            }
        } finally {
            if (done >= 0) outbox.remove(done);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = config.client();
            p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "gridscout-agent-" + outbox.sourceId().substring(0, 8));
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
            p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
            p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
