package io.gridscout.agent.analyze;

import io.gridscout.agent.analyze.ShardedPipeline.Lane;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.pipeline.FlowShard;
import io.gridscout.protocols.pipeline.Pipeline;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.BiFunction;

/**
 * File analysis on several cores where every lane reads the capture file itself: lane 0 is the calling thread
 * (which also hashes the file, merges and builds the inventory), lanes 1..n-1 are worker threads, each with its own
 * reader over the same file. Every lane walks every record; it runs the frames of its flows and only runs the
 * idle sweep at the others' times. No frame crosses threads, only facts do: handing frames over cost ~100 ns per
 * frame (copies, cache misses on the other core), reading a page-cached file again costs ~20 ns. Only the reader
 * works out which lane owns a frame ({@link FlowShard#quickBucket}, buckets shared out as in
 * {@link ShardedPipeline}); it hands each round's lane map (a byte per frame) to the workers, which saves them the
 * bucket hash of every frame (~13 ns) and the header decode of frames the hash cannot place but that they do not
 * own. Compressed files are not read this way (every lane would inflate the whole file): {@link ShardedPipeline}
 * hands frames over.
 *
 * <p>The output is the single pipeline's, for the same reasons as in {@link ShardedPipeline}: each fact is keyed
 * by (frame index, flow tag) and the lanes' facts are merged by key. Lanes cut their facts into rounds at the same
 * frame indexes ({@link #ROUND} frames), the reader merges round by round; a worker runs a round once the reader
 * has read it (it needs the round's lane map), the reader may run {@link #AHEAD} rounds ahead of the merge before
 * it waits. A worker that read another number of frames (the file changed while being read) fails the analysis
 * rather than give a different inventory.
 */
public final class ReadingLanes implements AutoCloseable {
    /**
     * Frames per round. Short rounds let the reader take a worker's facts while they are still in a cache: 2,048
     * against 16,384 ran 50M with 0.4-2 CPU-s less in 6 of 7 alternated pairs (round 7 in docs/performance.md).
     */
    static final int ROUND = Integer.getInteger("gridscout.analyze.laneRound", 2048);
    static final int AHEAD = Integer.getInteger("gridscout.analyze.laneAhead", 4);

    /**
     * Default share of the flow buckets run by the reader's own lane with 2 lanes. Measured on the 50M-packet mix:
     * 0.05 left the worker 2 s busier than the reader (which also hashes the file, merges and builds the
     * inventory), 0.15 balanced them (8.7 and 9.1 CPU-s), 0.25 loaded the reader more.
     */
    static final double READER_SHARE_2 = 0.15;

    static double defaultReaderShare(int n) {
        return ShardedPipeline.readerShare(n, READER_SHARE_2);
    }

    /** Opens a new reader over the capture being analysed (for a worker). */
    public interface Opener {
        CaptureReader open() throws IOException;
    }

    private final int n;
    private final Lane local;
    private final Pipeline localPipeline;
    private final Worker[] workers;        // [1..n-1]
    private final byte[] laneOfBucket = new byte[FlowShard.BUCKETS];
    /** Lane maps the workers are done with, for reuse (no allocation per round once warm). */
    private final java.util.concurrent.ConcurrentLinkedQueue<LaneMap> spareMaps = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The lane of each frame of the round being read. */
    private LaneMap map;
    private final Rounds merger;
    private final int[] kind = new int[1];
    private long index;
    private boolean finished;
    private long[] workerCpuNanos = new long[0];

    public ReadingLanes(int n, BiFunction<Double, FactSink, Pipeline> pipelines, FactSink target, double readerShare, Opener opener) {
        if (n < 2) throw new IllegalArgumentException("at least 2 lanes");
        if (n > 127) throw new IllegalArgumentException("at most 127 lanes");
        this.n = n;
        int[] buckets = ShardedPipeline.assignBuckets(n, readerShare, laneOfBucket);
        this.local = new Lane(pipelines, buckets[0] / (double) FlowShard.BUCKETS);
        this.localPipeline = local.pipeline;
        this.workers = new Worker[n];
        for (int i = 1; i < n; i++) workers[i] = new Worker(i, pipelines, buckets[i] / (double) FlowShard.BUCKETS, opener);
        this.merger = new Rounds(local, workers, target);
        this.map = new LaneMap();
        for (int i = 1; i < n; i++) workers[i].thread.start();
    }

    /** One frame as the calling thread read it (every frame of the file, in order). */
    public void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) throws InterruptedException {
        int lane = ShardedPipeline.laneOf(laneOfBucket, localPipeline, kind, linkType, buf, off, len);
        long k = index++;
        map.lanes[(int) (k % ROUND)] = (byte) lane;
        if (lane == 0) {
            local.own(k, timeNanos);
            localPipeline.decoded(kind[0], wireLen, timeNanos);
        } else {
            local.tick(k, timeNanos);
        }
        if (index % ROUND == 0) {
            publish(ROUND, false);
            merger.endLocal(false);
            merger.merge(false, AHEAD);
        }
    }

    /** Hands the round's lane map to every worker (the map of the last round is marked and may be short). */
    private void publish(int count, boolean last) {
        LaneMap m = map;
        m.count = count;
        m.last = last;
        m.pending.set(n - 1);
        for (int i = 1; i < n; i++) workers[i].maps.add(m);
        LaneMap next = spareMaps.poll();
        map = next != null ? next : new LaneMap();
    }

    /** End of input at {@code endTime} (the last frame's time): every lane closes its flows, all facts are merged. */
    public List<Pipeline.PipelineStats> finish(long endTime) throws InterruptedException {
        if (finished) throw new IllegalStateException("finished");
        finished = true;
        publish((int) (index % ROUND), true);
        local.finish(endTime);
        merger.endLocal(true);
        merger.merge(true, AHEAD);
        workerCpuNanos = new long[n - 1];
        return Rounds.join(local, workers, workerCpuNanos, w -> {
            if (w.frames != index || w.lastTime != endTime) {
                throw new IllegalStateException("analysis worker " + w.id + " read " + w.frames + " frames, the reader "
                        + index + " (did the file change while it was read?)");
            }
        });
    }

    /** CPU time each worker thread used (after {@link #finish}); -1 where the JVM does not measure it. */
    public long[] workerCpuNanos() {
        return workerCpuNanos.clone();
    }

    @Override
    public void close() {
        Rounds.stop(workers);
    }

    /** Which lane owns each frame of one round, as the reader found; the workers read it instead of hashing. */
    private static final class LaneMap {
        final byte[] lanes = new byte[ROUND];
        int count;
        boolean last;
        /** Workers still reading it; the last one hands it back. */
        final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    }

    /** A lane with its own reader over the file. */
    private final class Worker extends Rounds.Worker {
        final int id;
        final Opener opener;
        /** The reader's lane maps, one per round it has read (unbounded: the merge keeps the reader near). */
        final java.util.concurrent.LinkedBlockingQueue<LaneMap> maps = new java.util.concurrent.LinkedBlockingQueue<>();
        volatile long frames, lastTime;

        Worker(int id, BiFunction<Double, FactSink, Pipeline> pipelines, double share, Opener opener) {
            super(id, new Lane(pipelines, share), new ArrayBlockingQueue<>(AHEAD + 1));
            this.id = id;
            this.opener = opener;
        }

        @Override
        public void run() {
            Pipeline p = lane.pipeline;
            byte me = (byte) id;
            long k = 0, last = 0;
            LaneMap m = null;
            int q = 0;
            try {
                try (CaptureReader r = opener.open()) {
                    try {
                        while (r.next()) {
                            if (m == null || q == m.count) {
                                boolean ended = m != null && m.last;
                                if (m != null) release(m);
                                m = ended ? null : maps.take();
                                q = 0;
                                if (m == null || m.count == 0) {   // the reader's input ended before this frame
                                    k++;                             // (only the last map can be empty)
                                    break;
                                }
                            }
                            long t = r.timestampNanos();
                            last = t;
                            if (m.lanes[q++] == me) {
                                lane.own(k, t);
                                p.decoded(p.decode(r.linkType(), r.data(), r.offset(), r.capturedLength()), r.originalLength(), t);
                            } else {
                                lane.tick(k, t);
                            }
                            if (++k % ROUND == 0) out.put(lane.take(false));
                        }
                    } catch (IOException e) {
                        // a read error ends this lane's input where it ends the reader thread's (which reports it);
                        // finish() compares the frame counts
                    }
                }
                frames = k;
                lastTime = last;
                lane.finish(last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException | Error e) {
                failure = e;                       // reported by the reader thread; it must not wait forever
            }
            cpuNanos = ShardedPipeline.threadCpu();
            try {
                out.put(lane.take(true));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void release(LaneMap m) {
            if (m.pending.decrementAndGet() == 0) spareMaps.offer(m);
        }
    }
}
