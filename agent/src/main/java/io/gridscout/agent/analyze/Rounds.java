package io.gridscout.agent.analyze;

import io.gridscout.agent.analyze.ShardedPipeline.Chunk;
import io.gridscout.agent.analyze.ShardedPipeline.Lane;
import io.gridscout.protocols.fact.FactSink;

import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;

/**
 * The reader's side of the lanes, whichever way they get their frames: the reader's own chunk of each round waits
 * until every worker has delivered its chunk of that round, then the round's facts are merged by key into the
 * target ({@link ShardedPipeline#merge}).
 */
final class Rounds {
    /**
     * A worker lane as the merge sees it: a thread running one {@link Lane}, handing over one chunk per round in
     * order (the last one marked {@link Chunk#last}); {@link #failure} is set before it hands over its last chunk when
     * it could not go on.
     */
    abstract static class Worker implements Runnable {
        final BlockingQueue<Chunk> out;
        final Lane lane;
        final Thread thread;
        volatile Throwable failure;
        volatile long cpuNanos = -1;

        Worker(int id, Lane lane, BlockingQueue<Chunk> out) {
            this.lane = lane;
            this.out = out;
            this.thread = new Thread(this, "gridscout-analyze-" + id);
            thread.setDaemon(true);
        }
    }

    /**
     * After the last round: waits for workers 1..n-1, records each one's CPU time in {@code cpu}, fails if one
     * failed or fails {@code check}; returns every lane's statistics, lane 0 ({@code local}) first.
     */
    static <W extends Worker> java.util.List<io.gridscout.protocols.pipeline.Pipeline.PipelineStats> join(
            Lane local, W[] workers, long[] cpu, java.util.function.Consumer<W> check) throws InterruptedException {
        java.util.List<io.gridscout.protocols.pipeline.Pipeline.PipelineStats> stats = new java.util.ArrayList<>();
        stats.add(local.pipeline.stats());
        for (int i = 1; i < workers.length; i++) {
            W w = workers[i];
            w.thread.join();
            cpu[i - 1] = w.cpuNanos;
            if (w.failure != null) throw new IllegalStateException("analysis worker " + i + " failed", w.failure);
            check.accept(w);
            stats.add(w.lane.pipeline.stats());
        }
        return stats;
    }

    /** Stops workers still running (after a failure: one may wait for a round that will not come or be taken). */
    static void stop(Worker[] workers) {
        for (int i = 1; i < workers.length; i++) workers[i].thread.interrupt();
    }

    private final Lane local;
    private final Worker[] workers;        // [1..n-1]
    private final FactSink target;
    private final ArrayDeque<Chunk> localChunks = new ArrayDeque<>();

    Rounds(Lane local, Worker[] workers, FactSink target) {
        this.local = local;
        this.workers = workers;
        this.target = target;
    }

    /** The reader's lane ends a round ({@code last}: the end of input, after its final close). */
    void endLocal(boolean last) {
        localChunks.add(local.take(last));
    }

    /**
     * Merges the rounds every worker has delivered. Waits for the workers at the end ({@code untilEnd}) and while the
     * reader is more than {@code maxAhead} rounds ahead of them. A worker's chunks must end where the reader's do
     * (otherwise the lanes saw other frames), and a worker that failed fails the merge.
     */
    void merge(boolean untilEnd, int maxAhead) throws InterruptedException {
        int n = workers.length;
        Chunk[] heads = new Chunk[n];
        while (!localChunks.isEmpty()) {
            if (!untilEnd && localChunks.size() <= maxAhead) {
                for (int i = 1; i < n; i++) if (workers[i].out.peek() == null) return;
            }
            heads[0] = localChunks.poll();
            for (int i = 1; i < n; i++) {
                heads[i] = workers[i].out.take();
                if (workers[i].failure != null) throw new IllegalStateException("analysis worker " + i + " failed", workers[i].failure);
                if (heads[i].last != heads[0].last) {
                    throw new IllegalStateException("analysis worker " + i + " read another number of frames than the reader"
                            + " (did the file change while it was read?)");
                }
            }
            ShardedPipeline.merge(heads, target);
            boolean last = heads[0].last;
            local.recycle(heads[0]);
            for (int i = 1; i < n; i++) workers[i].lane.recycle(heads[i]);
            if (last) return;
        }
    }
}
