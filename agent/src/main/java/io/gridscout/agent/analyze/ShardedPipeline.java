package io.gridscout.agent.analyze;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.net.FrameDecoder;
import io.gridscout.protocols.net.FrameView;
import io.gridscout.protocols.pipeline.FlowShard;
import io.gridscout.protocols.pipeline.Pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * File analysis on several cores: the calling (reader) thread decodes only the frame headers to pick a shard
 * ({@link FlowShard}) and copies each frame into a pre-allocated batch of its worker; each worker thread owns one
 * {@link Pipeline}. Facts come back tagged with the global index of the frame being processed when they were
 * emitted and are replayed into the one target sink in index order, so the sink receives them in the order a
 * single pipeline would have emitted them, whatever the threads' timing.
 *
 * <p>Frames travel in rounds: every {@link #ROUND} frames (or when a batch is full) every worker gets its batch
 * for the round, possibly empty, and answers with one chunk of facts; the reader merges a round once all workers
 * have answered. Batches are recycled through a bounded free queue per worker (no allocation per frame; the
 * reader blocks when a worker falls behind by {@link #BATCHES_PER_WORKER} rounds).
 *
 * <p>Not the same as one pipeline in two bounded cases, both counted elsewhere: each worker's flow table has its
 * own cap (the caller divides the cap), so evictions differ once a table is full; and a flow closed for being idle
 * is closed when its worker's next frame arrives rather than the next frame of the whole capture, which changes
 * the time stamp of facts emitted at close (bytes queued behind a TCP gap, requests held by a decoder).
 */
public final class ShardedPipeline implements AutoCloseable {
    static final int ROUND = 2048;
    static final int BATCH_BYTES = 512 * 1024;
    static final int BATCHES_PER_WORKER = 6;

    private final int n;
    private final FactSink target;
    private final Worker[] workers;
    private final Batch[] filling;
    private final FrameView view = new FrameView();
    private long index, inRound;
    private boolean finished;
    private long[] workerCpuNanos = new long[0];

    /** {@code pipelines.apply(sink)} builds worker i's pipeline over the given sink (called n times). */
    public ShardedPipeline(int n, Function<FactSink, Pipeline> pipelines, FactSink target) {
        if (n < 2) throw new IllegalArgumentException("at least 2 workers");
        this.n = n;
        this.target = target;
        this.workers = new Worker[n];
        this.filling = new Batch[n];
        for (int i = 0; i < n; i++) {
            workers[i] = new Worker(i, pipelines);
            filling[i] = workers[i].free.poll();
        }
        for (Worker w : workers) w.thread.start();
    }

    /** One frame (reader thread). The bytes are copied; the caller may reuse {@code buf}. */
    public void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) throws InterruptedException {
        int shard = FlowShard.of(decodeHeaders(linkType, buf, off, len), n);
        Batch b = filling[shard];
        if (b.n == b.time.length || b.data.length - b.used < len) {
            endRound();
            b = filling[shard];
            if (b.data.length < len) b.data = new byte[len];   // a frame larger than a batch (rare): grow this one
        }
        int i = b.n++;
        System.arraycopy(buf, off, b.data, b.used, len);
        b.off[i] = b.used;
        b.len[i] = len;
        b.used += len;
        b.wire[i] = wireLen;
        b.link[i] = linkType;
        b.time[i] = timeNanos;
        b.index[i] = index++;
        if (++inRound == ROUND) endRound();
    }

    private FrameView decodeHeaders(int linkType, byte[] buf, int off, int len) {
        FrameDecoder.decode(linkType, buf, off, len, view);
        return view;
    }

    /** Hands every worker its batch of this round, then merges whatever rounds are complete. */
    private void endRound() throws InterruptedException {
        for (int i = 0; i < n; i++) {
            workers[i].in.put(filling[i]);
            filling[i] = workers[i].free.take();
        }
        inRound = 0;
        mergeReady(false);
    }

    /**
     * End of input: workers close their flows at {@code endTime} (the last frame's time), all facts are merged.
     * Returns each worker's pipeline statistics.
     */
    public List<Pipeline.PipelineStats> finish(long endTime) throws InterruptedException {
        if (finished) throw new IllegalStateException("finished");
        finished = true;
        if (inRound > 0) endRound();
        for (int i = 0; i < n; i++) {
            Batch b = filling[i];
            b.last = true;
            b.endTime = endTime;
            workers[i].in.put(b);
        }
        mergeReady(true);
        List<Pipeline.PipelineStats> stats = new ArrayList<>();
        workerCpuNanos = new long[n];
        for (Worker w : workers) {
            w.thread.join();
            workerCpuNanos[w.id] = w.cpuNanos;
            if (w.failure != null) throw new IllegalStateException("analysis worker " + w.id + " failed", w.failure);
            stats.add(w.pipeline.stats());
        }
        return stats;
    }

    /** CPU time each worker thread used (after {@link #finish}); -1 where the JVM does not measure it. */
    public long[] workerCpuNanos() {
        return workerCpuNanos.clone();
    }

    @Override
    public void close() {
        if (!finished) for (Worker w : workers) w.thread.interrupt();
    }

    // ------------------------------------------------------------------ merge (reader thread)

    private void mergeReady(boolean untilEnd) throws InterruptedException {
        Chunk[] heads = new Chunk[n];
        while (true) {
            if (!untilEnd) {
                for (Worker w : workers) if (w.out.peek() == null) return;
            }
            for (int i = 0; i < n; i++) heads[i] = workers[i].out.take();
            if (heads[0].last) {
                mergeFinish(heads);
                return;
            }
            merge(heads);
        }
    }

    /** Facts of one round: ascending frame index; a frame's facts all come from its one worker, in order. */
    private void merge(Chunk[] c) {
        int[] pos = new int[n];
        while (true) {
            int best = -1;
            long bestKey = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (pos[i] < c[i].size && c[i].keys[pos[i]] < bestKey) {
                    bestKey = c[i].keys[pos[i]];
                    best = i;
                }
            }
            if (best < 0) return;
            // every fact of that frame (they are consecutive in its worker's chunk)
            Chunk b = c[best];
            while (pos[best] < b.size && b.keys[pos[best]] == bestKey) target.accept(b.facts[pos[best]++]);
        }
    }

    /**
     * Facts of the final close: one pipeline closes its flows from least to most recently active, each flow's
     * facts ending with its Conversation. Each worker's flows are in that order too; they are merged by the
     * Conversation's time (the flow's last frame), ties going to the lower worker.
     */
    private void mergeFinish(Chunk[] c) {
        for (Chunk ch : c) {
            long key = Long.MAX_VALUE;
            for (int j = ch.size - 1; j >= 0; j--) {
                if (ch.facts[j] instanceof Fact.Conversation conv) key = conv.time();
                ch.keys[j] = key;
            }
        }
        int[] pos = new int[n];
        while (true) {
            int best = -1;
            long bestKey = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (pos[i] < c[i].size && (best < 0 || c[i].keys[pos[i]] < bestKey)) {
                    bestKey = c[i].keys[pos[i]];
                    best = i;
                }
            }
            if (best < 0) return;
            Chunk b = c[best];
            // the whole group (up to and including the Conversation) of that flow
            while (pos[best] < b.size) {
                Fact f = b.facts[pos[best]++];
                target.accept(f);
                if (f instanceof Fact.Conversation) break;
            }
        }
    }

    // ------------------------------------------------------------------ workers

    /** Pre-allocated frames of one worker for one round. */
    static final class Batch {
        byte[] data = new byte[BATCH_BYTES];
        int used, n;
        final int[] off = new int[ROUND], len = new int[ROUND], wire = new int[ROUND], link = new int[ROUND];
        final long[] time = new long[ROUND], index = new long[ROUND];
        boolean last;
        long endTime;
    }

    /** Facts a worker emitted during one round, with the index of the frame being processed. */
    static final class Chunk {
        long[] keys = new long[64];
        Fact[] facts = new Fact[64];
        int size;
        boolean last;

        void add(long key, Fact f) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                facts = Arrays.copyOf(facts, size * 2);
            }
            keys[size] = key;
            facts[size++] = f;
        }
    }

    static long threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
    }

    private static final class Worker implements Runnable {
        final int id;
        final BlockingQueue<Batch> in = new ArrayBlockingQueue<>(BATCHES_PER_WORKER + 1);
        final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_PER_WORKER + 1);
        final BlockingQueue<Chunk> out = new LinkedBlockingQueue<>();
        final Pipeline pipeline;
        final Thread thread;
        Chunk chunk = new Chunk();
        long key;
        volatile Throwable failure;
        volatile long cpuNanos = -1;

        Worker(int id, Function<FactSink, Pipeline> pipelines) {
            this.id = id;
            for (int i = 0; i < BATCHES_PER_WORKER; i++) free.add(new Batch());
            this.pipeline = pipelines.apply(f -> chunk.add(key, f));
            this.thread = new Thread(this, "gridscout-analyze-" + id);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Batch b = in.take();
                    if (failure == null) {
                        try {
                            if (b.last) pipeline.finish(b.endTime);
                            else for (int i = 0; i < b.n; i++) {
                                key = b.index[i];
                                pipeline.frame(b.link[i], b.data, b.off[i], b.len[i], b.wire[i], b.time[i]);
                            }
                        } catch (RuntimeException | Error e) {
                            failure = e;          // reported by finish(); keep answering so the reader never waits forever
                        }
                    }
                    Chunk c = chunk;
                    c.last = b.last;
                    chunk = new Chunk();
                    if (b.last) cpuNanos = threadCpu();
                    out.put(c);
                    if (b.last) return;
                    b.n = 0;
                    b.used = 0;
                    free.put(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
