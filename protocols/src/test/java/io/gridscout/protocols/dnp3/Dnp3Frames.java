package io.gridscout.protocols.dnp3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds DNP3 frames byte by byte from IEEE 1815 (CRCs computed here) and writes them into a pcap. */
final class Dnp3Frames {
    private Dnp3Frames() {}

    /** One link frame: header + CRC, user data in 16-byte blocks each with its CRC. */
    static byte[] frame(int ctrl, int dst, int src, byte[] userData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = {0x05, 0x64, (byte) (5 + userData.length), (byte) ctrl, (byte) dst, (byte) (dst >> 8), (byte) src, (byte) (src >> 8)};
        out.writeBytes(h);
        crc(out, h, 0, 8);
        for (int i = 0; i < userData.length; i += 16) {
            int n = Math.min(16, userData.length - i);
            out.write(userData, i, n);
            crc(out, userData, i, n);
        }
        return out.toByteArray();
    }

    private static void crc(ByteArrayOutputStream out, byte[] b, int off, int len) {
        int c = Dnp3Crc.compute(b, off, len);
        out.write(c & 0xFF);
        out.write(c >>> 8);
    }

    /**
     * An application fragment as link frames (unconfirmed user data, DIR per sender) with transport
     * segments of at most {@code segMax} application bytes (1..249), sequence numbers from {@code seq0}.
     */
    static byte[] frames(boolean fromMaster, int dst, int src, byte[] app, int segMax, int seq0) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ctrl = (fromMaster ? Dnp3Link.DIR : 0) | Dnp3Link.PRM | Dnp3Link.PRI_UNCONFIRMED_USER_DATA;
        int seq = seq0;
        for (int i = 0; i < app.length || i == 0; i += segMax) {
            int n = Math.min(segMax, app.length - i);
            byte[] ud = new byte[n + 1];
            ud[0] = (byte) ((i == 0 ? Dnp3Transport.FIR : 0) | (i + n >= app.length ? Dnp3Transport.FIN : 0) | (seq & 0x3F));
            System.arraycopy(app, i, ud, 1, n);
            out.writeBytes(frame(ctrl, dst, src, ud));
            seq++;
            if (n == 0) break;
        }
        return out.toByteArray();
    }

    static byte[] hex(String h) {
        return java.util.HexFormat.of().parseHex(h.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** One TCP payload in a pcap: sender side 0 = 10.0.0.1:40000, side 1 = 10.0.0.2:20000. */
    record Segment(int side, byte[] payload) {}

    /** Writes an Ethernet/IPv4/TCP pcap (microsecond timestamps, linktype 1) holding the segments in order. */
    static void writePcap(Path file, List<Segment> segments) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        long[] seq = {1000, 5000};
        int t = 1_700_000_000;
        int usec = 0;
        for (Segment s : segments) {
            byte[] p = s.payload();
            int frameLen = 14 + 20 + 20 + p.length;
            b.order(ByteOrder.LITTLE_ENDIAN).putInt(t).putInt(usec += 1000).putInt(frameLen).putInt(frameLen);
            b.order(ByteOrder.BIG_ENDIAN);
            int a = s.side();
            // Ethernet
            b.put(new byte[] {0, 0, 0, 0, 0, (byte) (2 - a)}).put(new byte[] {0, 0, 0, 0, 0, (byte) (1 + a)}).putShort((short) 0x0800);
            // IPv4
            byte[] ip = new byte[20];
            ByteBuffer ib = ByteBuffer.wrap(ip);
            ib.put((byte) 0x45).put((byte) 0).putShort((short) (40 + p.length)).putShort((short) 0).putShort((short) 0x4000)
                    .put((byte) 64).put((byte) 6).putShort((short) 0)
                    .put(new byte[] {10, 0, 0, (byte) (1 + a)}).put(new byte[] {10, 0, 0, (byte) (2 - a)});
            int sum = 0;
            for (int i = 0; i < 20; i += 2) sum += (ip[i] & 0xFF) << 8 | (ip[i + 1] & 0xFF);
            while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >>> 16);
            ip[10] = (byte) (~sum >> 8);
            ip[11] = (byte) ~sum;
            b.put(ip);
            // TCP
            b.putShort((short) (a == 0 ? 40000 : 20000)).putShort((short) (a == 0 ? 20000 : 40000))
                    .putInt((int) seq[a]).putInt((int) seq[1 - a]).put((byte) 0x50).put((byte) 0x18)
                    .putShort((short) 0xFFFF).putShort((short) 0).putShort((short) 0);
            b.put(p);
            seq[a] += p.length;
        }
        Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
    }
}
