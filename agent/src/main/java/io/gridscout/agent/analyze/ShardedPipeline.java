package io.gridscout.agent.analyze;

import io.gridscout.protocols.capture.BufferRecycler;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.FlowShard;
import io.gridscout.protocols.pipeline.Pipeline;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiFunction;

/**
 * File analysis on several cores by handing frames over, for compressed captures (a plain file is read by every
 * lane itself: {@link ReadingLanes}). {@code n} lanes each own one {@link Pipeline}: lane 0 is the calling
 * (reader) thread itself, lanes 1..n-1 are worker threads. The reader picks each frame's lane by flow
 * ({@link FlowShard#quickBucket}, read off the bytes; buckets shared out by weight: the reader also reads, merges
 * and builds the inventory, so it takes a smaller share of the flows), then either decodes and runs the frame
 * through its own pipeline in place or puts a reference to it into its worker's batch. Nothing is copied:
 * the capture reader takes its buffers from this pipeline ({@link BufferRecycler}), which hands a retired buffer
 * out again only once every worker has run the rounds that had frames in it.
 *
 * <p>Exactly one pipeline's output: every lane runs its flow table's idle sweep at every frame's time and
 * index (workers get the time of every frame of the round, not only of their own), flows are tagged with the
 * global index of their last frame, and each fact is keyed (frame index, tag of the flow being closed or
 * "the frame itself"). Merging the lanes by key gives the single pipeline's order: at a frame, idle flows
 * close least recently active first, then the frame's own facts; at the end, flows close least recently
 * active first. The one remaining difference is the flow cap: each lane's table has its own (the caller
 * divides the cap), so evictions differ once a table is full.
 *
 * <p>Frames travel in rounds of up to {@link #ROUND_FRAMES_TOTAL} frames (shorter once they hold
 * {@link #ROUND_BYTES} bytes for the workers); every worker gets its batch for every round and answers with one chunk
 * of facts; the reader merges a round once all lanes have it. Batches are recycled through a bounded free queue per
 * worker (the reader blocks when a worker falls behind by {@link #BATCHES_PER_WORKER} rounds), which also bounds
 * the buffers in flight.
 */
public final class ShardedPipeline implements AutoCloseable, BufferRecycler {
    // Rounds of 16384 frames / 2 MiB for the workers (at least 2048 frames per worker): fewer hand-overs, each of
    // which may cost a thread wake-up. 6 rounds in flight keep about 14 MB of read buffers lent out.
    static final int ROUND_FRAMES_TOTAL = Integer.getInteger("gridscout.analyze.roundFrames", 16384);
    static final int ROUND_BYTES = Integer.getInteger("gridscout.analyze.roundBytes", 2 << 20);
    static final int BATCHES_PER_WORKER = Integer.getInteger("gridscout.analyze.batches", 6);
    /** Size of the read buffers lent to the capture reader (a larger one when a block needs it). */
    static final int READ_BUFFER = 1 << 20;
    /**
     * Default share of the flow buckets run by the reader's own lane with 2 lanes. Measured on the 10M-packet mix
     * (thread CPU, SHA-256 in the reader): 0.05 gives reader 2.9-3.3 s, worker 2.9-3.3 s; 0.1-0.15 loads the reader
     * more than the worker. The reader's own work (read, SHA-256, every header, copies, merge, inventory) is about
     * half of the total already.
     */
    static final double READER_SHARE_2 = 0.05;

    private final int n, round;
    private final FactSink target;
    private final Lane local;
    private final Pipeline localPipeline;
    private final Worker[] workers;        // [1..n-1]
    private final Batch[] filling;         // [1..n-1]
    private final byte[] laneOfBucket = new byte[FlowShard.BUCKETS];
    private final Rounds merger;
    private final int[] kind = new int[1];
    private long index, roundBase, rounds;
    private int inRound, roundBytes;
    /** Read buffers the reader is done with, each with the round its last frame went out in; then free ones. */
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private int buffersAllocated;

    private record Retired(byte[] buf, long round) {}
    private boolean finished;
    private long[] workerCpuNanos = new long[0];

    /**
     * {@code pipelines.apply(share, sink)} builds one lane's pipeline over the given sink (called n times); {@code share}
     * is the fraction of the flows the lane will run, so its flow table cap can be that share of the whole.
     */
    public ShardedPipeline(int n, BiFunction<Double, FactSink, Pipeline> pipelines, FactSink target) {
        this(n, pipelines, target, defaultReaderShare(n));
    }

    /** {@code readerShare}: the fraction of the flow buckets the reader's own lane runs (the rest split evenly). */
    public ShardedPipeline(int n, BiFunction<Double, FactSink, Pipeline> pipelines, FactSink target, double readerShare) {
        if (n < 2) throw new IllegalArgumentException("at least 2 lanes");
        if (n > 127) throw new IllegalArgumentException("at most 127 lanes");
        this.n = n;
        this.round = Math.max(2048, ROUND_FRAMES_TOTAL / (n - 1));
        this.target = target;
        int[] buckets = assignBuckets(n, readerShare, laneOfBucket);
        this.local = new Lane(pipelines, buckets[0] / (double) FlowShard.BUCKETS);
        this.localPipeline = local.pipeline;
        this.workers = new Worker[n];
        this.filling = new Batch[n];
        for (int i = 1; i < n; i++) {
            workers[i] = new Worker(i, pipelines, buckets[i] / (double) FlowShard.BUCKETS, round);
            filling[i] = workers[i].free.poll();
        }
        this.merger = new Rounds(local, workers, target);
        for (int i = 1; i < n; i++) workers[i].thread.start();
    }

    /**
     * Shares the flow buckets out: {@code readerShare} of them to lane 0, the rest round-robin over lanes 1..n-1.
     * Fills {@code laneOfBucket}; returns each lane's bucket count.
     */
    static int[] assignBuckets(int n, double readerShare, byte[] laneOfBucket) {
        int mine = (int) Math.round(Math.max(0, Math.min(1, readerShare)) * FlowShard.BUCKETS);
        int[] buckets = new int[n];
        for (int b = 0; b < FlowShard.BUCKETS; b++) {
            laneOfBucket[b] = (byte) (b < mine ? 0 : 1 + (b - mine) % (n - 1));
            buckets[laneOfBucket[b]]++;
        }
        return buckets;
    }

    /**
     * The lane of a frame, as the reader (lane 0) places it: its bucket read off the bytes where
     * {@link FlowShard#quickBucket} can, else from its decoded headers. The headers are decoded into
     * {@code p.view()} (and the frame's kind put in {@code kind[0]}, else -1) when that was needed to tell, or when
     * the frame is lane 0's, which the reader runs.
     */
    static int laneOf(byte[] laneOfBucket, Pipeline p, int[] kind, int linkType, byte[] buf, int off, int len) {
        kind[0] = -1;
        int bucket = FlowShard.quickBucket(linkType, buf, off, len);
        if (bucket == FlowShard.DECODE) {
            kind[0] = p.decode(linkType, buf, off, len);
            bucket = FlowShard.bucket(p.view());
        }
        int lane = bucket < 0 ? 0 : laneOfBucket[bucket];
        if (lane == 0 && kind[0] < 0) kind[0] = p.decode(linkType, buf, off, len);
        return lane;
    }

    static double defaultReaderShare(int n) {
        return readerShare(n, READER_SHARE_2);
    }

    /** System property gridscout.analyze.readerShare, else {@code forTwo} with 2 lanes, scaled down with more. */
    static double readerShare(int n, double forTwo) {
        String s = System.getProperty("gridscout.analyze.readerShare");
        if (s != null) return Double.parseDouble(s);
        // an even share scaled down by the reader's own work (reading, header decode, copies, merge, inventory)
        return n == 2 ? forTwo : forTwo * 2 / n;
    }

    /**
     * One frame (reader thread). Frames for workers are kept by reference: {@code buf} must come from a capture
     * reader that recycles its buffers through this pipeline ({@link io.gridscout.protocols.capture.CaptureReader#recycleBuffers}).
     */
    public void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) throws InterruptedException {
        // most frames go to a worker, which decodes their headers anyway: decode here only this lane's frames
        int lane = laneOf(laneOfBucket, localPipeline, kind, linkType, buf, off, len);
        if (lane != 0) {
            Batch b = filling[lane];
            int i = b.n++;
            b.buf[i] = buf;
            b.off[i] = off;
            b.len[i] = len;
            roundBytes += len;
            b.wire[i] = wireLen;
            b.link[i] = linkType;
            b.pos[i] = inRound;
        }
        long k = index++;
        int pos = inRound++;
        for (int w = 1; w < n; w++) filling[w].roundTime[pos] = timeNanos;
        if (lane == 0) {
            local.own(k, timeNanos);
            localPipeline.decoded(kind[0], wireLen, timeNanos);
        } else {
            local.tick(k, timeNanos);
        }
        if (inRound == round || roundBytes >= ROUND_BYTES) endRound();
    }

    // ------------------------------------------------------------------ read buffers (reader thread)

    @Override
    public byte[] fresh(int minLength) {
        long done = Long.MAX_VALUE;                       // rounds every worker has run
        for (int i = 1; i < n; i++) done = Math.min(done, workers[i].roundsRun);
        while (!retired.isEmpty() && retired.peek().round < done) {
            byte[] b = retired.poll().buf;
            if (b.length == READ_BUFFER) spare.add(b);   // odd sizes (the reader's first, an outsized block) go
        }
        if (!spare.isEmpty() && spare.peek().length >= minLength) return spare.poll();
        buffersAllocated++;
        return new byte[Math.max(minLength, READ_BUFFER)];
    }

    @Override
    public void retire(byte[] buf) {
        retired.add(new Retired(buf, rounds));             // its frames went out in this round or before
    }

    /** Read buffers allocated so far (they are reused once the workers are done with them). */
    public int buffersAllocated() {
        return buffersAllocated;
    }

    /** Hands every worker its batch of this round, then merges whatever rounds are complete. */
    private void endRound() throws InterruptedException {
        for (int i = 1; i < n; i++) {
            Batch b = filling[i];
            b.base = roundBase;
            b.roundLen = inRound;
            b.round = rounds;
            workers[i].in.put(b);
            filling[i] = workers[i].free.take();
        }
        merger.endLocal(false);
        roundBase = index;
        inRound = 0;
        roundBytes = 0;
        rounds++;
        merger.merge(false, Integer.MAX_VALUE);
    }

    /**
     * End of input: every lane closes its flows at {@code endTime} (the last frame's time), all facts are merged.
     * Returns each lane's pipeline statistics.
     */
    public List<Pipeline.PipelineStats> finish(long endTime) throws InterruptedException {
        if (finished) throw new IllegalStateException("finished");
        finished = true;
        if (inRound > 0) endRound();
        for (int i = 1; i < n; i++) {
            Batch b = filling[i];
            b.last = true;
            b.endTime = endTime;
            workers[i].in.put(b);
        }
        local.finish(endTime);
        merger.endLocal(true);
        merger.merge(true, Integer.MAX_VALUE);
        workerCpuNanos = new long[n - 1];
        return Rounds.join(local, workers, workerCpuNanos, w -> { });
    }

    /** CPU time each worker thread used (after {@link #finish}); -1 where the JVM does not measure it. */
    public long[] workerCpuNanos() {
        return workerCpuNanos.clone();
    }

    @Override
    public void close() {
        Rounds.stop(workers);
    }

    // ------------------------------------------------------------------ merge (reader thread)

    /**
     * Facts of one round (or of the final close) by ascending key; the facts of one key (a frame's own, or one
     * flow closing) all come from one lane, consecutive and in order.
     */
    static void merge(Chunk[] c, FactSink target) {
        int n = c.length;
        if (n == 2) {
            merge2(c[0], c[1], target);
            return;
        }
        int[] pos = new int[n];
        while (true) {
            int best = -1;
            long b1 = Long.MAX_VALUE, b2 = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                int p = pos[i];
                if (p < c[i].size) {
                    long k1 = c[i].k1[p], k2 = c[i].k2[p];
                    if (best < 0 || k1 < b1 || (k1 == b1 && k2 < b2)) {
                        best = i;
                        b1 = k1;
                        b2 = k2;
                    }
                }
            }
            if (best < 0) return;
            pos[best] = c[best].emit(pos[best], target);
        }
    }

    private static void merge2(Chunk a, Chunk b, FactSink target) {
        int i = 0, j = 0;
        while (i < a.size && j < b.size) {
            long a1 = a.k1[i], b1 = b.k1[j];
            if (a1 < b1 || (a1 == b1 && a.k2[i] < b.k2[j])) i = a.emit(i, target);
            else j = b.emit(j, target);
        }
        while (i < a.size) target.accept(a.facts[i++]);
        while (j < b.size) target.accept(b.facts[j++]);
    }

    // ------------------------------------------------------------------ lanes

    /** Facts a lane emitted during one round, each with its key (frame index, flow tag or {@link Lane#OWN}). */
    static final class Chunk {
        long[] k1 = new long[64], k2 = new long[64];
        Fact[] facts = new Fact[64];
        int size;
        boolean last;

        void add(long key1, long key2, Fact f) {
            if (size == k1.length) {
                k1 = Arrays.copyOf(k1, size * 2);
                k2 = Arrays.copyOf(k2, size * 2);
                facts = Arrays.copyOf(facts, size * 2);
            }
            k1[size] = key1;
            k2[size] = key2;
            facts[size++] = f;
        }

        /** Emits the run of facts with the key at {@code from}; returns where the next key starts. */
        int emit(int from, FactSink sink) {
            long key1 = k1[from], key2 = k2[from];
            int i = from;
            do sink.accept(facts[i++]); while (i < size && k1[i] == key1 && k2[i] == key2);
            return i;
        }
    }

    /** One pipeline and the key its facts get. */
    static final class Lane {
        static final long OWN = Long.MAX_VALUE;   // key2 of a frame's own facts: after the flows it closes idle
        static final long END = Long.MAX_VALUE;   // key1 of the final close: after every frame
        final Pipeline pipeline;
        final FlowTable flows;
        /** Chunks the reader has merged, back for reuse (no allocation per round once warm). */
        final java.util.concurrent.ConcurrentLinkedQueue<Chunk> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Chunk chunk = new Chunk();
        long key1, key2;

        Lane(BiFunction<Double, FactSink, Pipeline> pipelines, double share) {
            this.pipeline = pipelines.apply(share, f -> chunk.add(key1, key2, f));
            this.flows = pipeline.flows();
        }

        /** The idle sweep at frame {@code k} (time {@code t}), keyed per closing flow by its tag. */
        void tick(long k, long t) {
            long tag;
            while ((tag = flows.idleTag(t)) >= 0) {
                key1 = k;
                key2 = tag;
                flows.advanceOne(t);
            }
        }

        /** Before this lane's own frame {@code k}: the idle sweep, then the frame's facts keyed as its own. */
        void own(long k, long t) {
            tick(k, t);
            key1 = k;
            key2 = OWN;
            flows.tag(k);
        }

        /** End of input: flows close least recently active first, keyed by tag, then the pipeline finishes. */
        void finish(long endTime) {
            long tag;
            while ((tag = flows.oldestTag()) >= 0) {
                key1 = END;
                key2 = tag;
                flows.closeOldest(endTime);
            }
            key1 = END;
            key2 = OWN;
            pipeline.finish(endTime);
        }

        Chunk take(boolean last) {
            Chunk c = chunk;
            c.last = last;
            Chunk next = spare.poll();
            chunk = next != null ? next : new Chunk();
            return c;
        }

        /** (Reader thread) a merged chunk: emptied, dropping its facts, and handed back. */
        void recycle(Chunk c) {
            Arrays.fill(c.facts, 0, c.size, null);
            c.size = 0;
            c.last = false;
            spare.offer(c);
        }
    }

    /** One worker's frames of one round (references into read buffers), with the time of every frame of the round. */
    static final class Batch {
        final byte[][] buf;
        int n, roundLen;
        long base, round;
        final int[] off, len, wire, link, pos;
        final long[] roundTime;
        boolean last;
        long endTime;

        Batch(int round) {
            buf = new byte[round][];
            off = new int[round];
            len = new int[round];
            wire = new int[round];
            link = new int[round];
            pos = new int[round];
            roundTime = new long[round];
        }
    }

    static long threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
    }

    private static final class Worker extends Rounds.Worker {
        final BlockingQueue<Batch> in = new ArrayBlockingQueue<>(BATCHES_PER_WORKER + 1);
        final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_PER_WORKER + 1);
        /** Rounds whose frames this worker has run: their read buffers may be reused. */
        volatile long roundsRun;

        Worker(int id, BiFunction<Double, FactSink, Pipeline> pipelines, double share, int round) {
            super(id, new Lane(pipelines, share), new LinkedBlockingQueue<>());
            for (int i = 0; i < BATCHES_PER_WORKER; i++) free.add(new Batch(round));
        }

        private void run(Batch b) {
            Pipeline p = lane.pipeline;
            int j = 0, n = b.n;
            for (int q = 0; q < b.roundLen; q++) {
                long k = b.base + q, t = b.roundTime[q];
                if (j < n && b.pos[j] == q) {
                    lane.own(k, t);
                    p.frame(b.link[j], b.buf[j], b.off[j], b.len[j], b.wire[j], t);
                    j++;
                } else {
                    lane.tick(k, t);
                }
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Batch b = in.take();
                    if (failure == null) {
                        try {
                            if (b.last) lane.finish(b.endTime);
                            else run(b);
                        } catch (RuntimeException | Error e) {
                            failure = e;          // reported by finish(); keep answering so the reader never waits forever
                        }
                    }
                    if (b.last) cpuNanos = threadCpu();
                    else roundsRun = b.round + 1;
                    out.put(lane.take(b.last));
                    if (b.last) return;
                    java.util.Arrays.fill(b.buf, 0, b.n, null);   // no read buffer held past its round
                    b.n = 0;
                    free.put(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
