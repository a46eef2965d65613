package io.gridscout.agent.events;

import io.gridscout.mapping.events.ChangeEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * RFC 5424 syslog for SIEMs: UDP (RFC 5426, one message per datagram, at most 2048 bytes) or TCP
 * (RFC 6587 octet counting, reconnects on the next batch after a failure). Structured data
 * {@code [gridscout@32473 ...]} carries the event fields; 32473 is the documentation enterprise number (RFC 5612).
 */
public final class Syslog implements EventSink {
    static final int MAX_UDP = 2048;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final boolean tcp;
    private final InetSocketAddress target;
    private final int facility;
    private final String hostname;
    private final String procId = Long.toString(ProcessHandle.current().pid());
    private DatagramSocket udp;
    private Socket socket;
    private OutputStream out;

    /** {@code udp://host:port} or {@code tcp://host:port}; facility 0..23 (16 = local0). */
    public Syslog(String uri, int facility) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("syslog must be udp://HOST:PORT or tcp://HOST:PORT, got '" + uri + "'");
        }
        if (u.getHost() == null || u.getPort() < 1 || !("udp".equals(u.getScheme()) || "tcp".equals(u.getScheme()))) {
            throw new IllegalArgumentException("syslog must be udp://HOST:PORT or tcp://HOST:PORT, got '" + uri + "'");
        }
        if (facility < 0 || facility > 23) throw new IllegalArgumentException("syslog facility must be 0..23");
        this.tcp = u.getScheme().equals("tcp");
        this.target = new io.gridscout.agent.daemon.AgentConfig.HostPort(u.getHost(), u.getPort()).socketAddress();   // a literal is not resolved
        this.facility = facility;
        this.hostname = printable(localHostname(), 255);
    }

    /**
     * The HOSTNAME field: the kernel's host name (what gethostname(2) returns), read from /proc or /etc/hostname,
     * else $HOSTNAME, else "-" (RFC 5424 NILVALUE). Never a resolver lookup: a passive sensor sends no DNS query.
     */
    static String localHostname() {
        for (String f : List.of("/proc/sys/kernel/hostname", "/etc/hostname")) {
            try {
                String h = java.nio.file.Files.readString(java.nio.file.Path.of(f), StandardCharsets.UTF_8).strip();
                if (!h.isEmpty() && !h.equals("(none)")) return h;
            } catch (IOException | RuntimeException e) {
                // next source
            }
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "-" : env.strip();
    }

    @Override
    public synchronized void send(List<ChangeEvent> events) throws IOException {
        if (events.isEmpty()) return;
        try {
            for (ChangeEvent e : events) {
                byte[] m = format(e).getBytes(StandardCharsets.UTF_8);
                if (tcp) {
                    if (out == null) {
                        socket = new Socket();
                        socket.connect(target, 5000);
                        socket.setSoTimeout(5000);
                        out = socket.getOutputStream();
                    }
                    out.write((m.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(m);
                } else {
                    if (udp == null) udp = new DatagramSocket();
                    udp.send(new DatagramPacket(m, Math.min(m.length, MAX_UDP), target));
                }
            }
            if (out != null) out.flush();
        } catch (IOException ex) {
            close();   // reconnect next time
            throw ex;
        }
    }

    /** Severity: warning for what an operator must look at (firmware change, first write, silence, new finding), notice otherwise. */
    static int severity(String type) {
        return switch (type) {
            case ChangeEvent.ATTRIBUTE_CHANGED, ChangeEvent.FIRST_OPERATION, ChangeEvent.ASSET_SILENT, ChangeEvent.NEW_FINDING -> 4;
            default -> 5;
        };
    }

    String format(ChangeEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('<').append(facility * 8 + severity(e.type())).append(">1 ")
                .append(TS.format(Instant.ofEpochSecond(Math.floorDiv(e.time(), 1_000_000_000L), Math.floorMod(e.time(), 1_000_000_000L)))).append(' ')
                .append(hostname).append(" gridscout ").append(procId).append(' ').append(printable(e.type(), 32)).append(" [gridscout@32473");
        param(sb, "asset", e.assetId());
        param(sb, "subject", e.subject());
        param(sb, "old", e.oldValue());
        param(sb, "new", e.newValue());
        sb.append("] \uFEFF").append(e.type()).append(' ').append(e.assetId() == null ? "" : e.assetId());
        if (e.subject() != null) sb.append(' ').append(e.subject());
        if (e.oldValue() != null || e.newValue() != null) sb.append(": ").append(e.oldValue()).append(" -> ").append(e.newValue());
        return sb.toString();
    }

    private static void param(StringBuilder sb, String name, String value) {
        if (value == null) return;
        sb.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') sb.append('\\');
            sb.append(c);
        }
        sb.append('"');
    }

    /** PRINTUSASCII only (header fields), at most {@code max} characters; "-" when empty. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            if (c > 32 && c < 127) sb.append(c);
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    @Override
    public synchronized void close() {
        if (udp != null) udp.close();
        udp = null;
        try {
            if (socket != null) socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        socket = null;
        out = null;
    }
}
