package io.gridscout.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile captures: an industrial site (Modbus, DNP3, OPC UA devices identified before, and more devices first
 * heard after, the flood) around one of the floods below. The pipeline must stay within its memory cap, count
 * what it evicts and keep the industrial assets.
 */
public final class FloodGenerator {
    public enum Flood {
        /** Distinct TCP 5-tuples: a SYN scan of random addresses and ports. */
        SYN_SCAN,
        /** Random source MAC and IP on every frame (UDP). */
        RANDOM_SOURCES,
        /** One TCP stream whose segments never fill the hole before them. */
        OUT_OF_ORDER,
        /** Modbus and DNP3 streams whose length fields lie (announce more than ever comes). */
        LYING_LENGTHS
    }

    public static final int SCANNER = ItTraffic.ip(10, 99, 0, 66);

    /** Returns the industrial devices (identified before and after the flood). */
    public static List<Device> generate(Path pcap, Flood kind, long floodPackets, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Site site = new Site(7);
        List<Device> devices = new ArrayList<>();
        Device.Kind[] kinds = {Device.Kind.MODBUS, Device.Kind.DNP3, Device.Kind.OPCUA};
        for (int i = 0; i < 6; i++) {
            Device d = new Device(kinds[i % 3], i, site.deviceIp(i), site.master);
            d.identity.putAll(switch (d.kind) {
                case MODBUS -> java.util.Map.of("vendor", "Schneider Electric", "productCode", "BMX P34 2020", "firmware", "v3.10");
                case DNP3 -> java.util.Map.of("vendor", "SEL", "model", "SEL-3530 RTAC", "firmware", "R148", "serial", "SN" + i);
                default -> java.util.Map.of("applicationUri", "urn:flood:gateway:" + i, "productUri", "urn:x", "name", "Gw" + i);
            });
            d.dnpAddr = 10 + i;
            devices.add(d);
        }
        try (PcapOut out = new PcapOut(pcap)) {
            Wire w = new Wire(out, Long.MAX_VALUE, SubstationGenerator.START, rng);
            IcsTraffic ics = new IcsTraffic(w, rng);
            for (int i = 0; i < 3; i++) {
                ics.setup(devices.get(i));
                devices.get(i).identified = true;
            }
            switch (kind) {
                case SYN_SCAN -> synScan(w, rng, floodPackets);
                case RANDOM_SOURCES -> randomSources(w, rng, floodPackets);
                case OUT_OF_ORDER -> outOfOrder(w, rng, floodPackets);
                case LYING_LENGTHS -> lyingLengths(w, rng, floodPackets);
            }
            for (int i = 3; i < 6; i++) {
                ics.setup(devices.get(i));
                devices.get(i).identified = true;
            }
            for (int k = 0; k < 100; k++) for (Device d : devices) ics.poll(d);
        }
        return devices;
    }

    private static void synScan(Wire w, SplittableRandom rng, long n) {
        Frames f = w.f;
        for (long i = 0; i < n; i++) {
            int dst = ItTraffic.ip(172, 16 + rng.nextInt(16), rng.nextInt(256), 1 + rng.nextInt(254));
            w.emit(f.tcp(SCANNER, 1024 + rng.nextInt(60_000), dst, 1 + rng.nextInt(65_535), rng.nextInt(), 0, Frames.SYN, 0));
        }
    }

    private static void randomSources(Wire w, SplittableRandom rng, long n) {
        Frames f = w.f;
        for (long i = 0; i < n; i++) {
            int src = ItTraffic.ip(100 + rng.nextInt(100), rng.nextInt(256), rng.nextInt(256), 1 + rng.nextInt(254));
            int len = f.udp(src, 1024 + rng.nextInt(60_000), ItTraffic.DNS, 53, 0);
            long mac = rng.nextLong() & 0xFEFF_FFFF_FFFFL;         // unicast
            f.ethernet(Frames.mac(ItTraffic.DNS), mac, 0x0800);
            w.emit(len);
        }
    }

    private static void outOfOrder(Wire w, SplittableRandom rng, long n) {
        Frames f = w.f;
        Wire.Tcp c = new Wire.Tcp(SCANNER, 45000, ItTraffic.ip(10, 0, 7, 200), 502, rng);
        w.handshake(c);
        for (long i = 0; i < n; i++) {
            int len = 1 + rng.nextInt(1400);
            for (int k = 0; k < len; k++) f.buf[Frames.PAYLOAD_TCP + k] = (byte) k;
            // always ahead of the next expected byte: the hole before it never fills
            long seq = c.cseq + 1 + rng.nextInt(1 << 20);
            w.emit(f.tcp(c.cip, c.cport, c.sip, c.sport, seq, c.sseq, Frames.PSH | Frames.ACK, len));
        }
    }

    private static void lyingLengths(Wire w, SplittableRandom rng, long n) {
        Frames f = w.f;
        Wire.Tcp mb = new Wire.Tcp(SCANNER, 45001, ItTraffic.ip(10, 0, 7, 201), 502, rng);
        Wire.Tcp dnp = new Wire.Tcp(SCANNER, 45002, ItTraffic.ip(10, 0, 7, 202), 20000, rng);
        w.handshake(mb);
        w.handshake(dnp);
        for (long i = 0; i < n; i++) {
            int o = Frames.PAYLOAD_TCP;
            if ((i & 1) == 0) {
                // MBAP announcing 65535 bytes (the standard allows 254), then a short PDU
                f.be16(o, (int) i); f.be16(o + 2, 0); f.be16(o + 4, 0xFFFF); f.buf[o + 6] = 1; f.buf[o + 7] = 3;
                int len = 8 + rng.nextInt(200);
                w.data(mb, (i & 2) == 0, len);
            } else {
                // DNP3 link header: LEN 255 with a bad CRC and a truncated body
                f.buf[o] = 0x05; f.buf[o + 1] = 0x64; f.buf[o + 2] = (byte) 0xFF; f.buf[o + 3] = (byte) 0xC4;
                int len = 10 + rng.nextInt(300);
                for (int k = 4; k < len; k++) f.buf[o + k] = (byte) rng.nextInt(256);
                w.data(dnp, (i & 2) == 0, len);
            }
        }
    }

    /** {@code flood KIND OUT.pcap PACKETS [SEED]} */
    public static void main(String[] args) throws IOException {
        generate(Path.of(args[1]), Flood.valueOf(args[0]), Long.parseLong(args[2].replace("_", "")), args.length > 3 ? Long.parseLong(args[3]) : 1);
    }
}
