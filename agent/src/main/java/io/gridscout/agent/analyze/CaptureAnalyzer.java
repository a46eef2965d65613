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
        /** CPU time of the SHA-256 thread (0 when the reader hashes the bytes it reads). */
        public long shaCpuNanos;
        /** Most read buffers one sharded analysis allocated (they are lent to the workers and reused). */
        public int readBuffers;
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
        long started = System.nanoTime();
        CompletableFuture<String> sha;
        MessageDigest digest = null;
        if (isStream(file) || hashInReader()) {
            // a pipe, FIFO or stdin ("-") is read once: its hash is of the bytes as they are read
            // several lanes keep both cores busy: hashing the bytes the reader already has costs less than a
            // thread reading the file again and competing for the cores
            sha = new CompletableFuture<>();
            digest = newDigest();
        } else {
            // one lane on several CPUs leaves a core free: the file's hash is computed there while this one decodes
            sha = CompletableFuture.supplyAsync(() -> {
                long c0 = ShardedPipeline.threadCpu();
                String h = sha256(file);
                synchronized (totals) {
                    totals.shaCpuNanos += ShardedPipeline.threadCpu() - c0;
                }
                return h;
            });
        }
        if (workers > 1) return analyzeSharded(file, progress, sha, digest, started);
        long cpu0 = ShardedPipeline.threadCpu();
        Pipeline pipeline = newPipeline(inventory, limits);
        List<String> warnings = new ArrayList<>();
        Read r = new Read();
        try {
            read(file, progress, digest, sha, warnings, r, pipeline::frame, null);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);   // a single pipeline does not wait on anything
        } finally {
            pipeline.finish();
        }
        totals.readerCpuNanos += ShardedPipeline.threadCpu() - cpu0;
        return summarize(file, List.of(pipeline.stats()), warnings, r, sha, started);
    }

    /** What the read loop feeds: one pipeline, or the sharded lanes. */
    private interface FrameSink {
        void frame(int linkType, byte[] buf, int off, int len, int wireLen, long timeNanos) throws InterruptedException;
    }

    /** What one read loop saw: packets and time range (filled as it goes, so a caller's finally sees it too). */
    private static final class Read {
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE, lastTime, packets;
        /** The input as read (bytes counted, hashed). */
        CountingStream counted;
    }

    /** The command-line name of standard input. */
    public static final String STDIN = "-";

    /**
     * Whether the capture can only be read once, front to back: standard input ("-"), a pipe or FIFO, a process
     * substitution (/dev/fd/N), a character device. Such an input is read in one pass (no second reader for the
     * hash, no lanes re-reading it, no size for a progress bar); a regular file, also through /dev/stdin, is not one.
     */
    public static boolean isStream(Path file) {
        return file.toString().equals(STDIN) || (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file));
    }

    /** The capture's name in the inventory and messages: the file name, or a stream as given ("-", /dev/stdin, /dev/fd/63). */
    public static String displayName(Path file) {
        return isStream(file) || file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    private static InputStream openInput(Path file) throws IOException {
        if (file.toString().equals(STDIN)) return new java.io.FileInputStream(java.io.FileDescriptor.in);
        // a channel stream asks a pipe for its position (ESPIPE, "Illegal seek"); FileInputStream does not
        if (isStream(file)) return new java.io.FileInputStream(file.toFile());
        return Files.newInputStream(file);
    }

    /**
     * Reads one capture into {@code sink}, hashing it on the way when {@code digest} is set. Damage and read errors
     * become warnings (everything before them is kept); only a file that is not a capture at all throws. With a
     * {@code recycler}, the reader's buffers come from it (the sink keeps frames by reference).
     */
    private static void read(Path file, LongConsumer progress, MessageDigest digest, CompletableFuture<String> sha,
                             List<String> warnings, Read r, FrameSink sink, io.gridscout.protocols.capture.BufferRecycler recycler)
            throws IOException, InterruptedException {
        String name = displayName(file);
        try (InputStream raw = openInput(file);
             CountingStream counted = r.counted = new CountingStream(new BufferedInputStream(raw, 1 << 16), progress, digest);
             CaptureReader reader = Captures.open(counted, name)) {
            if (recycler != null) reader.recycleBuffers(recycler);
            while (reader.next()) {
                long t = reader.timestampNanos();
                if (t < r.first) r.first = t;
                if (t > r.last) r.last = t;
                r.lastTime = t;
                r.packets++;
                sink.frame(reader.linkType(), reader.data(), reader.offset(), reader.capturedLength(), reader.originalLength(), t);
            }
            if (reader.damage() != null) warnings.add(name + ": " + reader.damage());
            if (digest != null) sha.complete(counted.hashToEnd());
        } catch (IOException e) {
            if (e instanceof io.gridscout.protocols.capture.CaptureFormatException) throw e;
            warnings.add(name + ": read error after " + r.packets + " packets: " + e.getMessage());
            // a stream cannot be read again: its hash is of the bytes read before the error
            if (digest != null && isStream(file) && !sha.isDone()) sha.complete(HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** The same over {@code workers} threads: this thread reads and shards, the workers decode. */
    private Inventory.CaptureSummary analyzeSharded(Path file, LongConsumer progress, CompletableFuture<String> sha,
                                                    MessageDigest digest, long started)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        Read r = new Read();
        String name = displayName(file);
        // each lane's flow cap is its share of the flows (the reader's lane runs few): the total stays max-flows,
        // plus a floor per lane for the frames that are not flows' (ARP, L2) and for tiny caps
        java.util.function.DoubleFunction<FlowTable.Limits> shardLimits = share -> new FlowTable.Limits(
                Math.max(Math.min(1024, limits.maxFlows()), (int) Math.ceil(limits.maxFlows() * share)),
                limits.idleTimeoutNanos(), limits.tcpBufferBytes(), limits.detectAttempts());
        java.util.function.BiFunction<Double, io.gridscout.protocols.fact.FactSink, Pipeline> lanes =
                (share, sink) -> newPipeline(sink, shardLimits.apply(share));
        List<Pipeline.PipelineStats> stats;
        long cpu0 = ShardedPipeline.threadCpu();
        long[] w;
        try {
            if (lanesRead(file)) {
                // every lane reads the file itself: only facts cross threads
                try (ReadingLanes reading = new ReadingLanes(workers, lanes, inventory, ReadingLanes.defaultReaderShare(workers),
                        () -> Captures.open(Files.newInputStream(file), name))) {
                    try {
                        read(file, progress, digest, sha, warnings, r, reading::frame, null);
                    } finally {
                        stats = reading.finish(r.lastTime);   // a single pipeline closes its flows at its last frame's time
                    }
                    w = reading.workerCpuNanos();
                }
            } else {
                // compressed: inflate once, hand the frames over
                try (ShardedPipeline sharded = new ShardedPipeline(workers, lanes, inventory)) {
                    try {
                        read(file, progress, digest, sha, warnings, r, sharded::frame, sharded);
                    } finally {
                        stats = sharded.finish(r.lastTime);
                    }
                    totals.readBuffers = Math.max(totals.readBuffers, sharded.buffersAllocated());
                    w = sharded.workerCpuNanos();
                }
            }
            totals.readerCpuNanos += ShardedPipeline.threadCpu() - cpu0;
            if (totals.workerCpuNanos.length != w.length) totals.workerCpuNanos = new long[w.length];
            for (int i = 0; i < w.length; i++) totals.workerCpuNanos[i] += w[i];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while analysing " + name);
        }
        return summarize(file, stats, warnings, r, sha, started);
    }

    /**
     * Whether each lane reads the file itself ({@link ReadingLanes}) rather than take frames from the reader
     * ({@link ShardedPipeline}): yes unless the file is gzip-compressed or a stream ({@link #isStream}). System property gridscout.analyze.lanes
     * ("read" or "handover") forces one, for tests and measurements.
     */
    static boolean lanesRead(Path file) throws IOException {
        if (isStream(file)) return false;      // read once: frames are handed over, as for gzip
        String mode = System.getProperty("gridscout.analyze.lanes", "");
        if (mode.equals("read") || mode.equals("handover")) return mode.equals("read");
        return !Captures.isGzip(file);
    }

    private Inventory.CaptureSummary summarize(Path file, List<Pipeline.PipelineStats> all, List<String> warnings, Read r,
                                               CompletableFuture<String> sha, long started) throws IOException {
        long packets = r.packets, first = r.first, last = r.last;
        boolean stream = isStream(file);
        String name = displayName(file);
        long fPackets = 0, fEvicted = 0, fGaps = 0, fMalformedFrames = 0;
        for (Pipeline.PipelineStats s : all) {
            fPackets += s.packets;
            fEvicted += s.flows().flowsEvicted;
            fGaps += s.flows().tcpGaps;
            fMalformedFrames += s.malformedFrames;
            add(s);
        }
        totals.fileBytes += stream ? (r.counted == null ? 0 : r.counted.count) : Files.size(file);
        totals.nanos += System.nanoTime() - started;
        if (fEvicted > 0) warnings.add(name + ": flow table full, " + fEvicted + " flows evicted early");
        inventory.count("packets", fPackets);
        inventory.count("flowsEvicted", fEvicted);
        inventory.count("tcpGaps", fGaps);
        inventory.count("malformedFrames", fMalformedFrames);
        // hashed in the reader but not to the end (read error): hash the file on its own, as the thread would
        String hash = sha.isDone() || (!hashInReader() && !stream) ? sha.join() : stream ? null : sha256(file);
        Inventory.CaptureSummary summary = new Inventory.CaptureSummary(name, hash, packets,
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

    /**
     * Where the file's SHA-256 is computed: "reader" (the bytes the reading thread reads anyway) or "thread" (a
     * thread reading the file again). System property gridscout.analyze.sha; by default the reader with several
     * lanes or on one CPU (a second thread would only take turns with the reader and read the file twice), a
     * thread with one lane on several CPUs.
     */
    private boolean hashInReader() {
        return hashInReader(System.getProperty("gridscout.analyze.sha", ""), workers, Runtime.getRuntime().availableProcessors());
    }

    static boolean hashInReader(String mode, int workers, int cpus) {
        return mode.equals("reader") || (!mode.equals("thread") && (workers > 1 || cpus < 2));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /** Counts bytes read from the file for the progress bar and, if given a digest, hashes them. */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer progress;
        private final MessageDigest digest;
        private long count, reported;

        CountingStream(InputStream in, LongConsumer progress, MessageDigest digest) {
            super(in);
            this.progress = progress;
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                if (digest != null) digest.update((byte) b);
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                if (digest != null) digest.update(b, off, n);
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (digest == null) return super.skip(n);
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];     // skipped bytes are hashed too: read them
            long done = 0;
            for (int r; done < n && (r = read(buf, 0, (int) Math.min(buf.length, n - done))) > 0; ) done += r;
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Reads (and hashes) whatever the capture reader left unread, and returns the file's SHA-256. */
        String hashToEnd() throws IOException {
            byte[] buf = new byte[1 << 16];
            while (read(buf, 0, buf.length) > 0) { }
            return HexFormat.of().formatHex(digest.digest());
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
