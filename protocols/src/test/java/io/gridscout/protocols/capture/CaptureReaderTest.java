package io.gridscout.protocols.capture;

import io.gridscout.protocols.capture.CaptureWriter.Capture;
import io.gridscout.protocols.capture.CaptureWriter.Packet;
import io.gridscout.protocols.capture.CaptureWriter.Pcapng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaptureReaderTest {
    /** 2024-01-02T03:04:05.123456789Z */
    static final long T0 = 1_704_164_645_123_456_789L;

    static List<Packet> packets(int n, int size) {
        List<Packet> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size + i % 7];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (i * 31 + k);
            }
            list.add(new Packet(T0 + i * 1_000_000_123L, b));
        }
        return list;
    }

    static List<Packet> micros(List<Packet> in) {
        return in.stream().map(p -> new Packet(p.tsNanos() / 1000 * 1000, p.bytes())).toList();
    }

    static CaptureReader open(byte[] data) throws IOException {
        return Captures.open(new ByteArrayInputStream(data), "test.pcap");
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    // ------------------------------------------------------------ pcap

    @Test
    void pcapBothByteOrdersAndResolutions() throws IOException {
        List<Packet> in = packets(50, 60);
        for (ByteOrder order : List.of(LITTLE_ENDIAN, BIG_ENDIAN)) {
            for (boolean nanos : List.of(false, true)) {
                byte[] file = CaptureWriter.pcap(LinkTypes.LINUX_SLL, in, nanos, order);
                try (CaptureReader r = open(file)) {
                    PcapReader pr = (PcapReader) r;
                    assertThat(pr.bigEndian()).isEqualTo(order == BIG_ENDIAN);
                    assertThat(pr.nanosecondResolution()).isEqualTo(nanos);
                    assertThat(pr.snapLength()).isEqualTo(262144);
                    Capture c = CaptureWriter.readAll(r);
                    assertThat(c.damage()).isNull();
                    assertThat(c.linkType()).isEqualTo(LinkTypes.LINUX_SLL);
                    assertThat(c.packets()).isEqualTo(nanos ? in : micros(in));
                    assertThat(r.position()).isEqualTo(file.length);
                }
            }
        }
    }

    @Test
    void pcapTimestampAfter2038IsUnsigned() throws IOException {
        long t = 3_000_000_000L * 1_000_000_000L + 5_000;
        Capture c = CaptureWriter.read(CaptureWriter.pcap(1, List.of(Packet.of(t, (byte) 1)), false, LITTLE_ENDIAN));
        assertThat(c.packets().get(0).tsNanos()).isEqualTo(t);
    }

    @Test
    void pcapFcsBitsAreMaskedOffTheLinkType() throws IOException {
        int lt = LinkTypes.ETHERNET | 0x04000000 | (2 << 28);
        try (CaptureReader r = open(CaptureWriter.pcap(lt, packets(1, 64), false, LITTLE_ENDIAN))) {
            assertThat(r.next()).isTrue();
            assertThat(r.linkType()).isEqualTo(LinkTypes.ETHERNET);
            assertThat(((PcapReader) r).fcsLength()).isEqualTo(4);
        }
    }

    @Test
    void headerOnlyPcapIsEmptyNotDamaged() throws IOException {
        try (CaptureReader r = open(CaptureWriter.pcap(1, List.of(), false, LITTLE_ENDIAN))) {
            assertThat(r.next()).isFalse();
            assertThat(r.damage()).isNull();
            assertThat(r.position()).isEqualTo(24);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void pcapTruncatedRecordHeader() throws IOException {
        byte[] good = CaptureWriter.pcap(1, packets(3, 60), false, LITTLE_ENDIAN);
        byte[] file = concat(good, new byte[10]);
        Capture c = CaptureWriter.read(file);
        assertThat(c.packets()).hasSize(3);
        assertThat(c.damage()).isEqualTo("truncated packet record header at offset " + good.length);
    }

    @Test
    void pcapTruncatedRecordData() throws IOException {
        byte[] file = CaptureWriter.pcap(1, packets(3, 60), false, BIG_ENDIAN);
        byte[] cut = Arrays.copyOf(file, file.length - 5);
        try (CaptureReader r = open(cut)) {
            assertThat(r.next()).isTrue();
            assertThat(r.next()).isTrue();
            long third = r.position();
            assertThat(r.next()).isFalse();
            assertThat(r.damage()).isEqualTo("truncated packet record at offset " + third);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void pcapRecordLongerThanSnaplenPlusSlack() throws IOException {
        List<Packet> in = List.of(Packet.of(T0, new byte[100]), new Packet(T0, new byte[1500 + PcapReader.SNAPLEN_SLACK + 1]));
        byte[] file = CaptureWriter.pcap(1, 1500, in, false, LITTLE_ENDIAN);
        Capture c = CaptureWriter.read(file);
        assertThat(c.packets()).hasSize(1);
        assertThat(c.damage()).isEqualTo("packet record length 67037 exceeds limit 67036 at offset 140");
        // within the slack is accepted: writers that store a too-small snaplen exist
        assertThat(CaptureWriter.read(CaptureWriter.pcap(1, 1500, List.of(Packet.of(T0, new byte[9000])), false,
                LITTLE_ENDIAN)).packets()).hasSize(1);
    }

    @Test
    void pcapRecordLongerThanCapOrNegative() throws IOException {
        byte[] file = CaptureWriter.pcap(1, 0, List.of(Packet.of(T0, new byte[4])), false, LITTLE_ENDIAN);
        ByteBuffer.wrap(file).order(LITTLE_ENDIAN).putInt(24 + 8, PcapReader.MAX_PACKET + 1);
        assertThat(CaptureWriter.read(file).damage()).isEqualTo("packet record length 262145 exceeds limit 262144 at offset 24");
        ByteBuffer.wrap(file).order(LITTLE_ENDIAN).putInt(24 + 8, -1);
        assertThat(CaptureWriter.read(file).damage()).isEqualTo("packet record length 4294967295 exceeds limit 262144 at offset 24");
    }

    @Test
    void zeroLengthPackets() throws IOException {
        List<Packet> in = List.of(Packet.of(T0), Packet.of(T0 + 1000, (byte) 7), Packet.of(T0 + 2000));
        assertThat(CaptureWriter.read(CaptureWriter.pcap(1, in, true, LITTLE_ENDIAN)).packets()).isEqualTo(in);
        Capture c = CaptureWriter.read(CaptureWriter.pcapng(1, in, BIG_ENDIAN));
        assertThat(c.packets()).isEqualTo(in);
        assertThat(c.damage()).isNull();
    }

    @Test
    void maximalPacketInEveryFormat() throws IOException {
        byte[] big = new byte[PcapReader.MAX_PACKET];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        List<Packet> in = List.of(Packet.of(T0, (byte) 1), new Packet(T0 + 1000, big), Packet.of(T0 + 2000, (byte) 2),
                new Packet(T0 + 3000, big));
        for (byte[] file : List.of(CaptureWriter.pcap(1, in, true, LITTLE_ENDIAN), CaptureWriter.pcapng(1, in, LITTLE_ENDIAN),
                CaptureWriter.gzip(CaptureWriter.pcap(1, in, true, BIG_ENDIAN)),
                CaptureWriter.gzip(CaptureWriter.pcapng(1, in, BIG_ENDIAN)))) {
            try (CaptureReader r = open(file)) {
                Capture c = CaptureWriter.readAll(r);
                assertThat(c.damage()).isNull();
                assertThat(c.packets()).isEqualTo(in);
                assertThat(r.data().length).isLessThanOrEqualTo(PcapngReader.MAX_BUFFERED_BLOCK + ByteSource.CHUNK);
            }
        }
    }

    // ------------------------------------------------------------ detection

    @Test
    void textFileIsNotACapture() {
        byte[] text = "Hello, this is not a capture\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> open(text)).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: not a pcap or pcapng capture (magic 0x48656c6c)");
        assertThatThrownBy(() -> open(new byte[] {1, 2})).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: not a pcap or pcapng capture (magic 0x0102)");
        assertThatThrownBy(() -> open(CaptureWriter.gzip(text))).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("magic 0x48656c6c");
    }

    @Test
    void emptyAndShortFiles(@TempDir Path dir) throws IOException {
        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        assertThatThrownBy(() -> Captures.open(empty)).isInstanceOf(CaptureFormatException.class)
                .hasMessage(empty + ": empty file");
        assertThatThrownBy(() -> open(CaptureWriter.gzip(new byte[0]))).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("empty file");
        byte[] pcapHeader = CaptureWriter.pcap(1, List.of(), false, LITTLE_ENDIAN);
        assertThatThrownBy(() -> open(Arrays.copyOf(pcapHeader, 20))).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: truncated pcap file header (20 bytes)");
        byte[] shb = new Pcapng(LITTLE_ENDIAN).shb().bytes();
        assertThatThrownBy(() -> open(Arrays.copyOf(shb, 20))).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: truncated section header block at offset 0");
        assertThatThrownBy(() -> open(Arrays.copyOf(shb, 6))).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: truncated section header block at offset 0");
        byte[] badVersion = pcapHeader.clone();
        badVersion[4] = 3;
        assertThatThrownBy(() -> open(badVersion)).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: unsupported pcap version 3.4");
        byte[] badBom = shb.clone();
        badBom[8] = 0;
        assertThatThrownBy(() -> open(badBom)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("bad byte-order magic");
    }

    @Test
    void failedOpenClosesTheStream() {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(CaptureWriter.gzip("text".getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertThatThrownBy(() -> Captures.open(in, "t")).isInstanceOf(CaptureFormatException.class);
        assertThat(closed[0]).isTrue();
    }

    @Test
    void openPathNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.pcapng");
        CaptureWriter.writePcapng(f, LinkTypes.RAW, packets(5, 40));
        Path z = dir.resolve("x.pcapng.gz");
        CaptureWriter.gzip(f, z);
        assertThat(CaptureWriter.read(z).packets()).isEqualTo(packets(5, 40));
        try (CaptureReader r = Captures.open(z)) {
            assertThat(r.format()).isEqualTo("pcapng");
            CaptureWriter.readAll(r);
            assertThat(r.position()).isEqualTo(Files.size(f)); // decompressed bytes
        }
        Path p = dir.resolve("x.pcap");
        CaptureWriter.writePcap(p, LinkTypes.RAW, packets(5, 40));
        assertThat(CaptureWriter.read(p).packets()).isEqualTo(micros(packets(5, 40)));
        Path n = dir.resolve("n.pcap");
        CaptureWriter.writePcapNanos(n, LinkTypes.RAW, packets(5, 40));
        assertThat(CaptureWriter.read(n).packets()).isEqualTo(packets(5, 40));
    }

    @Test
    void garbageAfterAValidPrefix() throws IOException {
        byte[] junk = "garbage garbage garbage garbage garbage".getBytes(StandardCharsets.US_ASCII);
        byte[] pcap = CaptureWriter.pcap(1, packets(4, 80), false, LITTLE_ENDIAN);
        Capture c = CaptureWriter.read(concat(pcap, junk));
        assertThat(c.packets()).isEqualTo(micros(packets(4, 80)));
        assertThat(c.damage()).endsWith("at offset " + pcap.length);
        byte[] png = CaptureWriter.pcapng(1, packets(4, 80), LITTLE_ENDIAN);
        c = CaptureWriter.read(concat(png, junk));
        assertThat(c.packets()).isEqualTo(packets(4, 80));
        assertThat(c.damage()).endsWith("at offset " + png.length);
    }

    @Test
    void truncatedGzipIsDamageNotAnException() throws IOException {
        byte[] gz = CaptureWriter.gzip(CaptureWriter.pcap(1, packets(2000, 200), false, LITTLE_ENDIAN));
        Capture c = CaptureWriter.read(Arrays.copyOf(gz, gz.length / 2));
        assertThat(c.packets().size()).isBetween(1, 1999);
        assertThat(c.packets()).isEqualTo(micros(packets(2000, 200)).subList(0, c.packets().size()));
        assertThat(c.damage()).startsWith("truncated packet record").contains("damaged gzip data");
    }

    // ------------------------------------------------------------ pcapng

    @Test
    void pcapngSeveralInterfacesResolutionsAndBlockTypes() throws IOException {
        for (ByteOrder order : List.of(LITTLE_ENDIAN, BIG_ENDIAN)) {
            byte[] a = {1, 2, 3, 4, 5};
            byte[] b = {6, 7, 8};
            byte[] c = new byte[100];
            long sec = 1_700_000_000L;
            Pcapng w = new Pcapng(order).shb()
                    .idb(LinkTypes.ETHERNET, 0, -1, 0)                // µs by default
                    .block(4, new byte[] {0, 0, 0, 0})                 // name resolution block: skipped
                    .idb(LinkTypes.RAW, 0, 9, 0)                      // ns
                    .idb(LinkTypes.LINUX_SLL2, 0, 0x80 | 20, 100)     // 2^-20 s, offset +100 s
                    .idb(LinkTypes.IPV4, 0, 3, 0)                     // ms
                    .idb(LinkTypes.IPV6, 0, 12, sec)                  // ps (64 bits of ps span 213 days: needs the offset)
                    .block(0x40000BAD, new byte[1 << 20])              // big custom block: streamed past
                    .epb(0, sec * 1_000_000 + 123_456, a)
                    .epb(1, sec * 1_000_000_000 + 123_456_789, b)
                    .epb(2, (sec << 20) + (1 << 19), c)               // .5 s
                    .pb(3, sec * 1000 + 7, a)
                    .epb(4, 1_234_567, b, 1000)
                    .spb(5, a);
            try (CaptureReader r = open(w.bytes())) {
                assertThat(r.next()).isTrue();
                assertThat(r.linkType()).isEqualTo(LinkTypes.ETHERNET);
                assertThat(r.timestampNanos()).isEqualTo(sec * 1_000_000_000 + 123_456_000);
                assertThat(Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength())).isEqualTo(a);
                assertThat(r.next()).isTrue();
                assertThat(r.linkType()).isEqualTo(LinkTypes.RAW);
                assertThat(r.interfaceId()).isEqualTo(1);
                assertThat(r.timestampNanos()).isEqualTo(sec * 1_000_000_000 + 123_456_789);
                assertThat(r.capturedLength()).isEqualTo(3);
                assertThat(r.next()).isTrue();
                assertThat(r.linkType()).isEqualTo(LinkTypes.LINUX_SLL2);
                assertThat(r.timestampNanos()).isEqualTo((sec + 100) * 1_000_000_000 + 500_000_000);
                assertThat(r.capturedLength()).isEqualTo(100);
                assertThat(r.next()).isTrue();
                assertThat(r.linkType()).isEqualTo(LinkTypes.IPV4);
                assertThat(r.timestampNanos()).isEqualTo(sec * 1_000_000_000 + 7_000_000);
                assertThat(r.next()).isTrue();
                assertThat(r.linkType()).isEqualTo(LinkTypes.IPV6);
                assertThat(r.timestampNanos()).isEqualTo(sec * 1_000_000_000 + 1_234);
                assertThat(r.originalLength()).isEqualTo(1000);
                long previous = r.timestampNanos();
                assertThat(r.next()).isTrue();                           // SPB: interface 0, no timestamp
                assertThat(r.linkType()).isEqualTo(LinkTypes.ETHERNET);
                assertThat(r.interfaceId()).isEqualTo(0);
                assertThat(r.timestampNanos()).isEqualTo(previous);
                assertThat(r.capturedLength()).isEqualTo(5);
                assertThat(r.originalLength()).isEqualTo(5);
                assertThat(r.next()).isFalse();
                assertThat(r.damage()).isNull();
                assertThat(r.position()).isEqualTo(w.size());
                assertThat(r.data().length).isLessThanOrEqualTo(PcapngReader.MAX_BUFFERED_BLOCK + ByteSource.CHUNK);
            }
        }
    }

    @Test
    void simplePacketBlockIsCutToSnaplenAndOriginalLength() throws IOException {
        byte[] data = new byte[64];
        Capture c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().idb(1, 10, -1, 0).spb(1500, data).bytes());
        assertThat(c.packets().get(0).bytes()).hasSize(10);
        c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().idb(1, 0, -1, 0).spb(62, data).bytes());
        assertThat(c.packets().get(0).bytes()).hasSize(62);
        c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().spb(62, data).bytes());
        assertThat(c.damage()).isEqualTo("simple packet block without an interface at offset 28");
    }

    @Test
    void newSectionResetsInterfacesAndMayChangeByteOrder() throws IOException {
        Pcapng w = new Pcapng(LITTLE_ENDIAN).shb().idb(LinkTypes.ETHERNET, 0, 9, 0).idb(LinkTypes.RAW, 0, 9, 0)
                .epb(1, 5, new byte[] {1})
                .shb(BIG_ENDIAN).idb(LinkTypes.LINUX_SLL, 0, 9, 0)
                .epb(0, 6, new byte[] {2});
        int beforeBad = w.size();
        w.epb(1, 7, new byte[] {3});
        try (CaptureReader r = open(w.bytes())) {
            assertThat(r.next()).isTrue();
            assertThat(r.linkType()).isEqualTo(LinkTypes.RAW);
            assertThat(r.next()).isTrue();
            assertThat(r.linkType()).isEqualTo(LinkTypes.LINUX_SLL);
            assertThat(r.timestampNanos()).isEqualTo(6);
            assertThat(((PcapngReader) r).interfaceCount()).isEqualTo(1);
            assertThat(r.next()).isFalse();
            assertThat(r.damage()).isEqualTo("packet for undeclared interface 1 at offset " + beforeBad);
        }
    }

    @Test
    void pcapngBogusBlockLengths() throws IOException {
        Pcapng head = new Pcapng(LITTLE_ENDIAN).shb().idb(1, 0, -1, 0).epb(0, 1, new byte[] {1, 2, 3});
        int at = head.size();
        byte[] prefix = head.bytes();
        for (int length : new int[] {7, 8, 0, -4, PcapngReader.MAX_BUFFERED_BLOCK + 4}) {
            byte[] file = new Pcapng(LITTLE_ENDIAN).raw(prefix).rawInt(PcapngReader.EPB).rawInt(length).raw(new byte[64]).bytes();
            Capture c = CaptureWriter.read(file);
            assertThat(c.packets()).hasSize(1);
            assertThat(c.damage()).isEqualTo("bogus block length " + Integer.toUnsignedString(length) + " at offset " + at);
        }
        // unknown blocks are skipped, but not beyond the skip cap
        byte[] huge = new Pcapng(LITTLE_ENDIAN).raw(prefix).rawInt(0x0BAD).rawInt(0x7FFFFFFC).raw(new byte[64]).bytes();
        assertThat(CaptureWriter.read(huge).damage()).isEqualTo("bogus block length 2147483644 at offset " + at);
        // trailer differs from the header
        byte[] epb = new Pcapng(LITTLE_ENDIAN).epb(0, 2, new byte[] {9}).bytes();
        ByteBuffer.wrap(epb).order(LITTLE_ENDIAN).putInt(epb.length - 4, 36);
        byte[] nrb = new Pcapng(LITTLE_ENDIAN).block(4, new byte[8]).bytes();
        ByteBuffer.wrap(nrb).order(LITTLE_ENDIAN).putInt(nrb.length - 4, 24);
        assertThat(CaptureWriter.read(concat(prefix, nrb)).damage()).isEqualTo("bogus block length 20 (trailer says 24) at offset " + at);
        ByteBuffer.wrap(epb).order(LITTLE_ENDIAN).putInt(epb.length - 4, 40);
        assertThat(CaptureWriter.read(concat(prefix, epb)).damage()).isEqualTo("bogus block length 36 (trailer says 40) at offset " + at);
        // a packet longer than its block
        epb = new Pcapng(LITTLE_ENDIAN).epb(0, 2, new byte[] {9}).bytes();
        ByteBuffer.wrap(epb).order(LITTLE_ENDIAN).putInt(20, 5);
        assertThat(CaptureWriter.read(concat(prefix, epb)).damage()).isEqualTo("packet length 5 exceeds block length 36 at offset " + at);
        // cut short
        assertThat(CaptureWriter.read(Arrays.copyOf(concat(prefix, epb), at + 20)).damage()).isEqualTo("truncated block at offset " + at);
        assertThat(CaptureWriter.read(Arrays.copyOf(concat(prefix, new Pcapng(LITTLE_ENDIAN).block(4, new byte[8]).bytes()), at + 17)).damage()).isEqualTo("truncated block at offset " + at);
        assertThat(CaptureWriter.read(Arrays.copyOf(concat(prefix, nrb), at + 5)).damage()).isEqualTo("truncated block header at offset " + at);
        // a section header in the middle with a bad length or byte-order magic
        byte[] shb = new Pcapng(BIG_ENDIAN).shb().bytes();
        ByteBuffer.wrap(shb).putInt(4, 20);
        assertThat(CaptureWriter.read(concat(prefix, shb)).damage()).isEqualTo("bogus block length 20 at offset " + at);
    }

    @Test
    void pcapngFirstBlockProblemsAreFormatErrors() {
        byte[] shb = new Pcapng(LITTLE_ENDIAN).shb().bytes();
        ByteBuffer.wrap(shb).order(LITTLE_ENDIAN).putInt(4, 30);
        assertThatThrownBy(() -> open(shb)).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: bogus block length 30 at offset 0");
        byte[] v2 = new Pcapng(BIG_ENDIAN).shb().bytes();
        v2[13] = 2;
        assertThatThrownBy(() -> open(v2)).isInstanceOf(CaptureFormatException.class)
                .hasMessage("test.pcap: unsupported pcapng version 2.0 at offset 0");
    }

    @Test
    void unsupportedTimestampResolutionIsDamage() throws IOException {
        Capture c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().idb(1, 0, 0x80 | 64, 0).bytes());
        assertThat(c.damage()).isEqualTo("unsupported if_tsresol 2^-64 at offset 28");
        c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().idb(1, 0, 28, 0).bytes());
        assertThat(c.damage()).isEqualTo("unsupported if_tsresol 10^-28 at offset 28");
        // 2^-63 still converts exactly
        c = CaptureWriter.read(new Pcapng(LITTLE_ENDIAN).shb().idb(1, 0, 0x80 | 63, 0).epb(0, 3L << 60, new byte[1]).bytes());
        assertThat(c.packets().get(0).tsNanos()).isEqualTo(375_000_000L);
    }

    // ------------------------------------------------------------ lent buffers

    /** Hands out small arrays and checks the reader's side of the contract: each array is retired once. */
    static final class LendingRecycler implements BufferRecycler {
        final java.util.Set<byte[]> retired = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int fresh;

        @Override
        public byte[] fresh(int minLength) {
            fresh++;
            return new byte[Math.max(minLength, 1 << 16)];
        }

        @Override
        public void retire(byte[] buf) {
            assertThat(retired.add(buf)).as("retired twice").isTrue();
        }
    }

    /**
     * With a recycler, a packet's bytes stay valid after next(): the reader never moves or overwrites bytes in an
     * array it has filled (sharded analysis hands frames to other threads by reference). Both formats, and the
     * pcapng path that skips a large block.
     */
    @Test
    void framesStayValidInLentBuffers() throws IOException {
        List<Packet> pkts = packets(20_000, 180);
        Pcapng ng = new Pcapng(LITTLE_ENDIAN).shb().idb(LinkTypes.ETHERNET, 0, 9, 0);
        for (int i = 0; i < pkts.size(); i++) {
            ng.epb(0, pkts.get(i).tsNanos(), pkts.get(i).bytes());
            if (i % 4000 == 3999) ng.block(0x40000BAD, new byte[300_000]);   // streamed past with skip()
        }
        for (byte[] file : List.of(CaptureWriter.pcap(1, pkts, true, LITTLE_ENDIAN), ng.bytes())) {
            LendingRecycler lender = new LendingRecycler();
            List<byte[]> arrays = new ArrayList<>();
            List<int[]> where = new ArrayList<>();
            try (CaptureReader r = open(file)) {
                r.recycleBuffers(lender);
                while (r.next()) {
                    arrays.add(r.data());
                    where.add(new int[] {r.offset(), r.capturedLength()});
                }
                assertThat(r.damage()).isNull();
            }
            assertThat(arrays).hasSize(pkts.size());
            for (int i = 0; i < arrays.size(); i++) {
                int[] w = where.get(i);
                assertThat(Arrays.copyOfRange(arrays.get(i), w[0], w[0] + w[1])).as("packet %d", i).isEqualTo(pkts.get(i).bytes());
            }
            assertThat(lender.fresh).as("buffers taken").isGreaterThan(20);
            assertThat(lender.retired).hasSizeGreaterThanOrEqualTo(lender.fresh);   // the first (own) one is retired too
        }
    }

    // ------------------------------------------------------------ streaming and speed

    /** 2M records generated on the fly (≈150 MB) through the reader: memory stays the one bounded buffer. */
    @Test
    void streamsLargeInputInConstantMemory() throws IOException {
        int records = 2_000_000;
        byte[] header = CaptureWriter.pcap(1, List.of(), false, LITTLE_ENDIAN);
        byte[] record = CaptureWriter.pcap(1, List.of(Packet.of(T0, new byte[60])), false, LITTLE_ENDIAN);
        byte[] one = Arrays.copyOfRange(record, 24, record.length);
        InputStream generated = new InputStream() {
            long produced = -header.length;
            final long total = (long) records * one.length;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (produced >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - produced);
                for (int i = 0; i < n; i++) {
                    long at = produced + i;
                    b[off + i] = at < 0 ? header[(int) (at + header.length)] : one[(int) (at % one.length)];
                }
                produced += n;
                return n;
            }
        };
        try (CaptureReader r = Captures.open(generated, "generated")) {
            int n = 0;
            while (r.next()) {
                n++;
            }
            assertThat(r.damage()).isNull();
            assertThat(n).isEqualTo(records);
            assertThat(r.data().length).isLessThanOrEqualTo(PcapReader.MAX_PACKET + 16 + ByteSource.CHUNK);
        }
    }
}
