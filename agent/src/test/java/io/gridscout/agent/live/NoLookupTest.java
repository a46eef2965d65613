package io.gridscout.agent.live;

import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The sensor transmits nothing it was not told to, not even a DNS query: analyze (inputs full of names made of hex
 * letters and dots) and the agent (live on lo, API listener, syslog target) run under
 * {@code strace -f -e trace=connect,sendto,sendmsg,openat}; every destination must be a configured one and the
 * resolver must not run (no port 53, no nscd host request, no /etc/hosts, resolv.conf, gai.conf or libnss_dns).
 * A getent lookup under the same strace proves the check sees a lookup. Needs strace (not skipped without it).
 */
class NoLookupTest {
    static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(connect|sendto|sendmsg|openat)\\((\\d+|AT_FDCWD), (.*)$");
    static final Pattern V4 = Pattern.compile("sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"([^\"]+)\"\\)");
    static final Pattern V6 = Pattern.compile("sin6_port=htons\\((\\d+)\\).*inet_pton\\(AF_INET6, \"([^\"]+)\"");
    static final Pattern UNIX = Pattern.compile("sun_path=\"([^\"]*)\"");
    static final Pattern NL = Pattern.compile("nlmsg_type=(\\w+)");
    static final List<String> RESOLVER_FILES = List.of("/etc/hosts", "/etc/resolv.conf", "/etc/host.conf", "/etc/gai.conf", "libnss_dns",
            "libnss_resolve", "libnss_mdns", "/run/systemd/resolve");
    /** nscd request types that are host lookups (GETHOSTBYNAME..GETHOSTBYADDRv6, GETFDHST, GETAI). */
    static final Set<Integer> NSCD_HOST_REQUESTS = Set.of(4, 5, 6, 7, 13, 14);

    @TempDir
    Path tmp;

    static String strace() {
        for (String p : List.of("/usr/bin/strace", "/bin/strace")) if (Files.isExecutable(Path.of(p))) return p;
        fail("strace is not installed: this test needs it (apt-get install strace; CI: add strace to the packages of .ci/run)");
        return null;
    }

    static List<String> traced(Path trace, List<String> cmd) {
        List<String> l = new ArrayList<>(List.of(strace(), "-f", "-qq", "-e", "trace=connect,sendto,sendmsg,openat", "-o", trace.toString()));
        l.addAll(cmd);
        return l;
    }

    static List<String> java(String... args) {
        List<String> l = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", Processes.Agent.classpath(), "io.gridscout.agent.cli.Main"));
        l.addAll(List.of(args));
        return l;
    }

    /** Decodes the first bytes of a strace string argument ("\2\0\0\0\16..." or with -x escapes). */
    static byte[] unescape(String s, int max) {
        byte[] out = new byte[max];
        int n = 0;
        for (int i = 0; i < s.length() && n < max && s.charAt(i) != '"'; i++) {
            char c = s.charAt(i);
            if (c != '\\') { out[n++] = (byte) c; continue; }
            char d = s.charAt(++i);
            if (d >= '0' && d <= '7') {
                int v = 0, k = 0;
                while (k < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') { v = v * 8 + (s.charAt(i++) - '0'); k++; }
                i--;
                out[n++] = (byte) v;
            } else if (d == 'x') {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else out[n++] = (byte) switch (d) { case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r'; case 'v' -> 11; case 'f' -> 12; default -> d; };
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * What in the trace is not allowed: a socket address other than {@code allowed} ("127.0.0.1:PORT"), a netlink
     * message other than the kernel's interface dumps (libpcap lists interfaces), a Unix socket other than nscd,
     * an nscd host request, a resolver file opened.
     */
    static List<String> violations(Path trace, Set<String> allowed) throws Exception {
        List<String> bad = new ArrayList<>();
        Set<String> nscdFds = new java.util.HashSet<>();
        for (String line : Files.readAllLines(trace)) {
            Matcher m = CALL.matcher(line);
            if (!m.find()) continue;
            String call = m.group(2), fd = m.group(1) + "/" + m.group(3), rest = m.group(4);
            if (call.equals("openat")) {
                for (String f : RESOLVER_FILES) if (rest.startsWith("\"") && rest.substring(1, rest.indexOf('"', 1)).contains(f)) bad.add("resolver file: " + line);
                continue;
            }
            if (nscdFds.contains(fd) && call.equals("sendto") && rest.startsWith("\"")) {
                byte[] h = unescape(rest.substring(1), 8);
                int type = h.length >= 8 ? (h[4] & 0xFF) | (h[5] & 0xFF) << 8 : -1;
                if (NSCD_HOST_REQUESTS.contains(type)) bad.add("nscd host request: " + line);
                continue;
            }
            Matcher v4 = V4.matcher(rest), v6 = V6.matcher(rest), ux = UNIX.matcher(rest);
            if (rest.contains("AF_NETLINK") || rest.contains("nlmsg_type")) {
                Matcher nl = NL.matcher(rest);
                while (nl.find()) if (!Set.of("RTM_GETLINK", "RTM_GETADDR").contains(nl.group(1))) bad.add("netlink: " + line);
            } else if (rest.contains("AF_UNIX")) {
                if (ux.find() && ux.group(1).endsWith("/nscd/socket")) {
                    if (line.contains(") = 0")) nscdFds.add(fd);
                } else bad.add("unix socket: " + line);
            } else if (v4.find()) {
                check(bad, allowed, v4.group(2), v4.group(1), line);
            } else if (v6.find()) {
                String a = v6.group(2).startsWith("::ffff:") ? v6.group(2).substring(7) : v6.group(2);
                check(bad, allowed, a, v6.group(1), line);
            } else if (rest.contains("sa_family=")) {
                bad.add("other address family: " + line);
            }
        }
        return bad;
    }

    private static void check(List<String> bad, Set<String> allowed, String addr, String port, String line) {
        if (port.equals("53")) bad.add("DNS: " + line);
        else if (!allowed.contains(addr + ":" + port)) bad.add("unconfigured destination " + addr + ":" + port + ": " + line);
    }

    static int run(List<String> cmd, int seconds, StringBuilder output) throws Exception {
        try (Processes.Running r = new Processes.Running(cmd)) {
            int rc = r.waitFor(seconds);
            output.append(r.output());
            return rc;
        }
    }

    /** The check itself sees a lookup: getent (getaddrinfo, as the JDK's resolver) for a hex-letter name. */
    @Test
    void theTraceCheckSeesALookup() throws Exception {
        Path trace = tmp.resolve("getent.trace");
        run(traced(trace, List.of("getent", "ahosts", "dead.beef")), 60, new StringBuilder());
        assertThat(violations(trace, Set.of())).as("getent ahosts dead.beef is seen resolving").isNotEmpty();
    }

    @Test
    void analyzeWithNamesInEveryInputResolvesNothing() throws Exception {
        Path pcap = TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        Path rules = tmp.resolve("rules.txt");
        Files.writeString(rules, "rule local.cafe\nclass plc\nconfidence 0.5\nnote cafe dead.beef plc.example\nwhen attribute vendor = dead.beef\n");
        Path site = tmp.resolve("site.yaml"), register = tmp.resolve("register.csv");
        Files.writeString(site, "site: Lab\nzones:\n  - {name: lab, kind: plant, cidrs: [127.0.0.0/8]}\nwriters: [127.0.0.1]\n"
                + "flows:\n  - {from: lab, to: lab, protocol: modbus}\n");
        Files.writeString(register, "id,name,ip,vendor\nPLC-1,plc.example,127.0.0.4,cafe\n");
        // 1. a full run: names only where names belong (names, vendors, rule notes and values)
        Path trace = tmp.resolve("analyze.trace");
        StringBuilder out = new StringBuilder();
        assertThat(run(traced(trace, java("analyze", "--quiet", "--site", site.toString(), "--register", register.toString(), "--rules",
                rules.toString(), "--json", tmp.resolve("inv.json").toString(), pcap.toString())), 120, out))
                .as(out.toString()).isZero();
        assertThat(violations(trace, Set.of())).isEmpty();
        // 2. names where addresses belong: a one-line error naming file and line, and still no lookup
        record Bad(String file, String text, String message) {}
        for (Bad b : List.of(
                new Bad("site.yaml", "site: Lab\nwriters:\n  - 127.0.0.1\n  - dead.beef\n", "site.yaml:4: writers: not an address or CIDR: 'dead.beef'"),
                new Bad("site.yaml", "zones:\n  - {name: lab, cidrs: [cafe]}\n", "site.yaml:2: zones: not an address or CIDR: 'cafe'"),
                new Bad("site.yaml", "flows:\n  - {from: '*', to: plc.example}\n", "site.yaml:2: flows: to 'plc.example' is not a zone"),
                new Bad("register.csv", "id,ip\nPLC-1,127.0.0.4\nPLC-2,cafe\n", "register.csv:3: 'cafe' in the IP column is not an IP address"))) {
            Path f = tmp.resolve(b.file());
            Files.writeString(f, b.text());
            Files.writeString(b.file().equals("site.yaml") ? register : site, b.file().equals("site.yaml") ? "id,ip\n" : "site: Lab\n");
            Path t = tmp.resolve("bad.trace");
            StringBuilder o = new StringBuilder();
            assertThat(run(traced(t, java("analyze", "--quiet", "--site", site.toString(), "--register", register.toString(), pcap.toString())), 120, o))
                    .as(o.toString()).isEqualTo(2);
            List<String> errors = o.toString().lines().filter(l -> l.startsWith("gridscout: error:")).toList();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).contains(tmp.resolve(b.message()).toString());
            assertThat(violations(t, Set.of())).as(b.text()).isEmpty();
        }
    }

    // analyze --report (report.pdf draws with Java2D, whose font manager once resolved the host name) runs on the
    // shipped jar in NoLookupJarIT: this test classpath holds test-only libraries that the product does not.

    @Test
    void agentTalksOnlyToItsApiListenerAndSyslogTarget() throws Exception {
        int port = Processes.freePort(), api = Processes.freePort();
        Path site = tmp.resolve("site.yaml"), register = tmp.resolve("register.csv"), token = tmp.resolve("token"), config = tmp.resolve("agent.yaml");
        Files.writeString(site, "site: Lab\nzones:\n  - {name: lab, kind: plant, cidrs: [127.0.0.0/8]}\n");
        Files.writeString(register, "id,name,ip,vendor\nPLC-1,plc.example,127.0.0.7,cafe\n");
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            syslog.setSoTimeout(30_000);
            Files.writeString(config, "interfaces: [lo]\nbpf: tcp port " + port + "\nstore: " + tmp.resolve("agent.db") + "\nlisten: 127.0.0.1:" + api
                    + "\ntoken-file: " + token + "\ncheckpoint-seconds: 1\nsyslog: udp://127.0.0.1:" + syslog.getLocalPort()
                    + "\nsite: " + site + "\nregister: " + register + "\n");
            Path trace = tmp.resolve("agent.trace");
            List<String> cmd = traced(trace, java("agent", "--config", config.toString()));
            try (Processes.Running agent = new Processes.Running(cmd)) {
                long end = System.currentTimeMillis() + 60_000;
                while (!agent.output().contains("API on http://127.0.0.1:" + api)) {
                    if (System.currentTimeMillis() > end || !agent.process.isAlive()) fail("agent did not start: " + agent.output());
                    Thread.sleep(100);
                }
                // a short TCP exchange the agent sees, so it has an asset to tell syslog about
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
                     Socket c = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port); Socket a = s.accept()) {
                    c.getOutputStream().write("hello".getBytes());
                    a.getInputStream().readNBytes(5);
                    a.getOutputStream().write('x');
                    c.getInputStream().read();
                }
                DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                syslog.receive(p);
                String msg = new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(msg).contains(" gridscout ").contains("asset.new");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/api/v1/assets"))
                        .header("Authorization", "Bearer " + Files.readString(token).trim()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                // stop the agent itself (strace would only detach on a signal of its own)
                agent.process.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).forEach(ProcessHandle::destroy);
                assertThat(agent.waitFor(30)).as(agent.output()).isIn(0, 143);   // 143: the JVM's exit on SIGTERM
            }
            List<String> bad = violations(trace, Set.of("127.0.0.1:" + api, "127.0.0.1:" + syslog.getLocalPort()));
            assertThat(bad).isEmpty();
            assertThat(Files.readString(trace)).as("the syslog datagrams are in the trace").contains("htons(" + syslog.getLocalPort() + ")");
        }
    }
}
