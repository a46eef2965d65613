package io.gridscout.agent.analyze;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.capture.Captures;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Reads capture files into one inventory: file → capture reader → {@link Pipeline} → {@link InventoryBuilder}.
 * Each file gets its own pipeline (flows end with the file); all feed the same inventory.
 */
public final class CaptureAnalyzer {
    private final InventoryBuilder inventory;
    private final FlowTable.Limits limits;
    private final Totals totals = new Totals();

    /** Counters over all files analysed, for --stats. */
    public static final class Totals {
        public long packets, bytes, fileBytes, malformed, flowsCreated, flowsEvicted, flowsExpired, tcpGaps, decoderErrors,
                fragmentsDropped, nanos;
        public final java.util.Map<String, Long> malformedByProtocol = new java.util.TreeMap<>();
        /** CPU time of the reading thread (with one worker: reading and decoding) and of each worker, over all files. */
        public long readerCpuNanos;
        public long[] workerCpuNanos = new long[0];
    }

    private final java.util.Set<String> skipped;
    private final int workers;

    public CaptureAnalyzer(InventoryBuilder inventory, FlowTable.Limits limits) {
        this(inventory, limits, java.util.Set.of());
    }

    /** {@code skipped}: protocol names not to decode (their flows count as plain tcp/udp), for cost comparisons. */
    public CaptureAnalyzer(InventoryBuilder inventory, FlowTable.Limits limits, java.util.Set<String> skipped) {
        this(inventory, limits, skipped, 1);
    }

    /**
     * {@code workers} > 1: flows are sharded over that many pipeline threads ({@link ShardedPipeline}); the
     * inventory is the same as with one. The flow table cap is shared out between them (memory stays bounded).
     */
    public CaptureAnalyzer(InventoryBuilder inventory, FlowTable.Limits limits, java.util.Set<String> skipped, int workers) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        this.inventory = inventory;
        this.limits = limits;
        this.skipped = skipped;
        this.workers = workers;
    }

    private Pipeline newPipeline(io.gridscout.protocols.fact.FactSink sink, FlowTable.Limits l) {
        return new Pipeline(sink,
                Protocols.ipProtocols().stream().filter(p -> !skipped.contains(p.name())).toList(),
                Protocols.etherTypeProtocols().stream().filter(p -> !skipped.contains(p.name())).toList(), l);
    }

    public Totals totals() {
        return totals;
    }

    /**
     * Analyses one file. Damage inside the file is not an exception: what was read before it stays in the
     * inventory and the summary carries a warning. Throws CaptureFormatException when it is not a capture.
     */
    public Inventory.CaptureSummary analyze(Path file, LongConsumer progress) throws IOException {
        // the file's hash is computed on another core while this one decodes (SHA-256 would cost a third of the time)
        CompletableFuture<String> sha = CompletableFuture.supplyAsync(() -> sha256(file));
        long started = System.nanoTime();
        if (workers > 1) return analyzeSharded(file, progress, sha, started);
        long cpu0 = ShardedPipeline.threadCpu();
        Pipeline pipeline = newPipeline(inventory, limits);
        List<String> warnings = new ArrayList<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE, packets = 0;
        String name = file.getFileName().toString();
        try (InputStream raw = Files.newInputStream(file);
             CountingStream counted = new CountingStream(new BufferedInputStream(raw, 1 << 16), progress);
             CaptureReader reader = Captures.open(counted, name)) {
            while (reader.next()) {
                long t = reader.timestampNanos();
                if (t < first) first = t;
                if (t > last) last = t;
                packets++;
                pipeline.frame(reader.linkType(), reader.data(), reader.offset(), reader.capturedLength(), reader.originalLength(), t);
            }
            if (reader.damage() != null) warnings.add(name + ": " + reader.damage());
        } catch (IOException e) {
            if (e instanceof io.gridscout.protocols.capture.CaptureFormatException) throw e;
            warnings.add(name + ": read error after " + packets + " packets: " + e.getMessage());
        } finally {
            pipeline.finish();
        }
        totals.readerCpuNanos += ShardedPipeline.threadCpu() - cpu0;
        return summarize(file, List.of(pipeline.stats()), warnings, packets, first, last, sha, started);
    }

    /** The same over {@code workers} threads: this thread reads and shards, the workers decode. */
    private Inventory.CaptureSummary analyzeSharded(Path file, LongConsumer progress, CompletableFuture<String> sha, long started)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE, lastTime = 0, packets = 0;
        String name = file.getFileName().toString();
        FlowTable.Limits shardLimits = new FlowTable.Limits(Math.max(16, (limits.maxFlows() + workers - 1) / workers),
                limits.idleTimeoutNanos(), limits.tcpBufferBytes(), limits.detectAttempts());
        List<Pipeline.PipelineStats> stats;
        long cpu0 = ShardedPipeline.threadCpu();
        try (ShardedPipeline sharded = new ShardedPipeline(workers, sink -> newPipeline(sink, shardLimits), inventory)) {
            try (InputStream raw = Files.newInputStream(file);
                 CountingStream counted = new CountingStream(new BufferedInputStream(raw, 1 << 16), progress);
                 CaptureReader reader = Captures.open(counted, name)) {
                while (reader.next()) {
                    long t = reader.timestampNanos();
                    if (t < first) first = t;
                    if (t > last) last = t;
                    lastTime = t;
                    packets++;
                    sharded.frame(reader.linkType(), reader.data(), reader.offset(), reader.capturedLength(), reader.originalLength(), t);
                }
                if (reader.damage() != null) warnings.add(name + ": " + reader.damage());
            } catch (IOException e) {
                if (e instanceof io.gridscout.protocols.capture.CaptureFormatException) throw e;
                warnings.add(name + ": read error after " + packets + " packets: " + e.getMessage());
            } finally {
                stats = sharded.finish(lastTime);   // a single pipeline closes its flows at its last frame's time
            }
            totals.readerCpuNanos += ShardedPipeline.threadCpu() - cpu0;
            long[] w = sharded.workerCpuNanos();
            if (totals.workerCpuNanos.length != w.length) totals.workerCpuNanos = new long[w.length];
            for (int i = 0; i < w.length; i++) totals.workerCpuNanos[i] += w[i];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while analysing " + name);
        }
        return summarize(file, stats, warnings, packets, first, last, sha, started);
    }

    private Inventory.CaptureSummary summarize(Path file, List<Pipeline.PipelineStats> all, List<String> warnings, long packets,
                                               long first, long last, CompletableFuture<String> sha, long started) throws IOException {
        String name = file.getFileName().toString();
        long fPackets = 0, fEvicted = 0, fGaps = 0, fMalformedFrames = 0;
        for (Pipeline.PipelineStats s : all) {
            fPackets += s.packets;
            fEvicted += s.flows().flowsEvicted;
            fGaps += s.flows().tcpGaps;
            fMalformedFrames += s.malformedFrames;
            add(s);
        }
        totals.fileBytes += Files.size(file);
        totals.nanos += System.nanoTime() - started;
        if (fEvicted > 0) warnings.add(name + ": flow table full, " + fEvicted + " flows evicted early");
        inventory.count("packets", fPackets);
        inventory.count("flowsEvicted", fEvicted);
        inventory.count("tcpGaps", fGaps);
        inventory.count("malformedFrames", fMalformedFrames);
        Inventory.CaptureSummary summary = new Inventory.CaptureSummary(name, sha.join(), packets,
                packets == 0 ? 0 : first, packets == 0 ? 0 : last, List.copyOf(warnings));
        inventory.addCapture(summary);
        return summary;
    }

    private void add(Pipeline.PipelineStats s) {
        totals.packets += s.packets;
        totals.bytes += s.bytes;
        totals.malformed += s.malformedFrames + s.flows().malformedTotal() - s.flows().malformedByProtocol().getOrDefault("frame", 0L);
        totals.flowsCreated += s.flows().flowsCreated;
        totals.flowsEvicted += s.flows().flowsEvicted;
        totals.flowsExpired += s.flows().flowsExpired;
        totals.tcpGaps += s.flows().tcpGaps;
        totals.decoderErrors += s.flows().decoderErrors;
        totals.fragmentsDropped += s.fragmentsDropped;
        s.flows().malformedByProtocol().forEach((k, v) -> totals.malformedByProtocol.merge(k, v, Long::sum));
    }

    /** SHA-256 of the file as stored (compressed bytes for .gz), so the hash names the evidence. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts bytes read from the file for the progress bar. */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer progress;
        private long count, reported;

        CountingStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) add(n);
            return n;
        }

        private void add(long n) {
            count += n;
            if (progress != null && count - reported >= (1 << 20)) {
                reported = count;
                progress.accept(count);
            }
        }
    }
}
