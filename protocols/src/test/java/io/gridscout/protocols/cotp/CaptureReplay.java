package io.gridscout.protocols.cotp;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.flow.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Test driver until the capture reader/pipeline exist: tshark extracts the TCP payloads of a capture (no
 * reassembly), and each TCP stream is fed in order, per direction, to a fresh decoder on a RecordingSession.
 * Side 0 is the sender of the stream's first payload, so decoders must find the server from the protocol.
 */
public final class CaptureReplay {
    public record Segment(int stream, String srcIp, int srcPort, String dstIp, int dstPort, long timeNanos, byte[] payload) {}

    private CaptureReplay() {}

    public static Path root() {
        return Path.of(System.getProperty("gridscout.root", ".."));
    }

    public static Path pcap(String name) {
        return root().resolve("testdata/pcaps").resolve(name);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> truth(String name) throws IOException {
        return (Map<String, Object>) MiniJson.parse(Files.readString(pcap(name + ".truth.json")));
    }

    public static List<Segment> segments(Path file, int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "tcp.desegment_tcp_streams:FALSE",
                "-Y", "tcp.len > 0 && tcp.port == " + port + " && !tcp.analysis.retransmission && !tcp.analysis.keep_alive", "-T", "fields",
                "-e", "tcp.stream", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport",
                "-e", "frame.time_epoch", "-e", "tcp.payload");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process pr = pb.start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (pr.waitFor() != 0) throw new IOException("tshark failed on " + file);
        List<Segment> segs = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length < 7 || f[6].isEmpty()) continue;
            // 1-byte keep-alives of connections whose start is not in the capture (tshark cannot flag them)
            if (f[6].equals("00")) continue;
            long nanos = (long) (Double.parseDouble(f[5]) * 1e9);
            segs.add(new Segment(Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2]), f[3], Integer.parseInt(f[4]), nanos,
                    HexFormat.of().parseHex(f[6].replace(":", ""))));
        }
        return segs;
    }

    /** Replays every TCP stream on {@code port} into its own decoder; returns the sessions in stream order. */
    public static List<RecordingSession> replay(String capture, int port, String protocol,
                                                Function<Session, ProtocolDecoder> factory) throws Exception {
        return replay(capture, port, protocol, factory, Integer.MAX_VALUE);
    }

    /** As {@link #replay(String, int, String, Function)}, cutting every segment into pieces of at most {@code chunk} bytes. */
    public static List<RecordingSession> replay(String capture, int port, String protocol,
                                                Function<Session, ProtocolDecoder> factory, int chunk) throws Exception {
        Map<Integer, RecordingSession> sessions = new LinkedHashMap<>();
        Map<Integer, ProtocolDecoder> decoders = new LinkedHashMap<>();
        for (Segment s : segments(pcap(capture), port)) {
            RecordingSession rs = sessions.computeIfAbsent(s.stream(), k -> new RecordingSession(protocol, Transport.TCP,
                    new Endpoint(-1, IpAddr.parse(s.srcIp()), s.srcPort()), new Endpoint(-1, IpAddr.parse(s.dstIp()), s.dstPort())));
            ProtocolDecoder d = decoders.computeIfAbsent(s.stream(), k -> factory.apply(rs));
            int side = rs.endpoint(0).ip().equals(IpAddr.parse(s.srcIp())) && rs.endpoint(0).port() == s.srcPort() ? 0 : 1;
            byte[] p = s.payload();
            for (int o = 0; o < p.length; o += chunk) d.onData(side, p, o, Math.min(chunk, p.length - o), s.timeNanos());
        }
        for (ProtocolDecoder d : decoders.values()) d.onClose(0);
        return new ArrayList<>(sessions.values());
    }

    public static List<Fact> allFacts(List<RecordingSession> sessions) {
        List<Fact> all = new ArrayList<>();
        for (RecordingSession s : sessions) all.addAll(s.facts);
        return all;
    }

    /** "ip role" (and "ip:port role" when the truth names one port) of the Service facts of a protocol. */
    public static Set<String> roles(List<Fact> facts, String protocol, boolean withPort) {
        Set<String> out = new TreeSet<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Service s && s.protocol().equals(protocol)) {
                out.add(s.endpoint().ip() + (withPort ? ":" + s.endpoint().port() : "") + " " + s.role());
            }
        }
        return out;
    }

    /** The same view of the truth file's endpoints of a protocol section. */
    @SuppressWarnings("unchecked")
    public static Set<String> truthRoles(Map<String, Object> truth, String section, boolean withPort) {
        Set<String> out = new TreeSet<>();
        Map<String, Object> sec = (Map<String, Object>) truth.get(section);
        for (Object o : (List<Object>) sec.get("endpoints")) {
            Map<String, Object> e = (Map<String, Object>) o;
            Object port = e.get("port");
            out.add(e.get("ip") + (withPort && port != null ? ":" + port : "") + " " + e.get("role"));
        }
        return out;
    }

    /** Every identity value the facts state about "ip:port". */
    public static Set<String> identityValues(List<Fact> facts, String ipPort) {
        Set<String> out = new TreeSet<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Identity id && (id.endpoint().ip() + ":" + id.endpoint().port()).equals(ipPort)) {
                out.add(id.value());
            }
        }
        return out;
    }

    /**
     * Asserts the protocol's Service facts name exactly the truth file's endpoints and roles (by ip:port, or by ip
     * alone where the truth saw several ports).
     */
    @SuppressWarnings("unchecked")
    public static void assertRoles(List<Fact> facts, Map<String, Object> truth, String section, String protocol) {
        Map<String, Object> sec = (Map<String, Object>) truth.get(section);
        List<String> expected = new ArrayList<>();
        for (Object o : (List<Object>) sec.get("endpoints")) {
            Map<String, Object> e = (Map<String, Object>) o;
            expected.add(e.get("ip") + (e.get("port") != null ? ":" + e.get("port") : "") + " " + e.get("role"));
        }
        Set<String> matched = new TreeSet<>();
        for (Fact f : facts) {
            if (!(f instanceof Fact.Service s) || !s.protocol().equals(protocol)) continue;
            String withPort = s.endpoint().ip() + ":" + s.endpoint().port() + " " + s.role();
            String ipOnly = s.endpoint().ip() + " " + s.role();
            if (expected.contains(withPort)) matched.add(withPort);
            else if (expected.contains(ipOnly)) matched.add(ipOnly);
            else throw new AssertionError("unexpected role " + withPort + " (" + protocol + "), truth " + expected);
        }
        for (String e : expected) if (!matched.contains(e)) throw new AssertionError("missing role " + e + " (" + protocol + ")");
    }
}
