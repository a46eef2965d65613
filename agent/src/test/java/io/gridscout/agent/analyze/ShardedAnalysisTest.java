package io.gridscout.agent.analyze;

import io.gridscout.agent.TestFiles;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.flow.FlowTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code analyze --workers N} gives byte-identical JSON to one worker: every capture in testdata, alone and all
 * merged into one inventory, with 2 and 3 workers (3 makes shards uneven and leaves some empty), in both ways of
 * sharing the work: every lane reading the file ({@link ReadingLanes}, plain files) and the reader handing frames
 * over ({@link ShardedPipeline}, compressed files).
 */
class ShardedAnalysisTest {
    static final String[] MODES = {"read", "handover"};

    /** Runs {@code body} with the lanes forced to one mode (system property gridscout.analyze.lanes). */
    static void inMode(String mode, IoRunnable body) throws IOException {
        String prev = System.getProperty("gridscout.analyze.lanes");
        System.setProperty("gridscout.analyze.lanes", mode);
        try {
            body.run();
        } finally {
            if (prev == null) System.clearProperty("gridscout.analyze.lanes"); else System.setProperty("gridscout.analyze.lanes", prev);
        }
    }

    interface IoRunnable {
        void run() throws IOException;
    }

    /** The inventory JSON of {@code files} analysed with {@code workers} threads. */
    static String analyze(List<Path> files, int workers) throws IOException {
        return analyze(files, workers, FlowTable.Limits.defaults(), null);
    }

    /** The same with the given table limits; {@code totals}, if given, receives the analyzer's counters. */
    static String analyze(List<Path> files, int workers, FlowTable.Limits limits, CaptureAnalyzer.Totals[] totals) throws IOException {
        InventoryBuilder builder = new InventoryBuilder();
        CaptureAnalyzer analyzer = new CaptureAnalyzer(builder, limits, Set.of(), workers);
        for (Path f : files) analyzer.analyze(f, null);
        if (totals != null) totals[0] = analyzer.totals();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InventoryJson.write(builder.snapshot(), "test", out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The repository's own captures (peers on loopback, the generator's substation). */
    static List<Path> captures() throws IOException {
        return captures(TestFiles.root().resolve("testdata/pcaps"));
    }

    static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    static Path substation() throws IOException {
        return captures().stream().filter(p -> p.getFileName().toString().startsWith("substation-")).findFirst().orElseThrow();
    }

    /** The same on every third-party capture of ../shared (GOOSE, VLANs, IPv6, odd link types). */
    @org.junit.jupiter.api.Tag(io.gridscout.protocols.testutil.Captures.SHARED)
    @Test
    void everySharedCaptureGivesTheSameInventoryOnAnyNumberOfWorkers() throws IOException {
        List<Path> all = captures(TestFiles.sharedDir().resolve("pcaps"));
        assertThat(all).hasSizeGreaterThan(40);
        sameOnAnyNumberOfWorkers(all);
    }

    @Test
    void everyTestCaptureGivesTheSameInventoryOnAnyNumberOfWorkers() throws IOException {
        List<Path> all = captures();
        assertThat(all).hasSizeGreaterThan(5);
        sameOnAnyNumberOfWorkers(all);
    }

    private static void sameOnAnyNumberOfWorkers(List<Path> all) throws IOException {
        for (Path f : all) {
            String one = analyze(List.of(f), 1);
            assertThat(one).contains("\"assets\"");
            for (String mode : MODES) {
                inMode(mode, () -> {
                    for (int w : new int[] {2, 3}) {
                        assertThat(analyze(List.of(f), w)).as("%s with %d workers, %s", f.getFileName(), w, mode).isEqualTo(one);
                    }
                });
            }
        }
    }

    @Test
    void allCapturesIntoOneInventory() throws IOException {
        List<Path> all = captures();
        String one = analyze(all, 1);
        for (String mode : MODES) {
            inMode(mode, () -> {
                assertThat(analyze(all, 2)).as(mode).isEqualTo(one);
                assertThat(analyze(all, 3)).as(mode).isEqualTo(one);
            });
        }
    }

    @Test
    void repeatedRunsAreIdenticalWhateverTheThreadTiming() throws IOException {
        List<Path> some = captures().stream().filter(p -> p.getFileName().toString().startsWith("substation-")
                || p.getFileName().toString().startsWith("opcua-peer")).toList();
        assertThat(some).hasSize(2);
        String one = analyze(some, 1);
        for (String mode : MODES) {
            inMode(mode, () -> {
                for (int i = 0; i < 5; i++) assertThat(analyze(some, 2)).as(mode).isEqualTo(one);
            });
        }
    }

    /**
     * Idle flows close at the same frame and time on any number of workers: with short idle timeouts flows expire
     * all through the test captures (and facts emitted at close carry the closing frame's time), yet the JSON is
     * byte-identical to one pipeline's.
     */
    @Test
    void idleTimeoutsCloseFlowsAtTheSameFrameOnAnyNumberOfWorkers() throws IOException {
        FlowTable.Limits d = FlowTable.Limits.defaults();
        long expired = 0;
        for (long timeout : new long[] {1_000_000L, 50_000_000L, 1_000_000_000L}) {
            FlowTable.Limits limits = new FlowTable.Limits(d.maxFlows(), timeout, d.tcpBufferBytes(), d.detectAttempts());
            for (Path f : captures()) {
                CaptureAnalyzer.Totals[] t = new CaptureAnalyzer.Totals[1];
                String one = analyze(List.of(f), 1, limits, t);
                expired += t[0].flowsExpired;
                for (String mode : MODES) {
                    inMode(mode, () -> {
                        for (int w : new int[] {2, 3}) {
                            CaptureAnalyzer.Totals[] tw = new CaptureAnalyzer.Totals[1];
                            assertThat(analyze(List.of(f), w, limits, tw)).as("%s, idle timeout %d ns, %d workers, %s",
                                    f.getFileName(), timeout, w, mode).isEqualTo(one);
                            assertThat(tw[0].flowsExpired).as("%s flows expired, %d workers, %s", f.getFileName(), w, mode)
                                    .isEqualTo(t[0].flowsExpired);
                        }
                    });
                }
            }
        }
        assertThat(expired).as("flows expired idle over all captures").isGreaterThan(1000);
    }

    /**
     * A long capture (many rounds; its time steps back where the 32-bit seconds wrap) in both modes. Handing over,
     * workers get frames by reference into the reader's buffers, which come back to the reader once every worker
     * has run their rounds: reusing one too early would show as a different inventory, and the pool stays a bounded
     * handful of buffers however long the file. Gzip-compressed, it is handed over by default.
     */
    @Test
    void longCaptureInBothModes(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path big = tmp.resolve("long.pcap");
        long size = writeRepeated(big, 55);
        assertThat(size).isGreaterThan(40_000_000L);
        String one = analyze(List.of(big), 1);
        for (String mode : MODES) {
            inMode(mode, () -> {
                for (int w : new int[] {2, 3}) {
                    CaptureAnalyzer.Totals[] t = new CaptureAnalyzer.Totals[1];
                    assertThat(analyze(List.of(big), w, FlowTable.Limits.defaults(), t)).as("%d workers, %s", w, mode).isEqualTo(one);
                    if (mode.equals("handover")) {
                        assertThat(t[0].readBuffers).as("read buffers, %d workers", w).isBetween(2, 40);
                        assertThat((long) t[0].readBuffers * ShardedPipeline.READ_BUFFER).isLessThan(size / 2);   // so they were reused
                    } else {
                        assertThat(t[0].readBuffers).isZero();
                    }
                }
            });
        }
        Path gz = tmp.resolve("long.pcap.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
            Files.copy(big, out);
        }
        CaptureAnalyzer.Totals[] t = new CaptureAnalyzer.Totals[1];
        String fromGz = analyze(List.of(gz), 2, FlowTable.Limits.defaults(), t);
        assertThat(fromGz.replace("long.pcap.gz", "long.pcap").replaceAll("\"sha256\" : \"[0-9a-f]+\"", ""))
                .isEqualTo(one.replaceAll("\"sha256\" : \"[0-9a-f]+\"", ""));
        assertThat(t[0].readBuffers).as("compressed: handed over").isPositive();
    }

    /**
     * Time that jumps about: every Ethernet frame of the test captures once, with time stamps on a random walk that
     * mostly moves forward but steps back a little (merged interfaces), far back (concatenated files) and far ahead.
     * With the default idle timeout and a 1 s one, any number of workers in either mode gives one worker's JSON.
     */
    @Test
    void timeThatJumpsAboutGivesTheSameInventory(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        FlowTable.Limits d = FlowTable.Limits.defaults();
        for (long seed : new long[] {1, 2}) {
            Path f = tmp.resolve("jumps-" + seed + ".pcap");
            writeWithJumpingTime(f, new java.util.Random(seed));
            for (long timeout : new long[] {d.idleTimeoutNanos(), 1_000_000_000L}) {
                FlowTable.Limits limits = new FlowTable.Limits(d.maxFlows(), timeout, d.tcpBufferBytes(), d.detectAttempts());
                CaptureAnalyzer.Totals[] t1 = new CaptureAnalyzer.Totals[1];
                String one = analyze(List.of(f), 1, limits, t1);
                assertThat(t1[0].flowsExpired).as("flows closed idle or at a step back").isGreaterThan(100);
                for (String mode : MODES) {
                    inMode(mode, () -> {
                        for (int w : new int[] {2, 3}) {
                            assertThat(analyze(List.of(f), w, limits, null)).as("seed %d, timeout %d, %d workers, %s", seed, timeout, w, mode)
                                    .isEqualTo(one);
                        }
                    });
                }
            }
        }
    }

    private static void writeWithJumpingTime(Path out, java.util.Random rnd) throws IOException {
        try (java.io.DataOutputStream o = new java.io.DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16))) {
            o.write(new byte[] {0x4D, 0x3C, (byte) 0xB2, (byte) 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0});
            long t = 1_700_000_000_000_000_000L;
            for (Path f : captures()) {
                try (io.gridscout.protocols.capture.CaptureReader r = io.gridscout.protocols.capture.Captures.open(f)) {
                    while (r.next()) {
                        if (r.linkType() != 1) continue;
                        int dice = rnd.nextInt(1000);
                        if (dice < 900) t += rnd.nextInt(50_000_000);                          // on, up to 50 ms
                        else if (dice < 980) t -= rnd.nextInt(5_000_000) * 1_000L;            // back up to 5 s
                        else if (dice < 990) t -= (3_600L + rnd.nextInt(86_400)) * 1_000_000_000L;   // back hours
                        else t += (60L + rnd.nextInt(7_200)) * 1_000_000_000L;                // ahead minutes to hours
                        o.writeInt(Integer.reverseBytes((int) (t / 1_000_000_000L)));
                        o.writeInt(Integer.reverseBytes((int) (t % 1_000_000_000L)));
                        o.writeInt(Integer.reverseBytes(r.capturedLength()));
                        o.writeInt(Integer.reverseBytes(r.originalLength()));
                        o.write(r.data(), r.offset(), r.capturedLength());
                    }
                }
            }
        }
    }

    /** Every Ethernet frame of the test captures, {@code times} over, each file's frames rebased to follow the last. */
    private static long writeRepeated(Path out, int times) throws IOException {
        try (java.io.DataOutputStream o = new java.io.DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16))) {
            o.write(new byte[] {0x4D, 0x3C, (byte) 0xB2, (byte) 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0});
            long base = 1_700_000_000_000_000_000L;
            for (int rep = 0; rep < times; rep++) {
                for (Path f : captures()) {
                    long first = -1, last = 0;
                    try (io.gridscout.protocols.capture.CaptureReader r = io.gridscout.protocols.capture.Captures.open(f)) {
                        while (r.next()) {
                            if (r.linkType() != 1) continue;
                            if (first < 0) first = r.timestampNanos();
                            long t = base + Math.max(0, r.timestampNanos() - first);
                            last = Math.max(last, t);
                            o.writeInt(Integer.reverseBytes((int) (t / 1_000_000_000L)));
                            o.writeInt(Integer.reverseBytes((int) (t % 1_000_000_000L)));
                            o.writeInt(Integer.reverseBytes(r.capturedLength()));
                            o.writeInt(Integer.reverseBytes(r.originalLength()));
                            o.write(r.data(), r.offset(), r.capturedLength());
                        }
                    }
                    if (first >= 0) base = last + 3_600_000_000_000L;   // an hour later: the file's flows have gone idle
                }
            }
        }
        return Files.size(out);
    }

    /** Several reader shares (none, some, all of the flows on the reading thread) give the same inventory. */
    @Test
    void readerShareDoesNotChangeTheInventory() throws IOException {
        List<Path> some = captures().stream().filter(p -> p.getFileName().toString().startsWith("substation-")
                || p.getFileName().toString().startsWith("opcua-peer")).toList();
        assertThat(some).hasSize(2);
        String one = analyze(some, 1);
        String prev = System.getProperty("gridscout.analyze.readerShare");
        try {
            for (String share : new String[] {"0", "0.5", "1"}) {
                System.setProperty("gridscout.analyze.readerShare", share);
                for (String mode : MODES) {
                    inMode(mode, () -> {
                        assertThat(analyze(some, 2)).as("reader share %s, %s", share, mode).isEqualTo(one);
                        assertThat(analyze(some, 3)).as("reader share %s, 3 workers, %s", share, mode).isEqualTo(one);
                    });
                }
            }
        } finally {
            if (prev == null) System.clearProperty("gridscout.analyze.readerShare"); else System.setProperty("gridscout.analyze.readerShare", prev);
        }
    }

    /**
     * captures[].sha256 names the file as stored wherever it is computed (a thread reading the file again, or the
     * reader hashing what it reads): plain, gzip-compressed, and truncated mid-packet (the reader stops at the
     * damage and must still hash the rest).
     */
    @Test
    void sha256IsTheStoredFilesWhereverItIsComputed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path src = substation();
        byte[] bytes = Files.readAllBytes(src);
        Path plain = Files.write(tmp.resolve("plain.pcap"), bytes);
        Path truncated = Files.write(tmp.resolve("truncated.pcap"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3 + 7));
        Path gz = tmp.resolve("plain.pcap.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(bytes);
        }
        String prev = System.getProperty("gridscout.analyze.sha");
        try {
            for (Path f : List.of(plain, truncated, gz)) {
                String expected = java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
                for (String mode : new String[] {"reader", "thread"}) {
                    System.setProperty("gridscout.analyze.sha", mode);
                    for (int w : new int[] {1, 2}) {
                        CaptureAnalyzer a = new CaptureAnalyzer(new InventoryBuilder(), FlowTable.Limits.defaults(), Set.of(), w);
                        assertThat(a.analyze(f, null).sha256()).as("%s, sha in %s, %d workers", f.getFileName(), mode, w).isEqualTo(expected);
                    }
                }
            }
        } finally {
            if (prev == null) System.clearProperty("gridscout.analyze.sha"); else System.setProperty("gridscout.analyze.sha", prev);
        }
    }

    /** Where the hash is computed by default: a second thread only when it has a core of its own to run on. */
    @Test
    void hashThreadOnlyWithOneLaneOnSeveralCpus() {
        assertThat(CaptureAnalyzer.hashInReader("", 1, 2)).isFalse();
        assertThat(CaptureAnalyzer.hashInReader("", 1, 1)).isTrue();
        assertThat(CaptureAnalyzer.hashInReader("", 2, 2)).isTrue();
        assertThat(CaptureAnalyzer.hashInReader("", 2, 1)).isTrue();
        assertThat(CaptureAnalyzer.hashInReader("thread", 1, 1)).isFalse();
        assertThat(CaptureAnalyzer.hashInReader("thread", 2, 8)).isFalse();
        assertThat(CaptureAnalyzer.hashInReader("reader", 1, 8)).isTrue();
    }
}
