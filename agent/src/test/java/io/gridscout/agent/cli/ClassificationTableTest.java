package io.gridscout.agent.cli;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device classes of real captures end to end ({@code analyze --json}). Each expectation was written by hand from
 * the capture's tshark truth file (roles such as outstation/master, pmu/pdc) and the MANIFESTs, with the reason.
 */
@Tag(io.gridscout.protocols.testutil.Captures.SHARED)
class ClassificationTableTest {
    record Row(String capture, String asset, String expectedClass, String reason) {}

    static final List<Row> TABLE = List.of(
            new Row("modbus-cisagov-modbus_example.pcap", "3.15.227.20", "plc",
                    "truth: Modbus server on 502 answering unit 0; a Modbus server with nothing else is a PLC (weak, 0.5)"),
            new Row("modbus-cisagov-modbus_example.pcap", "192.168.1.6", "hmi",
                    "truth: Modbus client reading one server; a client of fewer than 3 servers is an HMI"),
            new Row("modbus-iti-ModbusTCP-plant1.pcap", "141.81.0.10", "scada-server",
                    "polls 13 Modbus servers with reads and writes: a central poller. An HMI talks to a few PLCs; with 13 "
                            + "we call it the SCADA server (any HMI on it is indistinguishable passively)"),
            new Row("modbus-iti-ModbusTCP-plant1.pcap", "141.81.0.24", "plc", "one of the 13 polled Modbus servers"),
            new Row("mixed-iti-mb2-plant1.pcap", "141.81.0.10", "scada-server",
                    "same plant: Modbus and EtherNet/IP client of 36 servers"),
            new Row("mixed-iti-mb2-plant1.pcap", "141.81.0.23", "plc",
                    "EtherNet/IP target with a Rockwell NIC polled by the SCADA server"),
            new Row("modbus-peer-mei-schneider-m340-pymodbus.pcap", "127.0.0.4", "plc",
                    "Modbus server stating model BMX P34 2020 (Modicon M340 CPU) via MEI device identification"),
            new Row("dnp3-cisagov-dnp3_example.pcap", "10.10.20.8", "rtu",
                    "truth: DNP3 outstation with no other role"),
            new Row("dnp3-cisagov-dnp3_example.pcap", "10.10.20.5", "scada-server",
                    "truth: DNP3 master polling and operating the outstation: a SCADA front end"),
            new Row("dnp3-iti-full_exchange.pcap", "192.168.60.130", "rtu", "truth: DNP3 outstation, no other role"),
            new Row("dnp3-zeek-dnp3_file_write.pcap", "130.126.140.229", "rtu", "truth: DNP3 outstation"),
            new Row("dnp3-zeek-dnp3_file_write.pcap", "130.126.142.250", "engineering-workstation",
                    "truth: master sending OPEN_FILE/CLOSE_FILE (FC 25/26) and g70 file writes: loads files onto the "
                            + "outstation, which is what configuration tools do"),
            new Row("goose-iti-Sample_File_GOOSE.pcap", "0a:bb:fe:10:c9:02", "ied", "GOOSE publisher (IED AA1C1Q01A1)"),
            new Row("goose-iti-Sample_File_GOOSE.pcap", "0a:bb:fe:10:c9:06", "ied", "GOOSE publisher (IED AA1C1Q05A1)"),
            new Row("goose-iti-Sample_File_GOOSE.pcap", "0a:bb:fe:10:c9:08", "ied", "GOOSE publisher (IED AA1C1Q07A1)"),
            new Row("goose-mms-iti-Sample_File_MMS_and_GOOSE.pcap", "172.16.201.2", "ied",
                    "GOOSE publisher AA1C1Q01A1 with an IP address"),
            new Row("enip-cisagov-enip_cip_example.pcap", "10.1.1.164", "plc",
                    "CIP identity 1756-ENBT/A: the Ethernet module of a ControlLogix chassis, i.e. the PLC"),
            new Row("enip-cisagov-enip_cip_example.pcap", "192.168.10.120", "plc",
                    "EtherNet/IP target (Rockwell NIC) whose attributes the client reads"),
            new Row("enip-cisagov-enip_cip_example.pcap", "192.168.10.105", "hmi",
                    "EtherNet/IP client reading attribute lists of one controller (543 reads, 1 write)"),
            new Row("enip-iti-EIP-SoftwareUpload.pcap", "192.168.10.105", "engineering-workstation",
                    "RSLogix 5000 upload from a ControlLogix: lists and reads the Logix program objects (class-specific "
                            + "services 0x4B/0x4F on classes 0x68-0x70), which only programming software does"),
            new Row("bacnet-iti-bacnet_test.pcap", "10.1.1.165", "plc",
                    "truth: BACnet device; states JCI MS-NAE4510 (building automation engine): the building world's PLC"),
            new Row("bacnet-iti-bacnet_test.pcap", "10.1.1.167", "hmi", "truth: BACnet client reading properties"),
            new Row("bacnet-cisagov-bacnet_example.pcap", "172.20.32.100", "plc",
                    "BACnet device answering services, named PLC_93"),
            new Row("synphasor-iti-C37.118_1PMU_TCP.pcap", "192.168.0.241", "ied",
                    "truth: role pmu, station 'Blue PMU' (idcode 241): a PMU is an IED"),
            new Row("synphasor-iti-C37.118_1PMU_TCP.pcap", "192.168.0.20", "scada-server",
                    "truth: role pdc: the phasor data concentrator collecting the PMU's data"),
            new Row("opcua-peer-nodeopcua-server-milo-client.pcap", "127.0.0.6", "plc",
                    "OPC UA server stating model 'PLCnext Control AXC F 2152' (Phoenix Contact PLC)"));

    @TempDir
    static Path tmp;

    private static final Map<String, JsonNode> INVENTORIES = new HashMap<>();

    static synchronized JsonNode inventory(String capture) throws Exception {
        JsonNode inv = INVENTORIES.get(capture);
        if (inv == null) {
            Path json = tmp.resolve(capture + ".json");
            int exit = Main.run("analyze", "--quiet", "--json", json.toString(), TestFiles.pcap(capture).toString());
            assertThat(exit).as("analyze exit code").isZero();
            inv = new ObjectMapper().readTree(json.toFile());
            INVENTORIES.put(capture, inv);
        }
        return inv;
    }

    @TestFactory
    Stream<DynamicTest> assetsGetTheirClass() {
        return TABLE.stream().map(r -> DynamicTest.dynamicTest(r.capture() + " " + r.asset() + " -> " + r.expectedClass(), () -> {
            JsonNode asset = null;
            for (JsonNode a : inventory(r.capture()).get("assets")) if (a.get("id").asText().equals(r.asset())) asset = a;
            assertThat(asset).as("asset %s in %s", r.asset(), r.capture()).isNotNull();
            assertThat(asset.get("deviceClass").asText()).as(r.reason() + "; rules fired: " + asset.get("classRules"))
                    .isEqualTo(r.expectedClass());
            assertThat(asset.get("classConfidence").asDouble()).isBetween(0.01, 1.0);
            assertThat(asset.get("classRules").isArray() && !asset.get("classRules").isEmpty()).isTrue();
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyAssetCarriesTheClassFieldsInContractOrder() {
        return TABLE.stream().map(Row::capture).distinct().map(c -> DynamicTest.dynamicTest(c, () -> {
            for (JsonNode a : inventory(c).get("assets")) {
                List<String> names = iteratorToList(a.fieldNames());
                int i = names.indexOf("deviceClass");
                assertThat(names.subList(i, i + 4)).containsExactly("deviceClass", "classConfidence", "classRules", "services");
                boolean unknown = a.get("deviceClass").asText().equals("unknown");
                assertThat(a.get("classRules").isEmpty()).isEqualTo(unknown);
                assertThat(a.get("classConfidence").asDouble() == 0.0).isEqualTo(unknown);
            }
        }));
    }

    private static List<String> iteratorToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
