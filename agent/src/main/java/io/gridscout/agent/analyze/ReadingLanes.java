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
 * reader over the same file. Every lane walks every record; it runs the frames of its flows
 * ({@link FlowShard#quickBucket}, buckets shared out as in {@link ShardedPipeline}) and only runs the idle sweep
 * at the others' times. No frame crosses threads, only facts do: handing frames over cost ~100 ns per frame
 * (copies, cache misses on the other core), reading a page-cached file again costs ~20 ns. Compressed files
 * are not read this way (every lane would inflate the whole file): {@link ShardedPipeline} hands frames over.
 *
 * <p>The output is the single pipeline's, for the same reasons as in {@link ShardedPipeline}: each fact is keyed
 * by (frame index, flow tag) and the lanes' facts are merged by key. Lanes cut their facts into rounds at the same
 * frame indexes ({@link #ROUND} frames), the reader merges round by round; a worker may run {@link #AHEAD} rounds
 * ahead of the merge, the reader as far before it waits. A worker that read another number of frames (the file
 * changed while being read) fails the analysis rather than give a different inventory.
 */
public final class ReadingLanes implements AutoCloseable {
    static final int ROUND = Integer.getInteger("gridscout.analyze.laneRound", 16384);
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
        for (int i = 1; i < n; i++) workers[i].thread.start();
    }

    /** One frame as the calling thread read it (every frame of the file, in order). */
    public void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) throws InterruptedException {
        int lane = ShardedPipeline.laneOf(laneOfBucket, localPipeline, 0, kind, linkType, buf, off, len);
        long k = index++;
        if (lane == 0) {
            local.own(k, timeNanos);
            localPipeline.decoded(kind[0], wireLen, timeNanos);
        } else {
            local.tick(k, timeNanos);
        }
        if (index % ROUND == 0) {
            merger.endLocal(false);
            merger.merge(false, AHEAD);
        }
    }

    /** End of input at {@code endTime} (the last frame's time): every lane closes its flows, all facts are merged. */
    public List<Pipeline.PipelineStats> finish(long endTime) throws InterruptedException {
        if (finished) throw new IllegalStateException("finished");
        finished = true;
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

    /** A lane with its own reader over the file. */
    private final class Worker extends Rounds.Worker {
        final int id;
        final Opener opener;
        volatile long frames, lastTime;

        Worker(int id, BiFunction<Double, FactSink, Pipeline> pipelines, double share, Opener opener) {
            super(id, new Lane(pipelines, share), new ArrayBlockingQueue<>(AHEAD + 1));
            this.id = id;
            this.opener = opener;
        }

        @Override
        public void run() {
            Pipeline p = lane.pipeline;
            int[] kind = new int[1];
            long k = 0, last = 0;
            try {
                try (CaptureReader r = opener.open()) {
                    try {
                        while (r.next()) {
                            long t = r.timestampNanos();
                            last = t;
                            byte[] b = r.data();
                            int off = r.offset(), len = r.capturedLength(), link = r.linkType();
                            if (ShardedPipeline.laneOf(laneOfBucket, p, id, kind, link, b, off, len) == id) {
                                lane.own(k, t);
                                p.decoded(kind[0], r.originalLength(), t);
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
    }
}
