package io.gridscout.agent.sunspec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A live SunSpec device: Debian's python3-pymodbus serves a SunSpec map (models 1, 103, 123) on 127.0.0.1, a
 * pymodbus client scans it like a SunSpec client (marker, header walk, Common Model, controls write), tcpdump
 * captures the loopback, and {@code analyze} must find the identity the server holds.
 */
class SunSpecLiveTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pymodbusSunSpecServerIsIdentified() throws Exception {
        requireTool(PYTHON);
        String tcpdump = findTool("tcpdump");
        Process probe = new ProcessBuilder(PYTHON, "-c", "import pymodbus.server, pymodbus.client").redirectErrorStream(true).start();
        started.add(probe);
        if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
            fail("python3-pymodbus is required (apt-get install python3-pymodbus): " + read(probe.getInputStream()));
        }
        Path server = resource("sunspec_server.py"), client = resource("sunspec_client.py");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path pcap = tmp.resolve("sunspec-live.pcap");
        Path dumpErr = tmp.resolve("tcpdump.err");
        try {
            Process dump = start(new ProcessBuilder(tcpdump, "-i", "lo", "--immediate-mode", "-U", "-w", pcap.toString(), "tcp port " + port)
                    .redirectError(dumpErr.toFile()).redirectOutput(tmp.resolve("tcpdump.out").toFile()));
            waitFor(() -> Files.exists(dumpErr) && Files.readString(dumpErr).contains("listening on"), 15_000,
                    () -> "tcpdump did not start listening: " + readQuietly(dumpErr), dump);

            Path serverLog = tmp.resolve("server.log");
            Process srv = start(new ProcessBuilder(PYTHON, server.toString(), Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(serverLog.toFile()));
            waitFor(() -> accepts(port), 15_000, () -> "pymodbus server did not listen: " + readQuietly(serverLog), srv);

            Process cli = start(new ProcessBuilder(PYTHON, client.toString(), Integer.toString(port)).redirectErrorStream(true));
            String out;
            try (InputStream in = cli.getInputStream()) {
                out = read(in);
            }
            if (!cli.waitFor(30, TimeUnit.SECONDS)) fail("SunSpec client did not finish");
            assertThat(cli.exitValue()).as("client output: %s", out).isZero();
            assertThat(out).contains("Mn SMA").contains("models 1,103,123");

            stop(srv);
            // packets reach tcpdump in ring-buffer blocks; give it time to write the FIN exchange before SIGTERM
            Thread.sleep(1000);
        } finally {
            stopAll();
        }
        assertThat(Files.size(pcap)).as("capture written").isGreaterThan(24);

        Path json = tmp.resolve("inventory.json");
        int exit = Main.run("analyze", "--quiet", "--json", json.toString(), pcap.toString());
        assertThat(exit).as("analyze exit code").isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());

        Map<String, String> attrs = new HashMap<>();
        JsonNode asset = null;
        for (JsonNode a : root.path("assets")) {
            for (JsonNode at : a.path("attributes")) {
                if (at.path("source").asText().startsWith("sunspec")) {
                    asset = a;
                    attrs.put(at.path("name").asText(), at.path("value").asText());
                }
            }
        }
        assertThat(asset).as("an asset with SunSpec attributes in %s", root).isNotNull();
        assertThat(asset.path("ips").toString()).contains("127.0.0.1");
        assertThat(attrs).containsEntry("vendor", "SMA").containsEntry("model", "SB3.0-1AV-41")
                .containsEntry("firmware", "3.10.10.R").containsEntry("serial", "3005123456")
                .containsEntry("deviceAddress", "3").containsEntry("sunspecModels", "1,103,123")
                .containsEntry("deviceKind", "inverter");
        assertThat(asset.path("vendor").asText()).isEqualTo("SMA");
        assertThat(asset.path("serial").asText()).isEqualTo("3005123456");

        List<String> ops = new ArrayList<>();
        for (JsonNode c : root.path("communications")) {
            for (JsonNode o : c.path("operations")) ops.add(o.path("code").asInt() + " " + o.path("name").asText() + " " + o.path("kind").asText());
        }
        assertThat(ops).contains("16 sunspec:123.WMaxLimPct control", "16 sunspec:123.WMaxLimPct_RmpTms control",
                "6 sunspec:123.WMaxLim_Ena control");
    }

    // ------------------------------------------------------------------ processes

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) return;
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM each process we started (tcpdump flushes on it), then force after a bounded wait. */
    private void stopAll() throws InterruptedException {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i));
        }
        started.clear();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    interface Message {
        String get();
    }

    private static void waitFor(Check check, long millis, Message message, Process process) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!check.ok()) {
            if (!process.isAlive()) fail(message.get() + " (exited " + process.exitValue() + ")");
            if (System.nanoTime() > deadline) fail(message.get() + " (timeout)");
            Thread.sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            if (in == null) fail("test resource missing: " + name);
            Path p = tmp.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private static void requireTool(String path) {
        if (!Files.isExecutable(Path.of(path))) fail(path + " is required for this test and is missing");
    }

    private static String findTool(String name) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        fail(name + " is required for this test (apt-get install " + name + ") and is missing");
        return null;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
