package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.gridscout.agent.e2e.LiveCapture.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmuc.openiec61850.BasicDataAttribute;
import org.openmuc.openiec61850.BdaFloat32;
import org.openmuc.openiec61850.BdaVisibleString;
import org.openmuc.openiec61850.ClientAssociation;
import org.openmuc.openiec61850.ClientEventListener;
import org.openmuc.openiec61850.ClientSap;
import org.openmuc.openiec61850.Fc;
import org.openmuc.openiec61850.FcModelNode;
import org.openmuc.openiec61850.ModelNode;
import org.openmuc.openiec61850.Report;
import org.openmuc.openiec61850.ServerEventListener;
import org.openmuc.openiec61850.ServerModel;
import org.openmuc.openiec61850.ServerSap;
import org.openmuc.openiec61850.ServiceError;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gridscout.agent.e2e.LiveCapture.analyze;
import static io.gridscout.agent.e2e.LiveCapture.asset;
import static io.gridscout.agent.e2e.LiveCapture.assertClean;
import static io.gridscout.agent.e2e.LiveCapture.service;
import static io.gridscout.agent.e2e.LiveCapture.freePort;
import static io.gridscout.agent.e2e.LiveCapture.hasAttribute;
import static io.gridscout.agent.e2e.LiveCapture.run;
import static io.gridscout.agent.e2e.LiveCapture.startCapture;
import static io.gridscout.agent.e2e.LiveCapture.stopCapture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent IEC 61850 MMS stack end to end: OpenMUC openiec61850 1.6.0 server (model from
 * {@code live-e2e.icd}) and client on 127.0.0.1, captured with {@code tcpdump -i lo}, then analysed. The port is
 * not 102, so ISO-on-TCP is found by content. The client associates, retrieves the model (GetNameList,
 * GetVariableAccessAttributes), reads a measurement and the name plates LLN0.NamPlt and LPHD1.PhyNam, and writes
 * a setting. The name-plate strings of the ICD must appear as attributes of the server, the logical device as its
 * logicalDevices; tshark counts the MMS requests independently. Needs root (tcpdump), tcpdump and tshark: without
 * them the test fails, it never skips.
 */
class LiveMmsEndToEndTest {
    static final String LD = "IED1LD1";
    /** Name-plate values in live-e2e.icd: attribute name, value, source. */
    static final List<String[]> NAME_PLATE = List.of(
            new String[] {"vendor", "Gridscout Test Vendor", "mms.NamPlt"},
            new String[] {"firmware", "7.2.1", "mms.NamPlt"},
            new String[] {"configRev", "cfg-2026-11", "mms.NamPlt"},
            new String[] {"vendor", "Gridscout Test Vendor", "mms.PhyNam"},
            new String[] {"hardware", "HW-3.0", "mms.PhyNam"},
            new String[] {"firmware", "7.2.1", "mms.PhyNam"},
            new String[] {"serial", "SN-0042-E2E", "mms.PhyNam"},
            new String[] {"model", "GS-IED-850", "mms.PhyNam"},
            new String[] {"location", "Bay 1", "mms.PhyNam"});
    static final int READ = 4, WRITE = 5, GET_NAME_LIST = 1;

    @TempDir
    Path tmp;

    static final class Server implements ServerEventListener {
        final List<BasicDataAttribute> written = new CopyOnWriteArrayList<>();

        @Override
        public List<ServiceError> write(List<BasicDataAttribute> bdas) {
            written.addAll(bdas);
            return null; // all accepted
        }

        @Override
        public void serverStoppedListening(ServerSap sap) {
        }
    }

    static final class Client implements ClientEventListener {
        @Override
        public void newReport(Report report) {
        }

        @Override
        public void associationClosed(IOException e) {
        }
    }

    static FcModelNode node(ServerModel model, String ref, Fc fc) {
        ModelNode n = model.findModelNode(ref, fc);
        assertThat(n).as("%s [%s] in the model", ref, fc).isInstanceOf(FcModelNode.class);
        return (FcModelNode) n;
    }

    @Test
    void openiec61850ServerAndClientOnLoopbackAppearInTheInventory() throws Exception {
        run(30, "tcpdump", "--version");
        int port = freePort();
        assertThat(port).isNotEqualTo(102);
        Path pcap = tmp.resolve("mms.pcap");

        ServerSap sap;
        try (InputStream icd = getClass().getResourceAsStream("live-e2e.icd")) {
            assertThat(icd).as("test resource live-e2e.icd").isNotNull();
            sap = ServerSap.getSapsFromSclFile(icd).get(0);
        }
        sap.setPort(port);
        sap.setBindAddress(InetAddress.getByName("127.0.0.1"));
        ServerModel serverModel = sap.getModelCopy();
        BdaFloat32 totW = (BdaFloat32) node(serverModel, LD + "/MMXU1.TotW.mag.f", Fc.MX);
        totW.setFloat(1234.5f);
        sap.setValues(List.of(totW));
        Server server = new Server();
        Child tcpdump = null;
        ClientAssociation association = null;
        Map<Integer, Long> requests = new TreeMap<>();
        try {
            sap.startListening(server);
            tcpdump = startCapture(port, pcap);

            ClientSap clientSap = new ClientSap();
            clientSap.setResponseTimeout(10_000);
            association = clientSap.associate(InetAddress.getByName("127.0.0.1"), port, null, new Client());
            ServerModel model = association.retrieveModel();
            assertThat(model.getChild(LD)).as("logical device %s retrieved from the server", LD).isNotNull();

            FcModelNode f = node(model, LD + "/MMXU1.TotW.mag.f", Fc.MX);
            association.getDataValues(f);
            assertThat(((BdaFloat32) f).getFloat()).isEqualTo(1234.5f);

            FcModelNode namPlt = node(model, LD + "/LLN0.NamPlt", Fc.DC);
            association.getDataValues(namPlt);
            assertThat(((BdaVisibleString) namPlt.getChild("vendor")).getStringValue()).isEqualTo("Gridscout Test Vendor");
            FcModelNode configRev = node(model, LD + "/LLN0.NamPlt.configRev", Fc.DC);
            association.getDataValues(configRev); // one attribute: its name is in the request
            FcModelNode phyNam = node(model, LD + "/LPHD1.PhyNam", Fc.DC);
            association.getDataValues(phyNam);
            assertThat(((BdaVisibleString) phyNam.getChild("serNum")).getStringValue()).isEqualTo("SN-0042-E2E");

            BdaFloat32 setting = (BdaFloat32) node(model, LD + "/PTOC1.StrVal.setMag.f", Fc.SP);
            setting.setFloat(2.5f);
            association.setDataValues(setting);
            association.close(); // release
            association = null;
            stopCapture(tcpdump);
        } finally {
            if (association != null) association.disconnect();
            sap.stop();
            if (tcpdump != null) tcpdump.kill();
        }
        assertThat(server.written).as("values the server was asked to write").hasSize(1);
        assertThat(((BdaFloat32) server.written.get(0)).getFloat()).isEqualTo(2.5f);
        assertThat(pcap).as("tcpdump output (tcpdump said: %s)", tcpdump.output).exists();

        JsonNode inv = analyze(pcap, tmp.resolve("mms.json"));
        assertClean(inv);

        JsonNode asset = asset(inv, "127.0.0.1");
        JsonNode serverService = service(asset, "mms", "server"), clientService = service(asset, "mms", "client");
        assertThat(serverService).as("mms server service in %s", asset.get("services")).isNotNull();
        assertThat(clientService).as("mms client service in %s", asset.get("services")).isNotNull();
        assertThat(serverService.get("port").asInt()).isEqualTo(port);
        assertThat(serverService.get("logicalDevices")).as("logicalDevices of %s", serverService).isNotNull();
        assertThat(serverService.get("logicalDevices").toString()).isEqualTo("[\"" + LD + "\"]");
        assertThat(hasAttribute(asset, "name", LD, "mms.getNameList")).as("name from GetNameList in %s", asset.get("attributes")).isTrue();
        for (String[] a : NAME_PLATE) {
            assertThat(hasAttribute(asset, a[0], a[1], a[2])).as("attribute %s = '%s' from %s in %s", a[0], a[1], a[2], asset.get("attributes")).isTrue();
        }
        assertThat(asset.get("vendor").asText()).isEqualTo("Gridscout Test Vendor");
        assertThat(asset.get("model").asText()).isEqualTo("GS-IED-850");
        assertThat(asset.get("serial").asText()).isEqualTo("SN-0042-E2E");

        JsonNode comm = null;
        for (JsonNode c : inv.get("communications")) {
            if (c.get("protocol").asText().equals("mms") && c.get("port").asInt() == port) comm = c;
        }
        assertThat(comm).as("mms communication to port %d in %s", port, inv.get("communications")).isNotNull();
        assertThat(comm.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(comm.get("server").asText()).isEqualTo("127.0.0.1");
        Map<Integer, Long> operations = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        for (JsonNode o : comm.get("operations")) {
            operations.put(o.get("code").asInt(), o.get("count").asLong());
            names.put(o.get("code").asInt(), o.get("name").asText() + "/" + o.get("kind").asText());
        }
        assertThat(operations.get(READ)).as("reads in %s", comm).isGreaterThanOrEqualTo(4L);
        assertThat(operations.get(WRITE)).as("writes in %s", comm).isEqualTo(1L);
        assertThat(operations.get(GET_NAME_LIST)).as("getNameList in %s", comm).isGreaterThanOrEqualTo(1L);
        assertThat(names.get(READ)).isEqualTo("read/read");
        assertThat(names.get(WRITE)).isEqualTo("write/write");
        assertThat(names.get(GET_NAME_LIST)).isEqualTo("getNameList/read");

        // tshark, told the port is ISO-on-TCP, as an independent count of the client's confirmed requests
        String fields = run(60, "tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",tpkt",
                "-Y", "mms.confirmedServiceRequest && tcp.dstport==" + port, "-T", "fields", "-e", "mms.confirmedServiceRequest");
        Map<Integer, Long> tshark = new TreeMap<>();
        List<String> values = new ArrayList<>();
        fields.lines().forEach(l -> values.addAll(List.of(l.split(","))));
        values.stream().filter(v -> v.matches("[0-9]+")).forEach(v -> tshark.merge(Integer.parseInt(v), 1L, Long::sum));
        assertThat(tshark).as("tshark's count of confirmed requests").containsEntry(WRITE, 1L);
        assertThat(operations).as("operations of %s", comm).isEqualTo(tshark);
    }
}
