package io.gridscout.agent.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code analyze} fed from pipes as engineers do it (tcpdump -w - | gridscout analyze -): stdin, a FIFO, /dev/stdin,
 * a process substitution, gzip through a pipe, several workers, and a real tcpdump on lo. Each is read once, the
 * inventory equals the file's, and sha256 is that of the bytes that went through the pipe. Every run is bounded.
 */
class PipeInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CAPTURE = TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap");

    @TempDir
    Path tmp;

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp " + Processes.Agent.classpath() + " io.gridscout.agent.cli.Main";
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String q(Object p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    /** Runs a bash command line (the pipe is bash's, as on an engineer's shell), 60 s at most; returns the exit code. */
    static int bash(String line, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        try (OutputStream o = p.getOutputStream()) {
            if (stdin != null) o.write(stdin);
        } catch (java.io.IOException e) {
            // the command did not read all of it: its exit code and output tell why
        }
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("'%s' finished in 60 s (a pipe read twice hangs)", line).isTrue();
            int rc = p.exitValue();
            assertThat(rc).as("%s\n%s", line, out.get(10, TimeUnit.SECONDS)).isZero();
            return rc;
        } finally {
            p.destroyForcibly();
        }
    }

    JsonNode expected() throws Exception {
        Path json = tmp.resolve("file.json");
        bash(java() + " analyze --quiet --json " + q(json) + " " + q(CAPTURE), null);
        return JSON.readTree(json.toFile());
    }

    static JsonNode comparable(JsonNode inv) {
        com.fasterxml.jackson.databind.node.ObjectNode o = inv.deepCopy();
        o.remove(List.of("captures", "generator"));
        return o;
    }

    static void assertSame(JsonNode got, JsonNode expected, String file, String sha) {
        assertThat(got.get("captures")).hasSize(1);
        JsonNode c = got.get("captures").get(0);
        assertThat(c.get("file").asText()).isEqualTo(file);
        assertThat(c.get("sha256").asText()).isEqualTo(sha);
        assertThat(c.get("warnings")).isEmpty();
        assertThat(c.get("packets").asLong()).isEqualTo(expected.get("captures").get(0).get("packets").asLong());
        assertThat(comparable(got).toPrettyString()).isEqualTo(comparable(expected).toPrettyString());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void stdinDevStdinProcessSubstitutionAndGzipThroughAPipe(int workers) throws Exception {
        JsonNode expected = expected();
        byte[] pcap = Files.readAllBytes(CAPTURE);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(pcap);
        }
        byte[] gzip = gz.toByteArray();
        String analyze = java() + " analyze --quiet --workers " + workers + " --json ";
        Path a = tmp.resolve("stdin.json"), b = tmp.resolve("devstdin.json"), c = tmp.resolve("subst.json"), d = tmp.resolve("gz.json");
        bash(analyze + q(a) + " -", pcap);
        assertSame(JSON.readTree(a.toFile()), expected, "-", sha256(pcap));
        bash("cat " + q(CAPTURE) + " | " + analyze + q(b) + " /dev/stdin", null);
        assertSame(JSON.readTree(b.toFile()), expected, "/dev/stdin", sha256(pcap));
        bash(analyze + q(c) + " <(cat " + q(CAPTURE) + ")", null);
        JsonNode subst = JSON.readTree(c.toFile());
        assertThat(subst.get("captures").get(0).get("file").asText()).startsWith("/dev/fd/");
        assertSame(subst, expected, subst.get("captures").get(0).get("file").asText(), sha256(pcap));
        bash(analyze + q(d) + " -", gzip);
        assertSame(JSON.readTree(d.toFile()), expected, "-", sha256(gzip));   // the hash names the bytes as received
    }

    @Test
    void fifoIsReadOnceEvenWithLanesForced() throws Exception {
        JsonNode expected = expected();
        byte[] pcap = Files.readAllBytes(CAPTURE);
        Path fifo = tmp.resolve("span.fifo");
        bash("mkfifo " + q(fifo), null);
        // JVM property, analyze options: lanes that re-read the file are forced on, and still not used for a FIFO
        for (String[] run : new String[][] {{"", ""}, {"", "--workers 2"}, {"-Dgridscout.analyze.lanes=read", "--workers 2"}}) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream o = Files.newOutputStream(fifo)) {   // blocks until the reader opens it
                    o.write(pcap);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Path json = tmp.resolve("fifo.json");
            String line = java().replace(" -cp ", " " + run[0] + " -cp ") + " analyze --quiet " + run[1] + " --json " + q(json) + " " + q(fifo);
            bash(line, null);
            writer.get(10, TimeUnit.SECONDS);
            assertSame(JSON.readTree(json.toFile()), expected, fifo.toString(), sha256(pcap));
        }
    }

    /**
     * A real tcpdump on lo writing to stdout, its bytes piped into analyze -, while a pymodbus client and mbpoll
     * talk to a pymodbus server on 127.0.0.1: the inventory has the Modbus server with its MEI identity, and the
     * hash is that of every byte tcpdump wrote. Needs root (or CAP_NET_RAW), tcpdump, python3-pymodbus, mbpoll.
     */
    @Test
    void liveTcpdumpPipedIntoAnalyze() throws Exception {
        int port = Processes.freePort();
        String server = "127.0.0.6";
        Path json = tmp.resolve("live.json");
        Process tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-w", "-", "tcp port " + port).start();
        Process analyze = new ProcessBuilder("bash", "-c", java() + " analyze --quiet --json " + q(json) + " -").redirectErrorStream(true).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            // tcpdump -w - | analyze -: this thread is the pipe, and keeps a copy of every byte for the hash
            CompletableFuture<Void> pipe = CompletableFuture.runAsync(() -> {
                try (InputStream in = tcpdump.getInputStream(); OutputStream out = analyze.getOutputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        seen.write(buf, 0, n);
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            BufferedReader err = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), StandardCharsets.UTF_8));
            List<String> errLines = new ArrayList<>();
            for (String l; (l = err.readLine()) != null && !l.contains("listening on"); ) errLines.add(l);
            assertThat(tcpdump.isAlive()).as("tcpdump runs: %s", errLines).isTrue();
            try (Processes.Running srv = Processes.pymodbusServer(tmp, server, port)) {
                try (Processes.Running client = Processes.pymodbusClient(tmp, server, port, 3)) {
                    assertThat(client.waitFor(30)).as(client.output()).isZero();
                }
                Processes.mbpoll(server, port);
            }
            Thread.sleep(1000);                    // tcpdump writes what the kernel handed it (immediate mode, -U)
            tcpdump.destroy();                     // SIGTERM: tcpdump flushes and closes its stdout
            assertThat(tcpdump.waitFor(20, TimeUnit.SECONDS)).isTrue();
            pipe.get(20, TimeUnit.SECONDS);
            assertThat(analyze.waitFor(60, TimeUnit.SECONDS)).as("analyze ends at the pipe's end").isTrue();
            String out = new String(analyze.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(analyze.exitValue()).as(out).isZero();
        } finally {
            tcpdump.destroyForcibly();
            analyze.destroyForcibly();
        }
        JsonNode inv = JSON.readTree(json.toFile());
        JsonNode c = inv.get("captures").get(0);
        assertThat(c.get("file").asText()).isEqualTo("-");
        assertThat(c.get("sha256").asText()).isEqualTo(sha256(seen.toByteArray()));
        assertThat(c.get("packets").asLong()).isGreaterThan(10);
        JsonNode asset = null;
        for (JsonNode a : inv.get("assets")) if (a.get("ips").toString().contains("\"" + server + "\"")) asset = a;
        assertThat(asset).as(inv.toPrettyString()).isNotNull();
        assertThat(asset.get("vendor").asText()).isEqualTo("Acme Grid");
        assertThat(asset.get("services").findValuesAsText("protocol")).contains("modbus");
    }
}
