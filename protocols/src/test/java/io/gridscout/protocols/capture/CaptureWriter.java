package io.gridscout.protocols.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Test utility: writes pcap / pcapng / gzip files from packets, and reads any capture back into packets.
 * Typical use: {@code CaptureWriter.writePcapng(out, LinkTypes.ETHERNET, CaptureWriter.read(in).packets())}.
 * {@link Pcapng} builds pcapng byte by byte (any byte order, several interfaces, odd blocks) for tests.
 */
public final class CaptureWriter {
    private CaptureWriter() {}

    /** One packet: time in ns since the epoch and its captured bytes (original length = captured length). */
    public record Packet(long tsNanos, byte[] bytes) {
        public static Packet of(long tsNanos, byte... bytes) {
            return new Packet(tsNanos, bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Packet p && p.tsNanos == tsNanos && Arrays.equals(p.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(tsNanos) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Packet[" + tsNanos + ", " + bytes.length + " bytes]";
        }
    }

    /** A capture read back: packets plus the link type of the first packet (-1 when empty). */
    public record Capture(int linkType, List<Packet> packets, List<Integer> linkTypes, String damage) {}

    // ---------------------------------------------------------------- pcap

    /** Classic pcap, little-endian, microseconds, snaplen 262144. */
    public static void writePcap(Path file, int linkType, List<Packet> packets) throws IOException {
        Files.write(file, pcap(linkType, packets, false, ByteOrder.LITTLE_ENDIAN));
    }

    /** Classic pcap with nanosecond resolution (magic a1b23c4d), little-endian. */
    public static void writePcapNanos(Path file, int linkType, List<Packet> packets) throws IOException {
        Files.write(file, pcap(linkType, packets, true, ByteOrder.LITTLE_ENDIAN));
    }

    public static byte[] pcap(int linkType, List<Packet> packets, boolean nanos, ByteOrder order) {
        return pcap(linkType, 262144, packets, nanos, order);
    }

    public static byte[] pcap(int linkType, int snaplen, List<Packet> packets, boolean nanos, ByteOrder order) {
        int size = 24;
        for (Packet p : packets) {
            size += 16 + p.bytes().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        for (Packet p : packets) {
            long sec = Math.floorDiv(p.tsNanos(), 1_000_000_000L);
            long ns = Math.floorMod(p.tsNanos(), 1_000_000_000L);
            b.putInt((int) sec).putInt((int) (nanos ? ns : ns / 1000)).putInt(p.bytes().length).putInt(p.bytes().length)
                    .put(p.bytes());
        }
        return b.array();
    }

    // ---------------------------------------------------------------- pcapng

    /** pcapng, little-endian, one interface with if_tsresol 9 (nanoseconds), EPBs. */
    public static void writePcapng(Path file, int linkType, List<Packet> packets) throws IOException {
        Files.write(file, pcapng(linkType, packets, ByteOrder.LITTLE_ENDIAN));
    }

    public static byte[] pcapng(int linkType, List<Packet> packets, ByteOrder order) {
        Pcapng w = new Pcapng(order).shb().idb(linkType, 0, 9, 0);
        for (Packet p : packets) {
            w.epb(0, p.tsNanos(), p.bytes());
        }
        return w.bytes();
    }

    /** Builds pcapng block by block. Timestamps given to epb() are raw units of the interface's resolution. */
    public static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order;

        public Pcapng(ByteOrder order) {
            this.order = order;
        }

        /** Section header (section length -1, no options); sets the byte order of what follows. */
        public Pcapng shb(ByteOrder newOrder) {
            order = newOrder;
            return shb();
        }

        public Pcapng shb() {
            ByteBuffer body = buf(16).putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
                    .putLong(-1L);
            return block(PcapngReader.SHB, body.array());
        }

        /**
         * Interface description. tsresol: -1 = no option (µs), 0..127 = 10^-n, 128+k = 2^-k. tsoffset seconds
         * (0 = no option).
         */
        public Pcapng idb(int linkType, int snaplen, int tsresol, long tsoffsetSeconds) {
            ByteBuffer body = buf(64).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            if (tsresol >= 0) {
                body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
            }
            if (tsoffsetSeconds != 0) {
                body.putShort((short) 14).putShort((short) 8).putLong(tsoffsetSeconds);
            }
            // an if_name option, then opt_endofopt, as dumpcap writes
            byte[] name = "eth0".getBytes(StandardCharsets.US_ASCII);
            body.putShort((short) 2).putShort((short) name.length).put(name).putInt(0);
            return block(PcapngReader.IDB, Arrays.copyOf(body.array(), body.position()));
        }

        public Pcapng epb(int interfaceId, long ts, byte[] data) {
            return epb(interfaceId, ts, data, data.length);
        }

        public Pcapng epb(int interfaceId, long ts, byte[] data, int originalLength) {
            ByteBuffer body = buf(20 + pad(data.length)).putInt(interfaceId).putInt((int) (ts >>> 32)).putInt((int) ts)
                    .putInt(data.length).putInt(originalLength).put(data);
            return block(PcapngReader.EPB, body.array());
        }

        public Pcapng spb(int originalLength, byte[] data) {
            ByteBuffer body = buf(4 + pad(data.length)).putInt(originalLength).put(data);
            return block(PcapngReader.SPB, body.array());
        }

        /** Obsolete Packet Block (type 2). */
        public Pcapng pb(int interfaceId, long ts, byte[] data) {
            ByteBuffer body = buf(20 + pad(data.length)).putShort((short) interfaceId).putShort((short) 0)
                    .putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(data.length).put(data);
            return block(PcapngReader.PB, body.array());
        }

        /** Any block: type, total length, body padded to 4, total length. */
        public Pcapng block(int type, byte[] body) {
            int len = 12 + pad(body.length);
            ByteBuffer b = buf(len).putInt(type).putInt(len).put(body);
            b.position(len - 4);
            b.putInt(len);
            return raw(b.array());
        }

        /** Raw bytes (for damaged blocks). */
        public Pcapng raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** A 32-bit integer in the current byte order. */
        public Pcapng rawInt(int v) {
            return raw(buf(4).putInt(v).array());
        }

        public int size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private ByteBuffer buf(int n) {
            return ByteBuffer.allocate(n).order(order);
        }

        private static int pad(int n) {
            return (n + 3) & ~3;
        }
    }

    // ---------------------------------------------------------------- gzip, read back

    public static void gzip(Path source, Path target) throws IOException {
        Files.write(target, gzip(Files.readAllBytes(source)));
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static Capture read(Path file) throws IOException {
        try (CaptureReader r = Captures.open(file)) {
            return readAll(r);
        }
    }

    public static Capture read(byte[] data) throws IOException {
        try (CaptureReader r = Captures.open(new java.io.ByteArrayInputStream(data), "bytes")) {
            return readAll(r);
        }
    }

    public static Capture readAll(CaptureReader r) throws IOException {
        List<Packet> packets = new ArrayList<>();
        List<Integer> linkTypes = new ArrayList<>();
        while (r.next()) {
            packets.add(new Packet(r.timestampNanos(),
                    Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength())));
            linkTypes.add(r.linkType());
        }
        return new Capture(linkTypes.isEmpty() ? -1 : linkTypes.get(0), packets, linkTypes, r.damage());
    }
}
