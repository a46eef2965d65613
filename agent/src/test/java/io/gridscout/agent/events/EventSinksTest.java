package io.gridscout.agent.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.PcapEdit;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Events of a real firmware change go out as JSON lines and as RFC 5424 syslog over UDP and TCP. */
class EventSinksTest {
    static final ObjectMapper JSON = new ObjectMapper();
    // RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT] BOM MSG
    static final Pattern RFC5424 = Pattern.compile("<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z) (\\S+) gridscout (\\d+) (\\S{1,32})"
            + " \\[gridscout@32473((?: [a-z]+=\"(?:[^\"\\\\\\]]|\\\\[\"\\\\\\]])*\")*)\\] \uFEFF(.*)", Pattern.DOTALL);

    @TempDir
    Path tmp;

    List<ChangeEvent> firmwareChangeEvents() throws Exception {
        Path first = TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        Path second = tmp.resolve("v3.20.pcap");
        Files.write(second, PcapEdit.edit(Files.readAllBytes(first), "v3.10", "v3.20", 3600));
        try (InventoryStore store = InventoryStore.open(tmp.resolve("db"))) {
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), store);
            engine.ingestFile(first);
            engine.tick(AgentEngine.wallNanos());
            List<ChangeEvent> all = new ArrayList<>(engine.checkpoint());
            engine.ingestFile(second);
            engine.tick(AgentEngine.wallNanos());
            all.addAll(engine.checkpoint());
            return all;
        }
    }

    @Test
    void jsonLinesAndSyslog() throws Exception {
        List<ChangeEvent> events = firmwareChangeEvents();
        assertThat(events).extracting(ChangeEvent::type).contains(ChangeEvent.ATTRIBUTE_CHANGED, ChangeEvent.NEW_ASSET);

        Path file = tmp.resolve("log/events.jsonl");
        try (JsonLinesFile f = new JsonLinesFile(file)) {
            f.send(events.subList(0, 2));
            f.send(events.subList(2, events.size()));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(events.size());
        JsonNode changed = null;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            if (n.get("type").asText().equals(ChangeEvent.ATTRIBUTE_CHANGED)) changed = n;
        }
        assertThat(changed.get("asset").asText()).isEqualTo("127.0.0.4");
        assertThat(changed.get("old").asText()).isEqualTo("v3.10");
        assertThat(changed.get("new").asText()).isEqualTo("v3.20");

        // UDP: one datagram per event
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            try (Syslog s = new Syslog("udp://127.0.0.1:" + server.getLocalPort(), 16)) {
                s.send(events);
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                server.receive(p);
                got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            }
            checkSyslog(got, events);
        }

        // TCP: octet-counted frames (RFC 6587)
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            try (Syslog s = new Syslog("tcp://127.0.0.1:" + server.getLocalPort(), 16)) {
                Thread sender = new Thread(() -> {
                    try {
                        s.send(events);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                sender.start();
                try (Socket c = server.accept(); DataInputStream in = new DataInputStream(c.getInputStream())) {
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        StringBuilder len = new StringBuilder();
                        for (int b; (b = in.read()) != ' '; ) len.append((char) b);
                        byte[] m = new byte[Integer.parseInt(len.toString())];
                        in.readFully(m);
                        got.add(new String(m, StandardCharsets.UTF_8));
                    }
                    checkSyslog(got, events);
                }
                sender.join();
            }
        }
    }

    /** HOSTNAME is the kernel's host name, read without a resolver (getLocalHost() would query DNS for it). */
    @Test
    void syslogHostnameIsTheKernelsOwn() throws Exception {
        String kernel = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        assertThat(Syslog.localHostname()).isEqualTo(kernel);
    }

    static void checkSyslog(List<String> messages, List<ChangeEvent> events) {
        assertThat(messages).hasSize(events.size());
        for (int i = 0; i < messages.size(); i++) {
            Matcher m = RFC5424.matcher(messages.get(i));
            assertThat(m.matches()).as(messages.get(i)).isTrue();
            ChangeEvent e = events.get(i);
            assertThat(m.group(5)).isEqualTo(e.type());
            int pri = Integer.parseInt(m.group(1));
            assertThat(pri / 8).isEqualTo(16);
            assertThat(pri % 8).isEqualTo(e.type().equals(ChangeEvent.ATTRIBUTE_CHANGED) ? 4 : Syslog.severity(e.type()));
            if (e.type().equals(ChangeEvent.ATTRIBUTE_CHANGED)) {
                assertThat(m.group(6)).isEqualTo(" asset=\"127.0.0.4\" subject=\"firmware\" old=\"v3.10\" new=\"v3.20\"");
                assertThat(m.group(7)).isEqualTo("attribute.changed 127.0.0.4 firmware: v3.10 -> v3.20");
            }
        }
    }
}
