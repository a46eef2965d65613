package io.gridscout.protocols.testutil;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolSpec;
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

/** Test-time packet extraction with tshark (an independent dissector) and a tiny JSON reader for truth files. */
public final class Captures {
    private Captures() {}

    public static Path pcap(String name) {
        String root = System.getProperty("gridscout.root", "..");
        return Path.of(root, "testdata", "pcaps", name);
    }

    public static List<String[]> tshark(Path file, String filter, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-Y", filter, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"));
        for (String f : fields) { cmd.add("-e"); cmd.add(f); }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("tshark failed on " + file);
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) if (!line.isEmpty()) rows.add(line.split("\t", -1));
        return rows;
    }

    /** Raw frame bytes (hex) of every packet matching the filter, via tshark's JSON "frame_raw". */
    public static List<byte[]> rawFrames(Path file, String filter) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-Y", filter, "-T", "json", "-x", "-j", "frame")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("tshark failed on " + file);
        List<byte[]> frames = new ArrayList<>();
        int i = 0;
        while ((i = out.indexOf("\"frame_raw\"", i)) >= 0) {
            int q1 = out.indexOf('"', out.indexOf('[', i) + 1);
            int q2 = out.indexOf('"', q1 + 1);
            frames.add(HexFormat.of().parseHex(out.substring(q1 + 1, q2)));
            i = q2;
        }
        return frames;
    }

    /**
     * Feeds every TCP/UDP payload matching {@code filter} (retransmissions excluded) into a decoder per flow, like
     * the pipeline would: side 0 is the first sender seen. Returns all facts of all sessions.
     */
    public static List<RecordingSession> replay(Path file, String filter, ProtocolSpec spec) throws IOException, InterruptedException {
        List<String[]> rows = tshark(file, "(" + filter + ") and not tcp.analysis.retransmission and (tcp.len > 0 or udp)",
                "frame.time_epoch", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.payload", "udp.payload");
        Map<String, RecordingSession> sessions = new LinkedHashMap<>();
        Map<String, io.gridscout.protocols.flow.ProtocolDecoder> decoders = new LinkedHashMap<>();
        for (String[] r : rows) {
            if (r.length < 9 || r[1].isEmpty()) continue;
            boolean tcp = !r[3].isEmpty();
            int sp = Integer.parseInt(tcp ? r[3] : r[5]), dp = Integer.parseInt(tcp ? r[4] : r[6]);
            String hex = tcp ? r[7] : r[8];
            if (hex.isEmpty()) continue;
            String a = r[1] + ":" + sp, b = r[2] + ":" + dp;
            String key = (tcp ? "t " : "u ") + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a);
            RecordingSession s = sessions.get(key);
            if (s == null) {
                s = new RecordingSession(spec.name(), tcp ? Transport.TCP : Transport.UDP,
                        new Endpoint(Mac.NONE, IpAddr.parse(r[1]), sp), new Endpoint(Mac.NONE, IpAddr.parse(r[2]), dp));
                sessions.put(key, s);
                decoders.put(key, spec.newDecoder(s));
            }
            int side = s.endpoint(0).ip().equals(IpAddr.parse(r[1])) && s.endpoint(0).port() == sp ? 0 : 1;
            byte[] data = HexFormat.of().parseHex(hex.replace(":", ""));
            long t = (long) (Double.parseDouble(r[0]) * 1e9);
            decoders.get(key).onData(side, data, 0, data.length, t);
        }
        return new ArrayList<>(sessions.values());
    }

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

    public static Object truth(String pcapName) throws IOException {
        return Json.parse(Files.readString(pcap(pcapName + ".truth.json")));
    }

    /** Minimal JSON reader: objects -> LinkedHashMap, arrays -> List, numbers -> Long/Double. */
    public static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        public static Object parse(String s) { return new Json(s).value(); }

        private Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    ws();
                    String k = string();
                    ws(); i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return true; }
            if (s.startsWith("false", i)) { i += 5; return false; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int st = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String n = s.substring(st, i);
            return n.contains(".") || n.contains("e") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'u' -> { sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                        default -> sb.append(e);
                    }
                } else sb.append(c);
            }
        }

        private void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    }
}
