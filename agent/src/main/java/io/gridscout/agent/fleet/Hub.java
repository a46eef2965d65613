package io.gridscout.agent.fleet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The fleet hub's consumer: one member of a consumer group over the three topics. Kafka spreads the partitions over
 * the hub instances; when a partition is assigned the hub reads it from the beginning into its {@link FleetStore}
 * (assets and findings are compacted topics, so that is the current state plus recent history), when it is revoked
 * the hub forgets it. Offsets are never committed: the store is rebuilt, not resumed, which keeps it correct after
 * any crash. Lag per partition is tracked for {@code /metrics}.
 */
public final class Hub implements AutoCloseable {
    private final FleetConfig config;
    private final FleetStore store = new FleetStore();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;
    private volatile Throwable failure;
    private KafkaClientMetrics clientMetrics;

    public Hub(FleetConfig config, String groupId) {
        this.config = config;
        Properties p = config.client();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "gridscout-hub-" + ProcessHandle.current().pid());
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::loop, "gridscout-hub-consumer");
        thread.setDaemon(true);
    }

    /** Creates the topics when missing: assets, findings and communications compacted, events deleted after {@code eventRetentionMs}. */
    public static void createTopics(FleetConfig config, int partitions, short replication, long eventRetentionMs) throws InterruptedException {
        try (Admin admin = Admin.create(config.client())) {
            Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000");
            List<NewTopic> topics = List.of(new NewTopic(config.assetsTopic(), partitions, replication).configs(compact),
                    new NewTopic(config.findingsTopic(), partitions, replication).configs(compact),
                    new NewTopic(config.communicationsTopic(), partitions, replication).configs(compact),
                    new NewTopic(config.eventsTopic(), partitions, replication).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, Long.toString(eventRetentionMs))));
            for (NewTopic t : topics) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException("create topic " + t.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    public void bindMetrics(MeterRegistry registry) {
        clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
        Gauge.builder("gridscout.hub.consumer.lag", lag, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("records not yet read, summed over this hub's partitions").baseUnit("records").register(registry);
        for (String topic : topics()) {
            Gauge.builder("gridscout.hub.topic.lag", lag, m -> m.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(Map.Entry::getValue).sum()).tag("topic", topic).baseUnit("records").register(registry);
        }
        Gauge.builder("gridscout.hub.partitions", store, FleetStore::partitions).description("partitions owned by this hub").register(registry);
        Gauge.builder("gridscout.hub.records.applied", store, FleetStore::applied).register(registry);
        Gauge.builder("gridscout.hub.records.duplicates", store, FleetStore::duplicates).description("re-sent records dropped by sequence").register(registry);
        Gauge.builder("gridscout.hub.assets", store, s -> s.count(FleetStore.Kind.ASSET)).register(registry);
        Gauge.builder("gridscout.hub.findings", store, s -> s.count(FleetStore.Kind.FINDING)).register(registry);
        Gauge.builder("gridscout.hub.communications", store, s -> s.count(FleetStore.Kind.COMMUNICATION)).register(registry);
        Gauge.builder("gridscout.hub.sites", store, s -> s.sites().size()).register(registry);
    }

    public void start() {
        started = true;
        thread.start();
    }

    public FleetStore store() {
        return store;
    }

    /** Records not yet read on the partitions this hub owns (0 when caught up); -1 before the first assignment. */
    public long lag() {
        return lag.isEmpty() ? -1 : lag.values().stream().mapToLong(Long::longValue).sum();
    }

    public Throwable failure() {
        return failure;
    }

    private FleetStore.Kind kind(String topic) {
        if (topic.equals(config.assetsTopic())) return FleetStore.Kind.ASSET;
        if (topic.equals(config.findingsTopic())) return FleetStore.Kind.FINDING;
        if (topic.equals(config.communicationsTopic())) return FleetStore.Kind.COMMUNICATION;
        return FleetStore.Kind.EVENT;
    }

    private List<String> topics() {
        return List.of(config.assetsTopic(), config.eventsTopic(), config.findingsTopic(), config.communicationsTopic());
    }

    private void loop() {
        try {
            consumer.subscribe(topics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> tps) {
                    store.revoke(tps);
                    for (TopicPartition tp : tps) lag.remove(tp);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> tps) {
                    onPartitionsRevoked(tps);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> tps) {
                    for (TopicPartition tp : tps) store.assign(tp, kind(tp.topic()));
                    consumer.seekToBeginning(tps);
                    try {
                        Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(10));
                        Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps, Duration.ofSeconds(10));
                        for (TopicPartition tp : tps) lag.put(tp, ends.getOrDefault(tp, 0L) - begins.getOrDefault(tp, 0L));
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        // a slow broker must not stop the hub: the poll loop fills the lag in from the fetch positions
                        for (TopicPartition tp : tps) lag.put(tp, 0L);
                    }
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    store.apply(tp, r.key(), r.value(), header(r, FleetRecords.SOURCE), seq(header(r, FleetRecords.SEQ)));
                }
                Set<TopicPartition> owned = consumer.assignment();
                for (TopicPartition tp : owned) {
                    OptionalLong l = consumer.currentLag(tp);
                    if (l.isPresent()) lag.put(tp, l.getAsLong());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            failure = e;
            System.err.println("gridscout hub: consumer stopped: " + e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long seq(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
        } else {
            consumer.wakeup();
            thread.join(10_000);
        }
        if (clientMetrics != null) clientMetrics.close();
    }

    /** Partitions currently owned, for the status endpoint. */
    public List<String> owned() {
        List<String> out = new ArrayList<>();
        for (TopicPartition tp : lag.keySet()) out.add(tp.toString());
        out.sort(null);
        return out;
    }
}
