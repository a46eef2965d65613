package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP payloads of a capture as tshark sees them (no reassembly), in capture order. Stands in for the capture
 * reader and flow table while those are built: the test feeds each stream's payloads to one decoder.
 */
final class TsharkStreams {
    record Segment(int stream, String src, int srcPort, String dst, int dstPort, byte[] payload) {}

    /** One decoded TCP connection: side 0 is the sender of its first payload. */
    record Decoded(RecordingSession session, OpcUaDecoder decoder) {}

    static Path pcap(String name) {
        String root = System.getProperty("gridscout.root", "..");
        Path p = Path.of(root, "testdata", "pcaps", name);
        if (!Files.exists(p)) p = Path.of("..", "testdata", "pcaps", name);
        return p;
    }

    static List<Segment> segments(Path pcap) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-o", "tcp.desegment_tcp_streams:FALSE",
                "-Y", "tcp.len > 0 && !tcp.analysis.retransmission", "-T", "fields", "-E", "separator=\t",
                "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
                "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "tcp.payload")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) throw new IOException("tshark failed on " + pcap);
        List<Segment> segs = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            String src = f[1].isEmpty() ? f[2] : f[1];
            String dst = f[4].isEmpty() ? f[5] : f[4];
            segs.add(new Segment(Integer.parseInt(f[0]), src, Integer.parseInt(f[3]), dst, Integer.parseInt(f[6]),
                    HexFormat.of().parseHex(f[7].replace(":", ""))));
        }
        return segs;
    }

    /** Feeds every stream to its own decoder (in capture order, per direction). */
    static Map<Integer, Decoded> decode(List<Segment> segs) {
        Map<Integer, Decoded> out = new LinkedHashMap<>();
        long t = 1_700_000_000_000_000_000L;
        for (Segment s : segs) {
            Decoded d = out.computeIfAbsent(s.stream(), k -> {
                RecordingSession rs = new RecordingSession("opcua", Transport.TCP,
                        new Endpoint(0, IpAddr.parse(s.src()), s.srcPort()), new Endpoint(0, IpAddr.parse(s.dst()), s.dstPort()));
                return new Decoded(rs, new OpcUaDecoder(rs));
            });
            int side = d.session().endpoint(0).port() == s.srcPort() && d.session().endpoint(0).ip().equals(IpAddr.parse(s.src())) ? 0 : 1;
            d.decoder().onData(side, s.payload(), 0, s.payload().length, t++);
        }
        return out;
    }

    /** The payloads one side sent, each whole (tshark's segments; fine for these small captures' messages). */
    static List<byte[]> payloadsStartingWith(List<Segment> segs, String type) {
        List<byte[]> out = new ArrayList<>();
        byte[] want = type.getBytes(StandardCharsets.US_ASCII);
        for (Segment s : segs) {
            byte[] b = s.payload();
            if (b.length >= want.length && java.util.Arrays.equals(b, 0, want.length, want, 0, want.length)) out.add(b);
        }
        return out;
    }
}
