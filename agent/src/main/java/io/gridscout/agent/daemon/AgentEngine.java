package io.gridscout.agent.daemon;

import io.gridscout.agent.analyze.CaptureAnalyzer;
import io.gridscout.agent.capture.FrameBatch;
import io.gridscout.agent.capture.FrameQueue;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeDetector;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.events.FindingChanges;
import io.gridscout.mapping.evidence.EvidenceEngine;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.mapping.register.Reconciler;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The live agent's core. One pipeline thread owns the pipeline and the inventory builder: it decodes frames
 * and, every tick, flushes conversation counters, takes a snapshot, diffs it against the previous one into
 * change events and publishes both. Readers (API, metrics, checkpoint thread) only see published immutable
 * snapshots. A checkpoint writes the published snapshot and the events up to it in one transaction.
 * Ticks also evaluate the evidence rules on the snapshot with the site context (rules that need no site run
 * without one): in run() every tick while that is cheap, else throttled to 5% of the thread; findings not in the previous
 * evaluation's become {@code finding.new} events.
 */
public final class AgentEngine {
    public record Settings(long tickNanos, long checkpointNanos, long silentAfterNanos, long eventRetentionNanos, FlowTable.Limits flowLimits) {
        public static Settings defaults() {
            return new Settings(1_000_000_000L, 10_000_000_000L, 3_600_000_000_000L, 90L * 86_400_000_000_000L, FlowTable.Limits.defaults());
        }
    }

    /** Counters of the packet path as of the last tick (plain values, safe to read from any thread). */
    public record LiveStats(long packets, long bytes, long malformedFrames, Map<String, Long> malformedByProtocol, int activeFlows,
                            long flowsCreated, long flowsEvicted, long flowsExpired, long tcpGaps, long decoderErrors, long fragmentsDropped,
                            int assets, int communications, long ticks) {
        static final LiveStats EMPTY = new LiveStats(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static final int MAX_PENDING = 1_000_000;
    /** In run(), rule evaluations faster than this run every tick; slower ones at most every 20x their duration (5% of the thread). */
    private static final long EVIDENCE_FREE_NANOS = 50_000_000L;

    private final Settings settings;
    private final InventoryStore store;
    private final InventoryBuilder builder = new InventoryBuilder();
    private final Pipeline pipeline;
    private final ChangeDetector detector;
    private final Object publishLock = new Object();
    private final Object checkpointLock = new Object();
    private final List<ChangeEvent> pending = new ArrayList<>();
    private final List<Consumer<List<ChangeEvent>>> listeners = new ArrayList<>();
    private final SiteContext site;
    private final List<RegisterEntry> register;
    private Inventory previous;
    private Set<String> previousFindings;
    private long nextEvidenceNanos = System.nanoTime(), lastEvidenceNanos;
    private volatile Inventory current;
    private volatile EvidenceEngine.Result findings;
    private volatile LiveStats stats = LiveStats.EMPTY;
    private volatile long lastCheckpointNanos, lastCheckpointWallNanos, checkpoints;
    private volatile long eventsDropped;
    private long countedPackets, countedEvicted, countedGaps, countedMalformed, ticks;
    private final List<Long> checkpointDurations = new ArrayList<>();
    private volatile CheckpointListener checkpointListener;

    /** Told, on the checkpoint thread, what each successful checkpoint wrote (e.g. the Kafka outbox). */
    public interface CheckpointListener {
        void checkpointed(Inventory inv, List<ChangeEvent> events, EvidenceEngine.Result findings);

        /** Before the store's checkpoint: work to run last inside its transaction (null: none), committed or rolled back with it. */
        default InventoryStore.InTransaction inTransaction(Inventory inv, List<ChangeEvent> events, EvidenceEngine.Result findings) {
            return null;
        }

        /** The store's checkpoint failed and was rolled back (including the {@link #inTransaction} work). */
        default void rolledBack() {}
    }

    /** Opens the engine on {@code store} (null: memory only) and continues from what the store holds. */
    public AgentEngine(Settings settings, InventoryStore store) throws SQLException {
        this(settings, store, null, null);
    }

    /** With the operator's site context (null: none) and declared register (null: no reconciliation) for the evidence rules. */
    public AgentEngine(Settings settings, InventoryStore store, SiteContext site, List<RegisterEntry> register) throws SQLException {
        this.settings = settings;
        this.store = store;
        this.site = site == null ? SiteContext.empty() : site;
        this.register = register == null ? null : List.copyOf(register);
        this.pipeline = new Pipeline(builder, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), settings.flowLimits());
        this.detector = new ChangeDetector(settings.silentAfterNanos());
        Inventory stored = store == null ? null : store.load();
        if (stored != null) builder.restore(stored);
        previous = builder.snapshot();
        if (stored != null) detector.prime(previous, wallNanos());
        current = previous;
        findings = evaluate(previous);
        // like assets, findings already true of the restored inventory are not new after a restart
        previousFindings = stored != null ? FindingChanges.keys(findings.findings()) : Set.of();
        stats = new LiveStats(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, previous.assets().size(), previous.communications().size(), 0);
    }

    public Settings settings() {
        return settings;
    }

    public InventoryStore store() {
        return store;
    }

    /** One listener; a failing one is reported by the checkpoint, the store checkpoint itself stands. */
    public void onCheckpoint(CheckpointListener l) {
        checkpointListener = l;
    }

    /** Called on the pipeline thread with each tick's events (e.g. watch prints new assets). */
    public void addListener(Consumer<List<ChangeEvent>> l) {
        listeners.add(l);
    }

    public Inventory inventory() {
        return current;
    }

    /** The evidence rules' findings on the published snapshot. */
    public EvidenceEngine.Result findings() {
        return findings;
    }

    /** The site context the rules and zone views use (empty when none was given). */
    public SiteContext site() {
        return site;
    }

    /** The declared asset register the findings reconcile against (null when none was given). */
    public List<RegisterEntry> register() {
        return register;
    }

    public LiveStats stats() {
        return stats;
    }

    /** Events not stored because the backlog was full (the store kept failing). */
    public long eventsDropped() {
        return eventsDropped;
    }

    public long checkpoints() {
        return checkpoints;
    }

    public long lastCheckpointDurationNanos() {
        return lastCheckpointNanos;
    }

    public long lastCheckpointWallNanos() {
        return lastCheckpointWallNanos;
    }

    /** Checkpoint durations since the last call (for the metrics timer). */
    public List<Long> drainCheckpointDurations() {
        synchronized (checkpointDurations) {
            List<Long> d = new ArrayList<>(checkpointDurations);
            checkpointDurations.clear();
            return d;
        }
    }

    // ------------------------------------------------------------------ pipeline thread

    /** Decodes every frame of a batch from the capture threads. */
    public void process(FrameBatch b) {
        byte[] data = b.data();
        for (int i = 0, n = b.size(); i < n; i++) {
            pipeline.frame(b.linkType(i), data, b.offset(i), b.length(i), b.wireLength(i), b.timeNanos(i));
        }
    }

    /** Reads a capture file into the inventory (own pipeline, like analyze). Only while no pipeline thread runs. */
    public Inventory.CaptureSummary ingestFile(Path file) throws IOException {
        return new CaptureAnalyzer(builder, settings.flowLimits()).analyze(file, null);
    }

    /** Flushes counters, snapshots, diffs, evaluates the evidence rules and publishes. Pipeline thread only. */
    public List<ChangeEvent> tick(long nowNanos) {
        return tick(nowNanos, true);
    }

    /** {@code evidence} false keeps the previous findings (run() throttles costly rule evaluations). */
    private List<ChangeEvent> tick(long nowNanos, boolean evidence) {
        pipeline.flush();
        Pipeline.PipelineStats s = pipeline.stats();
        builder.count("packets", s.packets - countedPackets);
        builder.count("flowsEvicted", s.flows().flowsEvicted - countedEvicted);
        builder.count("tcpGaps", s.flows().tcpGaps - countedGaps);
        builder.count("malformedFrames", s.malformedFrames - countedMalformed);
        countedPackets = s.packets;
        countedEvicted = s.flows().flowsEvicted;
        countedGaps = s.flows().tcpGaps;
        countedMalformed = s.malformedFrames;
        Inventory inv = builder.snapshot();
        List<ChangeEvent> events = detector.diff(previous, inv, nowNanos);
        EvidenceEngine.Result found = findings;
        long e0 = System.nanoTime();
        if (evidence) {
            found = evaluate(inv);
            events.addAll(FindingChanges.diff(previousFindings, found.findings(), nowNanos));
            previousFindings = FindingChanges.keys(found.findings());
            long took = System.nanoTime() - e0, cost = Math.min(took, lastEvidenceNanos);   // one slow (cold JIT) run does not throttle
            lastEvidenceNanos = took;
            nextEvidenceNanos = cost < EVIDENCE_FREE_NANOS ? e0 : e0 + 20 * cost;
        }
        previous = inv;
        ticks++;
        synchronized (publishLock) {
            current = inv;
            findings = found;
            // memory-only (watch) keeps no backlog; a store that keeps failing must not grow it without bound
            if (store != null) {
                if (pending.size() + events.size() <= MAX_PENDING) pending.addAll(events); else eventsDropped += events.size();
            }
        }
        stats = new LiveStats(s.packets, s.bytes, s.malformedFrames, new TreeMap<>(s.flows().malformedByProtocol()), pipeline.flows().size(),
                s.flows().flowsCreated, s.flows().flowsEvicted, s.flows().flowsExpired, s.flows().tcpGaps, s.flows().decoderErrors,
                s.fragmentsDropped, inv.assets().size(), inv.communications().size(), ticks);
        if (!events.isEmpty()) for (Consumer<List<ChangeEvent>> l : listeners) l.accept(events);
        return events;
    }

    /** Runs the pipeline on the calling thread until interrupted; ticks every {@code settings.tickNanos}. */
    public void run(FrameQueue queue) {
        long nextTick = System.nanoTime() + settings.tickNanos();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                FrameBatch b = queue.poll(50);
                if (b != null) {
                    process(b);
                    queue.recycle(b);
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    tick(wallNanos(), now - nextEvidenceNanos >= 0);
                    // a snapshot of a huge inventory costs time: keep it under a fifth of the pipeline's time
                    long took = System.nanoTime() - now;
                    nextTick = System.nanoTime() + Math.max(settings.tickNanos(), 4 * took);
                }
            }
        } catch (InterruptedException e) {
            // shutdown
        }
        // what is still queued was captured: decode it before the final snapshot
        FrameBatch b;
        try {
            while ((b = queue.poll(0)) != null) {
                process(b);
                queue.recycle(b);
            }
        } catch (InterruptedException e) {
            // ignore: finishing anyway
        }
        tick(wallNanos());
    }

    /** Bounded: each rule keeps at most Findings.MAX_PER_RULE; the tick interval stretches with the time this takes. */
    private EvidenceEngine.Result evaluate(Inventory inv) {
        return EvidenceEngine.evaluate(inv, site, register == null ? null : Reconciler.reconcile(inv, register, site));
    }

    // ------------------------------------------------------------------ checkpoint thread

    /** Writes the published snapshot and the events up to it in one transaction; prunes old events. Returns the events written. */
    public List<ChangeEvent> checkpoint() throws SQLException {
        if (store == null) return List.of();
        synchronized (checkpointLock) {
            long started = System.nanoTime();
            Inventory inv;
            EvidenceEngine.Result found;
            List<ChangeEvent> events;
            synchronized (publishLock) {
                inv = current;
                found = findings;
                events = new ArrayList<>(pending);
                pending.clear();
            }
            long wall = wallNanos();
            CheckpointListener l = checkpointListener;
            try {
                InventoryStore.InTransaction also = l == null ? null : l.inTransaction(inv, events, found);
                store.checkpoint(inv, events, Map.of("lastCheckpoint", Long.toString(wall)), also);
            } catch (SQLException | RuntimeException e) {
                synchronized (publishLock) {
                    pending.addAll(0, events);   // keep them for the next attempt
                }
                if (l != null) l.rolledBack();
                throw e;
            }
            try {
                // right after the commit: a failing prune must not leave the listener believing nothing was committed
                if (l != null) l.checkpointed(inv, events, found);
            } finally {
                if (settings.eventRetentionNanos() > 0) store.pruneEvents(wall - settings.eventRetentionNanos());
                lastCheckpointNanos = System.nanoTime() - started;
                lastCheckpointWallNanos = wall;
                checkpoints++;
                synchronized (checkpointDurations) {
                    if (checkpointDurations.size() < 10_000) checkpointDurations.add(lastCheckpointNanos);
                }
            }
            return events;
        }
    }

    public static long wallNanos() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
