package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.RecordingSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test stand-in for the capture reader and flow table (written elsewhere): tshark extracts the TCP/UDP
 * payloads of a capture, and each TCP stream / UDP conversation is fed, in frame order, to its own decoder
 * with a {@link RecordingSession} whose side 0 is the sender of the stream's first payload.
 */
final class TsharkFeed {
    static final String TSHARK = "/usr/bin/tshark";

    record Flow(RecordingSession session, ProtocolDecoder decoder) {}

    private TsharkFeed() {}

    static Path root() {
        return Paths.get(System.getProperty("gridscout.root", "..")).toAbsolutePath().normalize();
    }

    static Path pcap(String name) {
        return root().resolve("testdata/pcaps").resolve(name);
    }

    static List<String> run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(TSHARK);
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process pr = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!pr.waitFor(120, TimeUnit.SECONDS) || pr.exitValue() != 0) {
                throw new IOException("tshark failed: " + Files.readString(err));
            }
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Feeds every payload of the capture into DNP3 decoders; returns the flows in order of appearance. */
    static List<Flow> feed(Path pcap) throws IOException, InterruptedException {
        List<String> lines = run("-r", pcap.toString(), "-o", "tcp.analyze_sequence_numbers:TRUE", "-T", "fields", "-E", "separator=/t",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport",
                "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.stream", "-e", "udp.stream",
                "-e", "tcp.analysis.retransmission", "-e", "tcp.payload", "-e", "udp.payload");
        Map<String, Flow> flows = new LinkedHashMap<>();
        Map<String, String> side0 = new LinkedHashMap<>();
        HexFormat hex = HexFormat.of();
        Dnp3Spec spec = new Dnp3Spec();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length < 12) continue;
            boolean udp = !f[8].isEmpty();
            String payloadHex = udp ? f[11] : f[10];
            if (payloadHex.isEmpty() || !f[9].isEmpty()) continue; // no payload, or a TCP retransmission
            byte[] payload = hex.parseHex(payloadHex);
            String key = (udp ? "udp" : "tcp") + f[udp ? 8 : 7];
            int sport = Integer.parseInt(udp ? f[5] : f[3]);
            int dport = Integer.parseInt(udp ? f[6] : f[4]);
            String from = f[1] + ":" + sport;
            Flow flow = flows.get(key);
            if (flow == null) {
                RecordingSession s = new RecordingSession("dnp3", udp ? Transport.UDP : Transport.TCP,
                        new Endpoint(Mac.NONE, IpAddr.parse(f[1]), sport), new Endpoint(Mac.NONE, IpAddr.parse(f[2]), dport));
                if (!spec.matches(payload, 0, payload.length, dport == Dnp3Spec.PORT || sport == Dnp3Spec.PORT, s.transport())) {
                    throw new AssertionError("first payload of " + key + " not recognised as DNP3: " + payloadHex);
                }
                flow = new Flow(s, spec.newDecoder(s));
                flows.put(key, flow);
                side0.put(key, from);
            }
            int side = side0.get(key).equals(from) ? 0 : 1;
            long t = Math.round(Double.parseDouble(f[0]) * 1e6) * 1000L;
            flow.decoder().onData(side, payload, 0, payload.length, t);
        }
        for (Flow flow : flows.values()) flow.decoder().onClose(0);
        return new ArrayList<>(flows.values());
    }
}
