package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.cli.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the live end-to-end tests share: child processes (peers, tcpdump, tshark), a free loopback port, a
 * tcpdump capture of one port on lo, and looking up attributes in the inventory JSON.
 */
final class LiveCapture {
    private LiveCapture() {}

    /** A child process whose output (stdout, or stderr when watched) is collected; {@code seen} opens on the marker line. */
    static final class Child {
        final Process process;
        final StringBuffer output = new StringBuffer();
        final CountDownLatch seen = new CountDownLatch(1);

        Child(Process process, InputStream stream, String marker) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                        if (marker != null && line.contains(marker)) seen.countDown();
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "child-output");
            t.setDaemon(true);
            t.start();
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    static Child start(String marker, boolean watchStderr, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!watchStderr) pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (watchStderr) {
                p.getInputStream().close();
                return new Child(p, p.getErrorStream(), marker);
            }
            return new Child(p, p.getInputStream(), marker);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + List.of(cmd) + " (CI installs it; install it to run this test): " + e.getMessage(), e);
        }
    }

    /** Runs a command to its end; its output (stdout and stderr). Fails on timeout or a non-zero exit code. */
    static String run(int timeoutSeconds, String... cmd) throws Exception {
        Child c = start(null, false, cmd);
        try {
            if (!c.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) fail("%s did not finish in %d s", List.of(cmd), timeoutSeconds);
            c.process.waitFor();
            Thread.sleep(50); // let the reader thread take the last line
            assertThat(c.process.exitValue()).as("exit code of %s, output:%n%s", List.of(cmd), c.output).isZero();
            return c.output.toString();
        } finally {
            c.kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Waits until something listens on 127.0.0.1:port; fails early when {@code server} (if given) exits. */
    static void awaitPort(int port, Child server, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (server != null && !server.process.isAlive()) fail("server exited with %d:%n%s", server.process.exitValue(), server.output);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("no server listened on port %d within %d ms%s", port, timeoutMillis, server == null ? "" : ":\n" + server.output);
    }

    /** tcpdump on lo writing "tcp port {@code port}" to {@code pcap}, once it is listening. Needs root or CAP_NET_RAW. */
    static Child startCapture(int port, Path pcap) throws InterruptedException {
        // -Z root: Debian's tcpdump would drop to user tcpdump, who cannot write into the test's temp dir
        Child tcpdump = start("listening on", true, "tcpdump", "-i", "lo", "-n", "-s", "0", "-U",
                "--immediate-mode", "-Z", "root", "-w", pcap.toString(), "tcp port " + port);
        if (!tcpdump.seen.await(20, TimeUnit.SECONDS)) {
            fail("tcpdump did not start listening on lo within 20 s (needs root or CAP_NET_RAW):%n%s", tcpdump.output);
        }
        return tcpdump;
    }

    /** Lets the last packets (the FIN exchange) reach tcpdump, then stops it so that it flushes and closes the file. */
    static void stopCapture(Child tcpdump) throws InterruptedException {
        Thread.sleep(500);
        tcpdump.process.destroy(); // SIGTERM: tcpdump flushes and closes the file
        if (!tcpdump.process.waitFor(10, TimeUnit.SECONDS)) fail("tcpdump did not stop within 10 s:%n%s", tcpdump.output);
    }

    /** Runs {@code gridscout analyze --json} on a capture holding packets; the inventory it wrote. */
    static JsonNode analyze(Path pcap, Path json) throws Exception {
        assertThat(Files.size(pcap)).as("capture size").isGreaterThan(24);
        assertThat(Main.run("analyze", "--quiet", "--json", json.toString(), pcap.toString())).as("analyze exit code").isZero();
        return new ObjectMapper().readTree(json.toFile());
    }

    /** A lossless loopback capture of well-formed traffic: no TCP gaps, no malformed frames. */
    static void assertClean(JsonNode inv) {
        assertThat(inv.get("counters").get("tcpGaps").asLong()).as("TCP gaps in a lossless loopback capture: %s", inv.get("counters")).isZero();
        assertThat(inv.get("counters").get("malformedFrames").asLong()).as("malformed frames: %s", inv.get("counters")).isZero();
    }

    /** The asset with this id; fails (showing the inventory) when there is none. */
    static JsonNode asset(JsonNode inv, String id) {
        JsonNode asset = null;
        for (JsonNode a : inv.get("assets")) if (a.get("id").asText().equals(id)) asset = a;
        assertThat(asset).as("asset %s in %s", id, inv.toPrettyString()).isNotNull();
        return asset;
    }

    /** The asset's service of this protocol and role (the last listed), or null. */
    static JsonNode service(JsonNode asset, String protocol, String role) {
        JsonNode found = null;
        for (JsonNode s : asset.get("services")) {
            if (s.get("protocol").asText().equals(protocol) && s.get("role").asText().equals(role)) found = s;
        }
        return found;
    }

    /** Does the inventory asset carry this attribute value from this source? */
    static boolean hasAttribute(JsonNode asset, String name, String value, String source) {
        for (JsonNode at : asset.get("attributes")) {
            if (at.get("name").asText().equals(name) && at.get("value").asText().equals(value) && at.get("source").asText().equals(source)) {
                return true;
            }
        }
        return false;
    }
}
