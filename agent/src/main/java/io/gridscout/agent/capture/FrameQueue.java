package io.gridscout.agent.capture;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-over from capture threads to the one pipeline thread, in {@link FrameBatch}es: each capture
 * thread ({@link Producer}) fills a batch and queues it when full; the pipeline thread takes full batches and,
 * when none came for a while, the partly filled batch of a producer that has nothing queued (so a quiet network
 * is still decoded within the poll interval). At most {@code capacity} frames' worth of batches exist; when all
 * are queued, a capture thread waits briefly (the kernel ring, 64 MB by default, absorbs the burst meanwhile),
 * then drops frames and counts them until a batch comes back. It never blocks for long, so breakLoop() stays
 * prompt.
 */
public final class FrameQueue {
    /**
     * Frames and arena bytes of one batch: one hand-over per ~1000 frames at speed. Arenas are allocated as needed
     * up to the cap, so the queue takes at most {@code capacity} x 256 bytes of heap (16 MiB for the default 65,536).
     */
    static final int BATCH_FRAMES = 1024, BATCH_BYTES = 256 * 1024;

    private final int batchFrames, batchBytes, maxBatches;
    private final LinkedBlockingQueue<FrameBatch> ready = new LinkedBlockingQueue<>();
    private final ArrayBlockingQueue<FrameBatch> free;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong(), queuedFrames = new AtomicLong();
    private final List<Producer> producers = new CopyOnWriteArrayList<>();
    private int stealFrom;

    /** Room for about {@code capacity} frames (in batches of {@value #BATCH_FRAMES} frames / 256 KiB). */
    public FrameQueue(int capacity) {
        this(Math.max(2, capacity / BATCH_FRAMES), BATCH_FRAMES, BATCH_BYTES);
    }

    /** {@code maxBatches} batches of {@code batchFrames} frames and {@code batchBytes} bytes each. */
    public FrameQueue(int maxBatches, int batchFrames, int batchBytes) {
        if (maxBatches < 1 || batchFrames < 1 || batchBytes < 1) throw new IllegalArgumentException("empty queue");
        this.maxBatches = maxBatches;
        this.batchFrames = batchFrames;
        this.batchBytes = batchBytes;
        this.free = new ArrayBlockingQueue<>(maxBatches);
    }

    /** A new writer (one per capture thread). */
    public Producer producer() {
        Producer p = new Producer();
        producers.add(p);
        return p;
    }

    /** Fills a frame's bytes straight into the batch (e.g. from libpcap's buffer), under the producer's lock. */
    public interface Source {
        void copyTo(byte[] dst, int off, int len);
    }

    /** One capture thread's side. */
    public final class Producer {
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final AtomicInteger inFlight = new AtomicInteger();   // this producer's batches in the ready queue
        private FrameBatch current;
        private boolean starved;   // no batch was free: drop without waiting until one is

        private Producer() {}

        /** Adds a copy of {@code data[0..data.length)}. */
        public void add(int linkType, byte[] data, int wireLen, long timeNanos) {
            add(linkType, data.length, wireLen, timeNanos, (dst, off, len) -> System.arraycopy(data, 0, dst, off, len));
        }

        /** Adds a frame of {@code len} captured bytes that {@code src} writes; dropped (and counted) when the queue is full. */
        public void add(int linkType, int len, int wireLen, long timeNanos, Source src) {
            lock.lock();
            try {
                FrameBatch b = current;
                if (b == null || !b.fits(len)) {
                    if (b != null) handOver(b);
                    b = current = take();
                    if (b == null || !b.fits(len)) {
                        dropped.incrementAndGet();
                        return;
                    }
                }
                src.copyTo(b.data, b.used, len);
                b.commit(linkType, len, wireLen, timeNanos);
            } finally {
                lock.unlock();
            }
        }

        /** Queues what is filled now (end of capture), so the pipeline thread gets it without waiting. */
        public void flush() {
            lock.lock();
            try {
                if (current != null && current.n > 0) {
                    handOver(current);
                    current = null;
                }
            } finally {
                lock.unlock();
            }
        }

        private void handOver(FrameBatch b) {
            inFlight.incrementAndGet();
            queuedFrames.addAndGet(b.n);
            ready.add(b);
        }

        private FrameBatch take() {
            FrameBatch b = free.poll();
            if (b == null && batches.get() < maxBatches && batches.incrementAndGet() <= maxBatches) {
                b = new FrameBatch(batchFrames, batchBytes);
            }
            if (b == null && !starved) {
                try {
                    b = free.poll(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            starved = b == null;
            if (b != null) b.owner = this;   // batches are pooled across producers
            return b;
        }

        /** The partly filled batch, when this producer has nothing queued (order is kept); null otherwise. */
        private FrameBatch steal() {
            if (!lock.tryLock()) return null;   // it is writing: its next hand-over will come
            try {
                FrameBatch b = current;
                if (inFlight.get() != 0 || b == null || b.n == 0) return null;
                current = null;
                return b;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The next batch: a full one, or after {@code millis} without one the partly filled batch of a quiet producer;
     * null if there is nothing at all. Give it back with {@link #recycle} once its frames are decoded.
     */
    public FrameBatch poll(long millis) throws InterruptedException {
        FrameBatch b = millis <= 0 ? ready.poll() : ready.poll(millis, TimeUnit.MILLISECONDS);
        if (b != null) {
            b.owner.inFlight.decrementAndGet();
            queuedFrames.addAndGet(-b.n);
            return b;
        }
        List<Producer> ps = producers;
        for (int i = 0, n = ps.size(); i < n; i++) {
            stealFrom = (stealFrom + 1) % n;
            FrameBatch s = ps.get(stealFrom).steal();
            if (s != null) return s;
        }
        return null;
    }

    /** Returns a decoded batch for reuse. */
    public void recycle(FrameBatch b) {
        b.clear();
        free.offer(b);
    }

    public long dropped() {
        return dropped.get();
    }

    /** Frames in full batches waiting for the pipeline thread. */
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, queuedFrames.get());
    }
}
