package io.gridscout.protocols.testutil;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Test-time packet extraction with tshark (an independent dissector), replay of its payloads into decoders, and
 * the truth files (read with Jackson: objects -> LinkedHashMap, arrays -> List, integers -> Long).
 *
 * <p>Payloads are tshark's per-frame TCP/UDP payloads (no TCP reassembly), retransmissions and keep-alives left
 * out, in capture order. A replay feeds each TCP stream / UDP conversation to its own decoder on a
 * {@link RecordingSession} whose side 0 is the sender of the stream's first payload, so decoders must find the
 * server from the protocol.
 */
public final class Captures {
    public static final String TSHARK = "/usr/bin/tshark";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Captures() {}

    public static Path root() {
        return Path.of(System.getProperty("gridscout.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * A capture (or a file beside it) by name: the repository's own ({@code testdata/pcaps}, made by this project),
     * else a third-party one from the shared data ({@code ../shared/pcaps}, {@code ../shared/pcaps-peers}), which the
     * repository must not hold. Shared data is only there in the acceptance step ({@code -Pacceptance}, tests
     * tagged {@value #SHARED}); elsewhere asking for it fails the test, so the README's test command stays
     * self-contained.
     */
    public static Path pcap(String name) {
        Path own = root().resolve("testdata").resolve("pcaps").resolve(name);
        if (Files.exists(own)) return own;
        Path shared = sharedDir();
        for (String sub : List.of("pcaps", "pcaps-peers")) {
            Path p = shared.resolve(sub).resolve(name);
            if (Files.exists(p)) return p;
        }
        throw new IllegalStateException("no capture " + name + " in testdata/pcaps, " + shared + "/pcaps or pcaps-peers");
    }

    /** The JUnit tag of tests that read third-party data from ../shared; they run in the acceptance step only. */
    public static final String SHARED = "shared";

    /** The shared data directory (system property {@code gridscout.shared}, set by the acceptance profile). */
    public static Path sharedDir() {
        String p = System.getProperty("gridscout.shared", "");
        if (p.isBlank()) {
            throw new IllegalStateException("this test reads third-party data from ../shared: tag it @Tag(\"" + SHARED
                    + "\") so that it runs in the acceptance step (./mvnw -B verify -Pacceptance), not in the README's test command");
        }
        Path d = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) throw new IllegalStateException("shared data directory " + d + " is missing");
        return d;
    }

    // ---- JSON ----

    /** Parses JSON text: objects -> LinkedHashMap, arrays -> List, integers -> Long, other numbers -> Double. */
    public static Object json(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getMessage(), e);
        }
    }

    /** The whole truth file {@code testdata/pcaps/<pcapName>.truth.json}. */
    public static Map<String, Object> truth(String pcapName) throws IOException {
        return JSON.readValue(pcap(pcapName + ".truth.json").toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    // ---- tshark ----

    /** Runs tshark with these arguments; its output lines. Fails with tshark's stderr when it fails. */
    public static List<String> run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(TSHARK);
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process pr = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!pr.waitFor(120, TimeUnit.SECONDS) || pr.exitValue() != 0) {
                pr.destroyForcibly();
                throw new IOException("tshark failed: " + Files.readString(err));
            }
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The first occurrence of each field of every packet matching the filter, one row per packet. */
    public static List<String[]> tshark(Path file, String filter, String... fields) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-r", file.toString(), "-Y", filter, "-T", "fields",
                "-E", "separator=/t", "-E", "occurrence=f"));
        for (String f : fields) { args.add("-e"); args.add(f); }
        List<String[]> rows = new ArrayList<>();
        for (String line : run(args.toArray(String[]::new))) if (!line.isEmpty()) rows.add(line.split("\t", -1));
        return rows;
    }

    /** Raw frame bytes of every packet matching the filter, via tshark's JSON "frame_raw". */
    public static List<byte[]> rawFrames(Path file, String filter) throws IOException, InterruptedException {
        JsonNode packets = JSON.readTree(String.join("\n", run("-r", file.toString(), "-Y", filter, "-T", "json", "-x", "-j", "frame")));
        List<byte[]> frames = new ArrayList<>();
        for (JsonNode p : packets) frames.add(HexFormat.of().parseHex(p.path("_source").path("layers").path("frame_raw").get(0).asText()));
        return frames;
    }

    /** One TCP segment's or UDP datagram's payload; {@code stream} is tshark's tcp.stream / udp.stream. */
    public record Payload(Transport transport, int stream, String srcIp, int srcPort, String dstIp, int dstPort,
                          long timeNanos, byte[] payload) {
        /** "tcp 3" / "udp 0": one connection or conversation. */
        public String flow() {
            return (transport == Transport.UDP ? "udp " : "tcp ") + stream;
        }
    }

    /**
     * Every TCP/UDP payload of the packets matching {@code filter}, in capture order, without TCP reassembly; TCP
     * retransmissions and keep-alives (also the 1-byte 00 ones of connections whose start tshark did not see)
     * are left out.
     */
    public static List<Payload> payloads(Path file, String filter) throws IOException, InterruptedException {
        List<String> lines = run("-r", file.toString(), "-o", "tcp.desegment_tcp_streams:FALSE",
                "-Y", "(" + filter + ") && !tcp.analysis.retransmission && !tcp.analysis.keep_alive && (tcp.len > 0 || udp)",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
                "-e", "tcp.stream", "-e", "udp.stream", "-e", "tcp.payload", "-e", "udp.payload");
        List<Payload> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length < 13) continue;
            boolean tcp = !f[9].isEmpty();
            String hex = (tcp ? f[11] : f[12]).replace(":", "");
            if (hex.isEmpty() || (tcp && hex.equals("00"))) continue;
            if (!tcp && f[10].isEmpty()) continue;
            String src = f[1].isEmpty() ? f[2] : f[1], dst = f[3].isEmpty() ? f[4] : f[3];
            if (src.isEmpty() || dst.isEmpty()) continue;
            out.add(new Payload(tcp ? Transport.TCP : Transport.UDP, Integer.parseInt(tcp ? f[9] : f[10]),
                    src, Integer.parseInt(tcp ? f[5] : f[7]), dst, Integer.parseInt(tcp ? f[6] : f[8]),
                    epochNanos(f[0]), HexFormat.of().parseHex(hex)));
        }
        return out;
    }

    /** The same payloads stamped {@code start}, {@code start + 1}, ...: a fixed clock instead of the capture's. */
    public static List<Payload> retimed(List<Payload> payloads, long start) {
        List<Payload> out = new ArrayList<>(payloads.size());
        long t = start;
        for (Payload p : payloads) {
            out.add(new Payload(p.transport(), p.stream(), p.srcIp(), p.srcPort(), p.dstIp(), p.dstPort(), t++, p.payload()));
        }
        return out;
    }

    /** "1234.000001000" -> nanoseconds, exactly. */
    static long epochNanos(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) return Long.parseLong(s) * 1_000_000_000L;
        String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(s.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
    }

    /** One replayed flow: its session and the decoder that was fed. */
    public record Replayed<D extends ProtocolDecoder>(RecordingSession session, D decoder) {}

    /**
     * Feeds each flow's payloads, in order and per direction, to its own decoder made by {@code factory}, each
     * payload cut into pieces of at most {@code chunk} bytes; closes every decoder at the end. Flows in order of
     * appearance.
     */
    public static <D extends ProtocolDecoder> List<Replayed<D>> replay(List<Payload> payloads, String protocol,
                                                                      Function<Session, D> factory, int chunk) {
        Map<String, Replayed<D>> flows = new LinkedHashMap<>();
        for (Payload p : payloads) {
            Replayed<D> r = flows.get(p.flow());
            if (r == null) {
                RecordingSession s = new RecordingSession(protocol, p.transport(),
                        new Endpoint(Mac.NONE, IpAddr.parse(p.srcIp()), p.srcPort()), new Endpoint(Mac.NONE, IpAddr.parse(p.dstIp()), p.dstPort()));
                r = new Replayed<>(s, factory.apply(s));
                flows.put(p.flow(), r);
            }
            Endpoint e0 = r.session().endpoint(0);
            int side = e0.port() == p.srcPort() && e0.ip().equals(IpAddr.parse(p.srcIp())) ? 0 : 1;
            byte[] b = p.payload();
            for (int o = 0; o < b.length; o += chunk) r.decoder().onData(side, b, o, Math.min(chunk, b.length - o), p.timeNanos());
        }
        for (Replayed<D> r : flows.values()) r.decoder().onClose(0);
        return new ArrayList<>(flows.values());
    }

    /** The sessions of {@link #replay(List, String, Function, int)} over the payloads matching {@code filter}. */
    public static List<RecordingSession> replay(Path file, String filter, String protocol, Function<Session, ? extends ProtocolDecoder> factory,
                                                int chunk) throws IOException, InterruptedException {
        List<RecordingSession> out = new ArrayList<>();
        for (Replayed<?> r : replay(payloads(file, filter), protocol, factory::apply, chunk)) out.add(r.session());
        return out;
    }

    public static List<RecordingSession> replay(Path file, String filter, ProtocolSpec spec) throws IOException, InterruptedException {
        return replay(file, filter, spec.name(), spec::newDecoder, Integer.MAX_VALUE);
    }

    /** Replays every TCP stream on {@code port} of a testdata capture. */
    public static List<RecordingSession> replay(String capture, int port, String protocol, Function<Session, ProtocolDecoder> factory)
            throws IOException, InterruptedException {
        return replay(capture, port, protocol, factory, Integer.MAX_VALUE);
    }

    /** As {@link #replay(String, int, String, Function)}, cutting every segment into pieces of at most {@code chunk} bytes. */
    public static List<RecordingSession> replay(String capture, int port, String protocol, Function<Session, ProtocolDecoder> factory,
                                                int chunk) throws IOException, InterruptedException {
        return replay(pcap(capture), "tcp.port == " + port, protocol, factory, chunk);
    }

    // ---- views of facts and truth ----

    public static List<Fact> facts(List<RecordingSession> sessions) {
        List<Fact> all = new ArrayList<>();
        for (RecordingSession s : sessions) all.addAll(s.facts);
        return all;
    }

    /** Every string value carried by the facts (identity values, detail values, endpoints) for truth checks. */
    public static List<String> values(List<Fact> facts) {
        List<String> out = new ArrayList<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Identity i) out.add(i.name() + "=" + i.value() + " @" + i.endpoint());
            else if (f instanceof Fact.ServiceDetail d) out.add(d.name() + "=" + d.value() + " @" + d.endpoint());
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
     * Asserts every value of a truth section's "ip:port" -> {attribute: value} map is among the identity values the
     * facts state about that endpoint; {@code ignoreEmpty}: empty truth values (tshark shows blank fields) are not
     * looked for.
     */
    @SuppressWarnings("unchecked")
    public static void assertIdentityValues(List<Fact> facts, Map<String, Object> byEndpoint, boolean ignoreEmpty) {
        for (Map.Entry<String, Object> e : byEndpoint.entrySet()) {
            Set<String> values = identityValues(facts, e.getKey());
            for (Object v : ((Map<String, Object>) e.getValue()).values()) {
                if (ignoreEmpty && ((String) v).isEmpty()) continue;
                if (!values.contains((String) v)) throw new AssertionError(e.getKey() + ": no identity value '" + v + "' in " + values);
            }
        }
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
