package io.gridscout.agent.fleet;

import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.evidence.EvidenceEngine;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.inventory.Inventory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The live agent's Kafka link: after each checkpoint {@link #checkpointed} appends the changes to an
 * {@link SqliteOutbox} in the agent's own store file (table {@code fleet_outbox}); a sender thread drains it in order
 * through the {@link Publisher}. The outbox is a file, so records survive broker outages and agent restarts and the
 * next run sends them first. Events of a checkpoint whose append failed are kept (bounded) for the next one.
 */
public final class LiveFleet implements AutoCloseable {
    public static final String TABLE = "fleet_outbox";
    private static final int MAX_HELD_EVENTS = 100_000;

    private final String site;
    private final SqliteOutbox outbox;
    private final Publisher publisher;
    private final Thread sender;
    private final Object wake = new Object();
    private final List<ChangeEvent> held = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long eventsDropped, appendFailures;

    public LiveFleet(FleetConfig config, Path storeFile, String site, String standard) {
        this.site = FleetRecords.checkSite(site);
        this.outbox = new SqliteOutbox(storeFile, TABLE);
        this.publisher = new Publisher(config, outbox, standard);
        this.sender = new Thread(this::send, "kafka-sender");
        sender.setDaemon(true);
    }

    public LiveFleet start() {
        sender.start();
        return this;
    }

    public String site() {
        return site;
    }

    /**
     * Checkpoint thread: appends this checkpoint's assets, findings and events to the outbox and wakes the sender, in a
     * transaction of its own (after the store's); {@link #listener()} does it in the store's transaction instead.
     */
    public synchronized void checkpointed(Inventory inv, List<ChangeEvent> events, List<Finding> findings) {
        List<ChangeEvent> all = events;
        if (!held.isEmpty()) {
            all = new ArrayList<>(held);
            all.addAll(events);
        }
        try {
            publisher.checkpoint(site, inv, all, findings);
            held.clear();
        } catch (RuntimeException e) {
            appendFailures++;
            // held already has the earlier ones; keep this checkpoint's too, in order
            if (held.size() + events.size() <= MAX_HELD_EVENTS) held.addAll(events); else eventsDropped += events.size();
            throw e;
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * The engine's checkpoint listener that makes the store checkpoint and the outbox append ONE SQLite transaction:
     * the records are appended on the store's connection inside its checkpoint (same file, table {@value #TABLE}),
     * so a crash or a failure anywhere in between leaves neither or both. When the store rolls back, the engine keeps
     * the events for its next checkpoint, which then publishes them with its own.
     */
    public AgentEngine.CheckpointListener listener() {
        return new AgentEngine.CheckpointListener() {
            private Publisher.Prepared prepared;

            @Override
            public InventoryStore.InTransaction inTransaction(Inventory inv, List<ChangeEvent> events, EvidenceEngine.Result findings) {
                Publisher.Prepared p = publisher.prepareCheckpoint(site, inv, events, findings.findings());
                prepared = p;
                return c -> outbox.appendOn(c, p.records());
            }

            @Override
            public void rolledBack() {
                prepared = null;
                appendFailures++;
            }

            @Override
            public void checkpointed(Inventory inv, List<ChangeEvent> events, EvidenceEngine.Result findings) {
                if (prepared != null) publisher.committed(prepared);
                prepared = null;
                synchronized (wake) {
                    wake.notifyAll();
                }
            }
        };
    }

    /** Records waiting for Kafka. */
    public long pending() {
        return outbox.pending();
    }

    /** Records Kafka acknowledged since start. */
    public long sent() {
        return publisher.sent();
    }

    public long eventsDropped() {
        return eventsDropped;
    }

    public long appendFailures() {
        return appendFailures;
    }

    private void send() {
        while (running) {
            boolean empty = outbox.pending() == 0 || publisher.drain(Duration.ofSeconds(5));
            synchronized (wake) {
                try {
                    if (running) wake.wait(empty ? 1000 : 500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops the sender after a last drain of at most {@code timeout}; what is left stays in the outbox for the next run. */
    public void close(Duration timeout) {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!sender.isAlive()) publisher.drain(timeout);
        publisher.close();
        outbox.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
