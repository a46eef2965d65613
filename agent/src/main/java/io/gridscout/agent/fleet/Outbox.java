package io.gridscout.agent.fleet;

import java.util.List;
import java.util.Set;

/**
 * Records waiting for Kafka, in the order they were appended. Every record gets a sequence number that is never
 * reused by this outbox ({@link #sourceId()} + sequence identify a record across re-sends, so the hub drops
 * duplicates). Records leave the outbox only when Kafka acknowledged them ({@link #remove}). The outbox also knows
 * which keys are live per topic (last appended value not a tombstone), so a publisher can retire what disappeared.
 * The live agent's SQLite store is meant to be the durable implementation ({@link SqliteOutbox}).
 */
public interface Outbox extends AutoCloseable {
    /** {@code value == null} is a tombstone. */
    record Entry(long seq, String topic, String key, byte[] value) {}

    /** A record to append; the outbox assigns its sequence number. */
    record Pending(String topic, String key, byte[] value) {}

    /** Stable id of this outbox (and of the records it numbers). */
    String sourceId();

    /** Appends all records atomically, in order; returns the sequence number of the last one (or -1 when none). */
    long append(List<Pending> records);

    /** Up to {@code max} oldest records. */
    List<Entry> peek(int max);

    /** Removes every record with a sequence number up to and including {@code seq}. */
    void remove(long seq);

    long pending();

    /** Keys of {@code topic} starting with {@code prefix} whose last appended value was not a tombstone. */
    Set<String> liveKeys(String topic, String prefix);

    @Override
    void close();
}
