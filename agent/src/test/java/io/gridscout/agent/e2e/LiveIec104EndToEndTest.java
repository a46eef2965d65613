package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.gridscout.agent.e2e.LiveCapture.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmuc.j60870.ASdu;
import org.openmuc.j60870.ASduType;
import org.openmuc.j60870.CauseOfTransmission;
import org.openmuc.j60870.ClientConnectionBuilder;
import org.openmuc.j60870.Connection;
import org.openmuc.j60870.ConnectionEventListener;
import org.openmuc.j60870.Server;
import org.openmuc.j60870.ServerEventListener;
import org.openmuc.j60870.ie.IeQualifierOfInterrogation;
import org.openmuc.j60870.ie.IeQuality;
import org.openmuc.j60870.ie.IeScaledValue;
import org.openmuc.j60870.ie.IeShortFloat;
import org.openmuc.j60870.ie.IeSingleCommand;
import org.openmuc.j60870.ie.IeSinglePointWithQuality;
import org.openmuc.j60870.ie.IeTime56;
import org.openmuc.j60870.ie.InformationObject;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.gridscout.agent.e2e.LiveCapture.analyze;
import static io.gridscout.agent.e2e.LiveCapture.asset;
import static io.gridscout.agent.e2e.LiveCapture.assertClean;
import static io.gridscout.agent.e2e.LiveCapture.service;
import static io.gridscout.agent.e2e.LiveCapture.freePort;
import static io.gridscout.agent.e2e.LiveCapture.run;
import static io.gridscout.agent.e2e.LiveCapture.startCapture;
import static io.gridscout.agent.e2e.LiveCapture.stopCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An independent IEC 60870-5-104 stack end to end: OpenMUC j60870 1.5.0 as controlled station (server) and as
 * controlling station (client) on 127.0.0.1, captured with {@code tcpdump -i lo}, then analysed. The port is not
 * 2404, so the decoder is found by content. The exchange: STARTDT, station interrogation answered with monitor
 * ASDUs, clock synchronisation, a single command as select then execute, STOPDT. j60870 is GPL: it is a test
 * dependency only and never part of gridscout. Needs root (tcpdump), tcpdump and tshark: without them the test
 * fails, it never skips.
 */
class LiveIec104EndToEndTest {
    /** Common address of the station: two octets on the wire, neither 0 nor broadcast. */
    static final int CA = 0x0305;
    static final int COMMAND_IOA = 5001;
    static final long WAIT_SECONDS = 10;

    @TempDir
    Path tmp;

    /** The controlled station: answers interrogation, clock sync and single commands as a real outstation does. */
    static final class Outstation implements ServerEventListener {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Connection> connections = new CopyOnWriteArrayList<>();

        @Override
        public void connectionIndication(Connection c) {
            connections.add(c);
            try {
                c.waitForStartDT(new ConnectionEventListener() {
                    @Override
                    public void newASdu(ASdu asdu) {
                        try {
                            answer(c, asdu);
                        } catch (IOException | RuntimeException e) {
                            errors.add(e);
                        }
                    }

                    @Override
                    public void connectionClosed(IOException e) {
                    }

                    @Override
                    public void dataTransferStateChanged(boolean started) {
                    }
                }, 5000);
            } catch (IOException | RuntimeException e) {
                errors.add(e);
            }
        }

        private static void answer(Connection c, ASdu asdu) throws IOException {
            switch (asdu.getTypeIdentification()) {
                case C_IC_NA_1 -> {
                    c.sendConfirmation(asdu);
                    int ca = asdu.getCommonAddress();
                    CauseOfTransmission cot = CauseOfTransmission.INTERROGATED_BY_STATION;
                    c.send(new ASdu(ASduType.M_SP_NA_1, false, cot, false, false, 0, ca,
                            new InformationObject(1001, new IeSinglePointWithQuality(true, false, false, false, false))));
                    c.send(new ASdu(ASduType.M_ME_NB_1, false, cot, false, false, 0, ca,
                            new InformationObject(2001, new IeScaledValue(-1234), new IeQuality(false, false, false, false, false))));
                    c.send(new ASdu(ASduType.M_ME_NC_1, false, cot, false, false, 0, ca,
                            new InformationObject(4001, new IeShortFloat(50.02f), new IeQuality(false, false, false, false, false))));
                    c.sendActivationTermination(asdu);
                }
                case C_CS_NA_1 -> c.sendConfirmation(asdu);
                case C_SC_NA_1 -> {
                    c.sendConfirmation(asdu);
                    IeSingleCommand sc = (IeSingleCommand) asdu.getInformationObjects()[0].getInformationElements()[0][0];
                    if (!sc.isSelect()) c.sendActivationTermination(asdu);
                }
                default -> c.sendConfirmation(asdu, asdu.getCommonAddress(), true); // negative: not supported here
            }
        }

        @Override
        public void serverStoppedListeningIndication(IOException e) {
        }

        @Override
        public void connectionAttemptFailed(IOException e) {
            errors.add(e);
        }
    }

    /** The controlling station's view: every ASDU it receives, so the test can wait for each confirmation. */
    static final class Received implements ConnectionEventListener {
        final BlockingQueue<ASdu> asdus = new LinkedBlockingQueue<>();
        final StringBuilder log = new StringBuilder();

        @Override
        public void newASdu(ASdu asdu) {
            asdus.add(asdu);
        }

        @Override
        public void connectionClosed(IOException e) {
        }

        @Override
        public void dataTransferStateChanged(boolean started) {
        }

        /** Like {@link #await} but gives up after {@code seconds}, returning null, so the caller may ask again. */
        ASdu awaitOrNull(ASduType type, CauseOfTransmission cot, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                ASdu a = left > 0 ? asdus.poll(left, TimeUnit.NANOSECONDS) : null;
                if (a == null) return null;
                log.append(a.getTypeIdentification()).append(' ').append(a.getCauseOfTransmission()).append("; ");
                if (a.getTypeIdentification() == type && a.getCauseOfTransmission() == cot) return a;
            }
        }

        /** Waits for the ASDU of {@code type} with {@code cot}, keeping what came before it in the log. */
        ASdu await(ASduType type, CauseOfTransmission cot) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                long left = deadline - System.nanoTime();
                ASdu a = left > 0 ? asdus.poll(left, TimeUnit.NANOSECONDS) : null;
                if (a == null) fail("no %s %s from the outstation within %d s; received: %s", type, cot, WAIT_SECONDS, log);
                log.append(a.getTypeIdentification()).append(' ').append(a.getCauseOfTransmission()).append("; ");
                if (a.getTypeIdentification() == type && a.getCauseOfTransmission() == cot) {
                    assertThat(a.isNegativeConfirm()).as("negative confirm of %s", type).isFalse();
                    return a;
                }
            }
        }
    }

    @Test
    void j60870StationsOnLoopbackAppearInTheInventory() throws Exception {
        run(30, "tcpdump", "--version");
        int port = freePort();
        assertThat(port).isNotEqualTo(2404);
        Path pcap = tmp.resolve("iec104.pcap");
        Outstation outstation = new Outstation();
        Server server = Server.builder().setBindAddr(InetAddress.getByName("127.0.0.1")).setPort(port).build();
        Child tcpdump = null;
        Connection client = null;
        Received received = new Received();
        Map<Integer, Long> sent = new TreeMap<>();
        try {
            server.start(outstation); // binds before it returns
            tcpdump = startCapture(port, pcap);

            client = new ClientConnectionBuilder("127.0.0.1").setPort(port).setConnectionTimeout(5000).build();
            client.startDataTransfer(received, 5000); // STARTDT act / con

            // j60870's server registers its listener for a connection a moment after confirming STARTDT: under load
            // a first command can land before that and go unanswered, so the interrogation is asked up to 3 times
            // (every attempt is on the wire and counted in `sent`, which the inventory must match)
            ASdu confirmed = null;
            for (int attempt = 0; attempt < 3 && confirmed == null; attempt++) {
                client.interrogation(CA, CauseOfTransmission.ACTIVATION, new IeQualifierOfInterrogation(20));
                sent.merge(100, 1L, Long::sum);
                confirmed = received.awaitOrNull(ASduType.C_IC_NA_1, CauseOfTransmission.ACTIVATION_CON, 5);
            }
            assertThat(confirmed).as("C_IC_NA_1 ACTIVATION_CON after 3 interrogations; received: %s; outstation errors: %s",
                    received.log, outstation.errors).isNotNull();
            ASdu measured = received.await(ASduType.M_ME_NC_1, CauseOfTransmission.INTERROGATED_BY_STATION);
            assertThat(measured.getCommonAddress()).isEqualTo(CA);
            received.await(ASduType.C_IC_NA_1, CauseOfTransmission.ACTIVATION_TERMINATION);

            client.synchronizeClocks(CA, new IeTime56(System.currentTimeMillis()));
            sent.merge(103, 1L, Long::sum);
            received.await(ASduType.C_CS_NA_1, CauseOfTransmission.ACTIVATION_CON);

            client.singleCommand(CA, CauseOfTransmission.ACTIVATION, COMMAND_IOA, new IeSingleCommand(true, 0, true)); // select
            sent.merge(45, 1L, Long::sum);
            received.await(ASduType.C_SC_NA_1, CauseOfTransmission.ACTIVATION_CON);
            client.singleCommand(CA, CauseOfTransmission.ACTIVATION, COMMAND_IOA, new IeSingleCommand(true, 0, false)); // execute
            sent.merge(45, 1L, Long::sum);
            received.await(ASduType.C_SC_NA_1, CauseOfTransmission.ACTIVATION_CON);
            received.await(ASduType.C_SC_NA_1, CauseOfTransmission.ACTIVATION_TERMINATION);

            client.stopDataTransfer(); // STOPDT act / con
            Thread.sleep(200);
            client.close();
            client = null;
            stopCapture(tcpdump);
        } finally {
            if (client != null) client.close();
            for (Connection c : outstation.connections) c.close();
            server.stop();
            if (tcpdump != null) tcpdump.kill();
        }
        assertThat(outstation.errors).as("outstation errors").isEmpty();
        assertThat(pcap).as("tcpdump output (tcpdump said: %s)", tcpdump.output).exists();

        JsonNode inv = analyze(pcap, tmp.resolve("iec104.json"));
        assertClean(inv);

        JsonNode asset = asset(inv, "127.0.0.1");
        JsonNode serverService = service(asset, "iec104", "server"), clientService = service(asset, "iec104", "client");
        assertThat(serverService).as("iec104 server service in %s", asset.get("services")).isNotNull();
        assertThat(clientService).as("iec104 client service in %s", asset.get("services")).isNotNull();
        assertThat(serverService.get("transport").asText()).isEqualTo("tcp");
        assertThat(serverService.get("port").asInt()).isEqualTo(port);
        assertThat(serverService.get("commonAddresses")).as("commonAddresses of %s", serverService).isNotNull();
        assertThat(serverService.get("commonAddresses").toString()).isEqualTo("[" + CA + "]");

        JsonNode comm = null;
        for (JsonNode c : inv.get("communications")) {
            if (c.get("protocol").asText().equals("iec104") && c.get("port").asInt() == port) comm = c;
        }
        assertThat(comm).as("iec104 communication to port %d in %s", port, inv.get("communications")).isNotNull();
        assertThat(comm.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(comm.get("server").asText()).isEqualTo("127.0.0.1");
        Map<Integer, Long> operations = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>(), kinds = new TreeMap<>();
        for (JsonNode o : comm.get("operations")) {
            operations.put(o.get("code").asInt(), o.get("count").asLong());
            names.put(o.get("code").asInt(), o.get("name").asText());
            kinds.put(o.get("code").asInt(), o.get("kind").asText());
        }
        assertThat(operations).as("operations of %s", comm).isEqualTo(sent);
        assertThat(names).isEqualTo(Map.of(100, "C_IC_NA_1", 103, "C_CS_NA_1", 45, "C_SC_NA_1"));
        assertThat(kinds.get(100)).isEqualTo("read");
        assertThat(kinds.get(45)).isEqualTo("control");
        assertThat(kinds.get(103)).as("clock synchronisation").isEqualTo("diagnostic");

        // tshark, told the port is IEC 104, as an independent count of the commands the controlling station sent
        String fields = run(60, "tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",iec60870_104",
                "-Y", "iec60870_asdu && tcp.dstport==" + port, "-T", "fields", "-e", "iec60870_asdu.typeid");
        Map<Integer, Long> tshark = new TreeMap<>();
        fields.lines().flatMap(l -> java.util.Arrays.stream(l.split(",")))
                .filter(v -> v.matches("[0-9]+")).forEach(v -> tshark.merge(Integer.parseInt(v), 1L, Long::sum));
        assertThat(tshark).as("tshark's count of ASDUs sent to the outstation").isEqualTo(sent);
        String apci = run(60, "tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",iec60870_104",
                "-Y", "iec60870_104.type == 3", "-T", "fields", "-e", "iec60870_104.utype");
        assertThat(apci.lines().filter(l -> !l.isBlank()).count()).as("U frames (STARTDT/STOPDT act and con): %s", apci)
                .isGreaterThanOrEqualTo(4);
    }
}
