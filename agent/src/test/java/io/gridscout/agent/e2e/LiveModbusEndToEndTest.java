package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.io.ModbusTransaction;
import com.ghgande.j2mod.modbus.msg.ReadMEIRequest;
import com.ghgande.j2mod.modbus.msg.ReadMEIResponse;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import io.gridscout.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An independent Modbus stack end to end: Debian's python3-pymodbus server (with device identification set) and a
 * j2mod master on 127.0.0.1, captured with {@code tcpdump -i lo}, then analysed. The server's identity strings and
 * the function codes used must appear in the inventory; tshark counts the requests independently. The port is not
 * 502, so the decoder is found by content. Needs root (tcpdump), tcpdump, python3-pymodbus and tshark: CI installs
 * them; without them the test fails, it never skips.
 */
class LiveModbusEndToEndTest {
    static final String PYTHON = "/usr/bin/python3";
    static final int UNIT = 7;
    static final Map<String, String> IDENTITY = Map.of( // as in pymodbus_server.py, and the attribute each becomes
            "vendor", "Gridscout Test Vendor",
            "productCode", "GS-PC-4711",
            "firmware", "3.1.4",
            "vendorUrl", "https://example.org/gridscout",
            "productName", "E2E Test Server",
            "model", "E2E-Model-9",
            "applicationName", "live-e2e");

    @TempDir
    Path tmp;

    /** A child process whose output is collected by a thread; {@code seen} opens when a line contains the marker. */
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

    static void awaitPort(int port, Child server, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!server.process.isAlive()) fail("pymodbus server exited with %d:%n%s", server.process.exitValue(), server.output);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("pymodbus server did not listen on port %d within %d ms:%n%s", port, timeoutMillis, server.output);
    }

    @Test
    void pymodbusServerAndJ2modMasterOnLoopbackAppearInTheInventory() throws Exception {
        String version = run(30, PYTHON, "-c", "import pymodbus; print(pymodbus.__version__)").trim();
        assertThat(version).as("python3-pymodbus version").startsWith("3.");
        run(30, "tcpdump", "--version");

        Path script = tmp.resolve("pymodbus_server.py");
        try (InputStream in = getClass().getResourceAsStream("pymodbus_server.py")) {
            assertThat(in).as("test resource pymodbus_server.py").isNotNull();
            Files.copy(in, script);
        }
        int port = freePort();
        assertThat(port).isNotEqualTo(502);
        Path pcap = tmp.resolve("live.pcap");
        Child server = null, tcpdump = null;
        List<Integer> codesSent = new ArrayList<>();
        try {
            server = start(null, false, PYTHON, script.toString(), String.valueOf(port), String.valueOf(UNIT));
            awaitPort(port, server, 20_000); // before tcpdump starts: the probe is not part of the capture
            // -Z root: Debian's tcpdump would drop to user tcpdump, who cannot write into the test's temp dir
            tcpdump = start("listening on", true, "tcpdump", "-i", "lo", "-n", "-s", "0", "-U", "--immediate-mode", "-Z", "root",
                    "-w", pcap.toString(), "tcp port " + port);
            if (!tcpdump.seen.await(20, TimeUnit.SECONDS)) {
                fail("tcpdump did not start listening on lo within 20 s (needs root or CAP_NET_RAW):%n%s", tcpdump.output);
            }

            ModbusTCPMaster master = new ModbusTCPMaster("127.0.0.1", port);
            master.setTimeout(5000);
            master.connect();
            try {
                Register[] regs = master.readMultipleRegisters(UNIT, 0, 10);
                codesSent.add(3);
                assertThat(regs).hasSize(10);
                assertThat(regs[4].getValue()).as("holding register 4 of the pymodbus datastore").isEqualTo(4);
                BitVector coils = master.readCoils(UNIT, 0, 8);
                codesSent.add(1);
                assertThat(coils.getBit(0)).isTrue();
                assertThat(coils.getBit(1)).isFalse();
                master.writeSingleRegister(UNIT, 5, new SimpleRegister(1234));
                codesSent.add(6);
                master.writeMultipleRegisters(UNIT, 10, new Register[] {new SimpleRegister(1), new SimpleRegister(2), new SimpleRegister(3)});
                codesSent.add(16);
                assertThat(master.readMultipleRegisters(UNIT, 5, 1)[0].getValue()).isEqualTo(1234);
                codesSent.add(3);

                // FC 43 / MEI 14, regular level (objects 0-6); j2mod has no facade method for it
                ModbusTransaction tx = master.getTransport().createTransaction();
                ReadMEIRequest mei = new ReadMEIRequest(2, 0);
                mei.setUnitID(UNIT);
                tx.setRequest(mei);
                tx.execute();
                codesSent.add(43);
                ReadMEIResponse identity = (ReadMEIResponse) tx.getResponse();
                assertThat(identity.getFields()).as("identity j2mod read from pymodbus").contains(IDENTITY.get("vendor"), IDENTITY.get("model"));
            } finally {
                master.disconnect();
            }
            Thread.sleep(500); // the FIN exchange reaches tcpdump
            tcpdump.process.destroy(); // SIGTERM: tcpdump flushes and closes the file
            if (!tcpdump.process.waitFor(10, TimeUnit.SECONDS)) fail("tcpdump did not stop within 10 s:%n%s", tcpdump.output);
        } finally {
            if (tcpdump != null) tcpdump.kill();
            if (server != null) server.kill();
        }
        assertThat(pcap).as("tcpdump output (tcpdump said: %s)", tcpdump.output).exists();
        assertThat(Files.size(pcap)).as("capture size").isGreaterThan(24);

        Path json = tmp.resolve("live.json");
        assertThat(Main.run("analyze", "--quiet", "--json", json.toString(), pcap.toString())).as("analyze exit code").isZero();
        JsonNode inv = new ObjectMapper().readTree(json.toFile());
        String dump = inv.toPrettyString();

        JsonNode asset = null;
        for (JsonNode a : inv.get("assets")) if (a.get("id").asText().equals("127.0.0.1")) asset = a;
        assertThat(asset).as("asset 127.0.0.1 in %s", dump).isNotNull();
        for (Map.Entry<String, String> e : IDENTITY.entrySet()) {
            assertThat(hasAttribute(asset, e.getKey(), e.getValue(), "modbus.mei"))
                    .as("attribute %s = '%s' from modbus.mei in %s", e.getKey(), e.getValue(), asset.get("attributes")).isTrue();
        }
        assertThat(asset.get("vendor").asText()).isEqualTo(IDENTITY.get("vendor"));
        assertThat(asset.get("model").asText()).isEqualTo(IDENTITY.get("model"));
        assertThat(asset.get("firmware").asText()).isEqualTo(IDENTITY.get("firmware"));

        JsonNode service = null;
        for (JsonNode s : asset.get("services")) {
            if (s.get("protocol").asText().equals("modbus") && s.get("role").asText().equals("server")) service = s;
        }
        assertThat(service).as("modbus server service in %s", asset.get("services")).isNotNull();
        assertThat(service.get("transport").asText()).isEqualTo("tcp");
        assertThat(service.get("port").asInt()).isEqualTo(port);
        assertThat(service.get("unitIds").toString()).isEqualTo("[" + UNIT + "]");

        JsonNode comm = null;
        for (JsonNode c : inv.get("communications")) {
            if (c.get("protocol").asText().equals("modbus") && c.get("port").asInt() == port) comm = c;
        }
        assertThat(comm).as("modbus communication to port %d in %s", port, inv.get("communications")).isNotNull();
        assertThat(comm.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(comm.get("server").asText()).isEqualTo("127.0.0.1");
        Map<Integer, Long> operations = new TreeMap<>();
        for (JsonNode o : comm.get("operations")) operations.put(o.get("code").asInt(), o.get("count").asLong());
        Map<Integer, Long> sent = new TreeMap<>();
        for (int code : codesSent) sent.merge(code, 1L, Long::sum);
        assertThat(operations).as("operations of %s", comm).isEqualTo(sent);

        // tshark, told the port is Modbus/TCP, as an independent count of the requests in the capture
        String fields = run(60, "tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",mbtcp",
                "-Y", "modbus && tcp.dstport==" + port, "-T", "fields", "-e", "modbus.func_code");
        Map<Integer, Long> tshark = new TreeMap<>();
        fields.lines().filter(l -> l.matches("[0-9]+")).forEach(l -> tshark.merge(Integer.parseInt(l), 1L, Long::sum));
        assertThat(tshark).as("tshark's request count").isEqualTo(sent);
    }

    static boolean hasAttribute(JsonNode asset, String name, String value, String source) {
        for (JsonNode at : asset.get("attributes")) {
            if (at.get("name").asText().equals(name) && at.get("value").asText().equals(value) && at.get("source").asText().equals(source)) {
                return true;
            }
        }
        return false;
    }
}
