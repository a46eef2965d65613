package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.io.ModbusTransaction;
import com.ghgande.j2mod.modbus.msg.ReadMEIRequest;
import com.ghgande.j2mod.modbus.msg.ReadMEIResponse;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import io.gridscout.agent.e2e.LiveCapture.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.gridscout.agent.e2e.LiveCapture.analyze;
import static io.gridscout.agent.e2e.LiveCapture.asset;
import static io.gridscout.agent.e2e.LiveCapture.service;
import static io.gridscout.agent.e2e.LiveCapture.awaitPort;
import static io.gridscout.agent.e2e.LiveCapture.freePort;
import static io.gridscout.agent.e2e.LiveCapture.hasAttribute;
import static io.gridscout.agent.e2e.LiveCapture.run;
import static io.gridscout.agent.e2e.LiveCapture.start;
import static io.gridscout.agent.e2e.LiveCapture.startCapture;
import static io.gridscout.agent.e2e.LiveCapture.stopCapture;
import static org.assertj.core.api.Assertions.assertThat;

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
            tcpdump = startCapture(port, pcap);

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
            stopCapture(tcpdump);
        } finally {
            if (tcpdump != null) tcpdump.kill();
            if (server != null) server.kill();
        }
        assertThat(pcap).as("tcpdump output (tcpdump said: %s)", tcpdump.output).exists();

        JsonNode inv = analyze(pcap, tmp.resolve("live.json"));

        JsonNode asset = asset(inv, "127.0.0.1");
        for (Map.Entry<String, String> e : IDENTITY.entrySet()) {
            assertThat(hasAttribute(asset, e.getKey(), e.getValue(), "modbus.mei"))
                    .as("attribute %s = '%s' from modbus.mei in %s", e.getKey(), e.getValue(), asset.get("attributes")).isTrue();
        }
        assertThat(asset.get("vendor").asText()).isEqualTo(IDENTITY.get("vendor"));
        assertThat(asset.get("model").asText()).isEqualTo(IDENTITY.get("model"));
        assertThat(asset.get("firmware").asText()).isEqualTo(IDENTITY.get("firmware"));

        JsonNode service = service(asset, "modbus", "server");
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
}
