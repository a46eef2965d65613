package io.gridscout.protocols.testutil;

import io.gridscout.protocols.capture.CaptureWriter;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.pipeline.Pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds Ethernet/IPv4/UDP frames byte by byte for tests, runs them through the real pipeline, writes pcaps. */
public final class L2Frames {
    private L2Frames() {}

    /** A byte builder: ints are single bytes, use {@link #u16}/{@link #u32}/{@link #ascii} for the rest. */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Bytes b(int... v) {
            for (int x : v) out.write(x);
            return this;
        }

        public Bytes u16(int v) {
            return b(v >> 8, v);
        }

        public Bytes u32(int v) {
            return b(v >>> 24, v >> 16, v >> 8, v);
        }

        public Bytes ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        public Bytes raw(byte[] v) {
            out.writeBytes(v);
            return this;
        }

        public Bytes zeros(int n) {
            return raw(new byte[n]);
        }

        public int size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    public static Bytes bytes() {
        return new Bytes();
    }

    public static byte[] mac(String s) {
        String[] p = s.split(":");
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) m[i] = (byte) Integer.parseInt(p[i], 16);
        return m;
    }

    public static byte[] ethernet(String dst, String src, int etherType, byte[] payload) {
        return bytes().raw(mac(dst)).raw(mac(src)).u16(etherType).raw(payload).bytes();
    }

    /** 802.3 frame: the length field instead of an EtherType. */
    public static byte[] ieee8023(String dst, String src, byte[] payload) {
        return bytes().raw(mac(dst)).raw(mac(src)).u16(payload.length).raw(payload).bytes();
    }

    public static byte[] udp(String srcMac, String dstMac, String srcIp, int srcPort, String dstIp, int dstPort, byte[] payload) {
        byte[] udp = bytes().u16(srcPort).u16(dstPort).u16(8 + payload.length).u16(0).raw(payload).bytes();
        Bytes ip = bytes().b(0x45, 0).u16(20 + udp.length).u16(1).u16(0x4000).b(64, 17).u16(0).raw(ip4(srcIp)).raw(ip4(dstIp));
        byte[] h = ip.bytes();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((h[i] & 0xFF) << 8) | (h[i + 1] & 0xFF);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        h[10] = (byte) (~sum >> 8);
        h[11] = (byte) ~sum;
        return ethernet(dstMac, srcMac, 0x0800, bytes().raw(h).raw(udp).bytes());
    }

    public static byte[] ip4(String s) {
        String[] p = s.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])};
    }

    public static List<Fact> run(List<ProtocolSpec> ip, List<EtherTypeProtocol> l2, List<byte[]> frames) {
        List<Fact> facts = new ArrayList<>();
        Pipeline pipeline = new Pipeline(facts::add, ip, l2, FlowTable.Limits.defaults());
        long t = 1_700_000_000_000_000_000L;
        for (byte[] f : frames) {
            pipeline.frame(1, f, 0, f.length, f.length, t);
            t += 1_000_000_000L;
        }
        pipeline.finish();
        return facts;
    }

    public static Path writePcap(Path dir, String name, List<byte[]> frames) throws Exception {
        List<CaptureWriter.Packet> packets = new ArrayList<>();
        long t = 1_700_000_000_000_000_000L;
        for (byte[] f : frames) {
            packets.add(new CaptureWriter.Packet(t, f));
            t += 1_000_000_000L;
        }
        Path p = dir.resolve(name);
        CaptureWriter.writePcap(p, 1, packets);
        return p;
    }

    /** Identity facts as "name=value" strings. */
    public static List<String> identities(List<Fact> facts) {
        List<String> out = new ArrayList<>();
        for (Fact f : facts) if (f instanceof Fact.Identity i) out.add(i.name() + "=" + i.value());
        return out;
    }
}
