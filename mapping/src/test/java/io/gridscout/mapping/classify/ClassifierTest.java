package io.gridscout.mapping.classify;

import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each built-in rule and their combination, on hand-built inventory records. */
class ClassifierTest {
    static final Classifier BUILT_IN = Classifier.builtIn();

    // ------------------------------------------------------------------ record builders

    static Inventory.Service svc(String protocolRole) {
        return svc(protocolRole, Map.of());
    }

    static Inventory.Service svc(String protocolRole, Map<String, List<Object>> details) {
        String[] pr = protocolRole.split("/");
        boolean l2 = pr[0].equals("goose") || pr[0].equals("sv");
        return new Inventory.Service(pr[0], pr[1], l2 ? "ethernet" : "tcp", 0, details);
    }

    static Inventory.Attribute attr(String name, String value, String source) {
        return new Inventory.Attribute(name, value, source, 0.9, 1, 2);
    }

    static Inventory.Asset asset(String id, List<Inventory.Service> services, List<Inventory.Attribute> attributes) {
        return new Inventory.Asset(id, List.of(), List.of(id), null, null, null, null, null, "unknown", 0, List.of(),
                services, attributes, 1, 2);
    }

    static Inventory.Asset asset(String id, String... services) {
        List<Inventory.Service> s = new ArrayList<>();
        for (String x : services) s.add(svc(x));
        return asset(id, s, List.of());
    }

    /** ops as "kind" or "kind:NAME". */
    static Inventory.Communication comm(String client, String server, String protocol, String... ops) {
        List<Inventory.Operation> o = new ArrayList<>();
        for (String op : ops) {
            String[] kn = op.split(":");
            o.add(new Inventory.Operation(o.size() + 1, kn.length > 1 ? kn[1] : kn[0].toUpperCase(), 5, kn[0]));
        }
        return new Inventory.Communication(client, server, protocol, "tcp", 502, 10, 1000, o, List.of(), 1, 2);
    }

    static Classification classify(Inventory.Asset a, Inventory.Communication... comms) {
        return BUILT_IN.classify(a, List.of(comms));
    }

    // ------------------------------------------------------------------ one rule each

    @Test
    void noEvidenceIsUnknownWithZeroConfidence() {
        assertThat(classify(asset("10.0.0.1"))).isEqualTo(new Classification("unknown", 0.0, List.of()));
        assertThat(classify(asset("10.0.0.1", "tcp/server"))).isEqualTo(Classification.UNKNOWN);
    }

    @Test
    void dnp3OutstationAloneIsRtu() {
        assertThat(classify(asset("10.0.0.2", "dnp3/outstation")))
                .isEqualTo(new Classification("rtu", 0.8, List.of("dnp3-outstation")));
    }

    @Test
    void dnp3OutstationPublishingGooseIsIed() {
        Classification c = classify(asset("10.0.0.2", "dnp3/outstation", "goose/publisher"));
        // 1 - (1-0.9)(1-0.85): both IEC 61850 rules vote ied; the rtu rule is vetoed by its 'unless'
        assertThat(c).isEqualTo(new Classification("ied", 0.985, List.of("dnp3-outstation-iec61850", "goose-publisher")));
    }

    @Test
    void iec104ServerIsRtu() {
        assertThat(classify(asset("10.0.0.2", "iec104/server")).deviceClass()).isEqualTo("rtu");
    }

    @Test
    void goosePublisherIsIed() {
        assertThat(classify(asset("00:11:22:33:44:55", "goose/publisher")))
                .isEqualTo(new Classification("ied", 0.85, List.of("goose-publisher")));
    }

    @Test
    void svPublisherAndMmsServerAreIed() {
        assertThat(classify(asset("a", "sv/publisher")).rules()).containsExactly("sv-publisher");
        assertThat(classify(asset("b", "mms/server"))).isEqualTo(new Classification("ied", 0.7, List.of("mms-server")));
    }

    @Test
    void synphasorServerIsPmuAndClientIsPdc() {
        assertThat(classify(asset("pmu", "synphasor/server")).deviceClass()).isEqualTo("ied");
        assertThat(classify(asset("pdc", "synphasor/client")).rules()).containsExactly("synphasor-pdc");
    }

    @Test
    void dlmsServerIsSmartMeter() {
        assertThat(classify(asset("10.0.0.3", "dlms/server")))
                .isEqualTo(new Classification("smart-meter", 0.85, List.of("dlms-server")));
    }

    @Test
    void sunspecModelsAttributeMakesDerController() {
        Inventory.Asset inverter = asset("10.0.0.4", List.of(svc("modbus/server")),
                List.of(attr("sunspecModels", "1,101,120", "sunspec.discovery")));
        // der-controller 0.9 beats plc 0.5 (modbus-server)
        assertThat(classify(inverter)).isEqualTo(new Classification("der-controller", 0.9, List.of("sunspec-models")));
    }

    @Test
    void sunspecDeviceKindInverterMakesDerControllerOnlyFromSunspecSource() {
        Inventory.Asset fromSunspec = asset("i", List.of(svc("modbus/server")), List.of(attr("deviceKind", "inverter", "sunspec.model1")));
        assertThat(classify(fromSunspec).deviceClass()).isEqualTo("der-controller");
        assertThat(classify(fromSunspec).rules()).containsExactly("sunspec-inverter");
        Inventory.Asset elsewhere = asset("j", List.of(svc("modbus/server")), List.of(attr("deviceKind", "inverter", "modbus.mei")));
        assertThat(classify(elsewhere).deviceClass()).isEqualTo("plc");
    }

    @Test
    void sunspecModelsAsServiceDetailMakesDerController() {
        Inventory.Asset a = asset("k", List.of(svc("modbus/server", Map.of("sunspecModels", List.of(1L, 103L)))), List.of());
        assertThat(classify(a).rules()).containsExactly("sunspec-models-detail");
    }

    @Test
    void programOperationsAsClientMakeEngineeringWorkstation() {
        Inventory.Asset ews = asset("10.0.0.5", "s7comm/client");
        Inventory.Asset plc = asset("10.0.0.6", "s7comm/server");
        Inventory.Communication download = comm("10.0.0.5", "10.0.0.6", "s7comm", "program:DOWNLOAD_BLOCK", "read");
        assertThat(classify(ews, download))
                .isEqualTo(new Classification("engineering-workstation", 0.85, List.of("program-client")));
        // the PLC receiving the download stays a PLC: 'as client' only
        assertThat(classify(plc, download).deviceClass()).isEqualTo("plc");
    }

    @Test
    void umasProgramOperationsMakeEngineeringWorkstationOverHmi() {
        Inventory.Asset ews = asset("10.0.0.5", "modbus/client");
        Classification c = classify(ews, comm("10.0.0.5", "10.0.0.7", "modbus", "read", "program:initialize_download"));
        assertThat(c.deviceClass()).isEqualTo("engineering-workstation");   // 0.85 beats hmi 0.5
    }

    @Test
    void clientPollingThreeServersIsScadaServer() {
        Inventory.Asset master = asset("10.0.0.10", "modbus/client");
        Inventory.Communication[] polls = {comm("10.0.0.10", "10.0.1.1", "modbus", "read"),
                comm("10.0.0.10", "10.0.1.2", "modbus", "read"), comm("10.0.0.10", "10.0.1.3", "dnp3", "read")};
        assertThat(classify(master, polls)).isEqualTo(new Classification("scada-server", 0.8, List.of("poller-many-servers")));
    }

    @Test
    void clientOfTwoServersIsHmiAndDistinctServersCount() {
        Inventory.Asset panel = asset("10.0.0.11", "modbus/client");
        // two communications to the same server (different ports) still count as one server
        Inventory.Communication a = comm("10.0.0.11", "10.0.1.1", "modbus", "read");
        Inventory.Communication b = new Inventory.Communication("10.0.0.11", "10.0.1.1", "modbus", "tcp", 503, 1, 1,
                List.of(new Inventory.Operation(3, "READ", 1, "read")), List.of(), 1, 2);
        Inventory.Communication c = comm("10.0.0.11", "10.0.1.2", "modbus", "write");
        assertThat(classify(panel, a, b, c)).isEqualTo(new Classification("hmi", 0.5, List.of("industrial-client")));
    }

    @Test
    void pollingManyServersOverOtherProtocolsIsNotScadaServer() {
        Inventory.Asset a = asset("10.0.0.12", "enip/client");
        Classification c = classify(a, comm("10.0.0.12", "s1", "enip", "read"), comm("10.0.0.12", "s2", "enip", "read"),
                comm("10.0.0.12", "s3", "enip", "read"));
        assertThat(c.deviceClass()).isEqualTo("hmi");
    }

    @Test
    void clientWithoutReadsOrWritesIsNotHmi() {
        assertThat(classify(asset("10.0.0.13", "enip/client"), comm("10.0.0.13", "s1", "enip")).deviceClass()).isEqualTo("unknown");
    }

    @Test
    void dnp3MasterIsScadaServer() {
        Inventory.Asset m = asset("10.0.0.14", "dnp3/master");
        assertThat(classify(m, comm("10.0.0.14", "o1", "dnp3", "read")))
                .isEqualTo(new Classification("scada-server", 0.5, List.of("telecontrol-master")));
        Classification many = classify(m, comm("10.0.0.14", "o1", "dnp3", "read"), comm("10.0.0.14", "o2", "dnp3", "read"),
                comm("10.0.0.14", "o3", "dnp3", "read"));
        assertThat(many).isEqualTo(new Classification("scada-server", 0.9, List.of("poller-many-servers", "telecontrol-master")));
    }

    @Test
    void serverRolesOfPlcs() {
        assertThat(classify(asset("a", "s7comm/server")).confidence()).isEqualTo(0.8);
        assertThat(classify(asset("b", "enip/server")).rules()).containsExactly("enip-server");
        assertThat(classify(asset("c", "modbus/server")).rules()).containsExactly("modbus-server");
        assertThat(classify(asset("d", "bacnet/server")).rules()).containsExactly("bacnet-server");
        assertThat(classify(asset("e", "bacnet/router")).deviceClass()).isEqualTo("network-device");
    }

    @Test
    void productNamesAddTheirVote() {
        Inventory.Asset m340 = asset("10.0.0.15", List.of(svc("modbus/server")), List.of(attr("model", "BMX P34 2020", "modbus.mei")));
        assertThat(classify(m340)).isEqualTo(new Classification("plc", 0.8, List.of("plc-model", "modbus-server")));
        Inventory.Asset hist = asset("h", List.of(svc("opcua/server")), List.of(attr("productUri", "urn:osisoft:PI Server", "opcua.buildinfo")));
        assertThat(classify(hist).deviceClass()).isEqualTo("historian");
    }

    @Test
    void nicVendorIsWeakEvidenceOutweighedByAnyRole() {
        Inventory.Asset pc = asset("p", List.of(), List.of(attr("macVendor", "Dell Inc.", "oui")));
        assertThat(classify(pc)).isEqualTo(new Classification("it-host", 0.2, List.of("pc-vendor-nic")));
        Inventory.Asset sim = asset("q", List.of(svc("modbus/server")), List.of(attr("macVendor", "Dell Inc.", "oui")));
        assertThat(classify(sim).deviceClass()).isEqualTo("plc");
        Inventory.Asset sw = asset("r", List.of(), List.of(attr("macVendor", "RuggedCom Inc.", "oui")));
        assertThat(classify(sw).deviceClass()).isEqualTo("network-device");
    }

    // ------------------------------------------------------------------ combination

    static Classifier rules(String text) throws IOException {
        return new Classifier(RuleParser.parse("test", new StringReader(text)));
    }

    @Test
    void confidencesOfOneClassCombineAndTheHighestClassWins() throws IOException {
        Classifier c = rules("""
                rule a
                class plc
                confidence 0.5
                when service modbus/server

                rule b
                class plc
                confidence 0.5
                when service modbus/*

                rule c
                class rtu
                confidence 0.7
                when service */server
                """);
        // plc: 1 - 0.5 * 0.5 = 0.75 beats rtu 0.7 even though no single plc rule does
        assertThat(c.classify(asset("x", "modbus/server"), List.of())).isEqualTo(new Classification("plc", 0.75, List.of("a", "b")));
    }

    @Test
    void tiesGoToTheClassWithHigherPriority() throws IOException {
        Classifier c = rules("""
                rule to-hmi
                class hmi
                confidence 0.6
                when service x/y
                rule to-ied
                class ied
                confidence 0.6
                when service x/y
                rule to-plc
                class plc
                confidence 0.6
                when service x/y
                """);
        assertThat(c.classify(asset("x", "x/y"), List.of()).deviceClass()).isEqualTo("ied");
        assertThat(DeviceClasses.PRIORITY.indexOf("ied")).isLessThan(DeviceClasses.PRIORITY.indexOf("plc"));
    }

    @Test
    void conditionForms() throws IOException {
        Classifier c = rules("""
                rule only
                class rtu
                confidence 0.9
                when only-services dnp3/outstation,tcp/*

                rule served
                class historian
                confidence 0.8
                when server-for >= 2 protocol opcua
                unless attribute vendor matches (?i)^phoenix

                rule named-op
                class engineering-workstation
                confidence 0.7
                when operation DOWNLOAD_BLOCK,upload as client protocol s7comm
                """);
        assertThat(c.classify(asset("a", "dnp3/outstation", "tcp/server"), List.of()).deviceClass()).isEqualTo("rtu");
        assertThat(c.classify(asset("b", "dnp3/outstation", "modbus/server"), List.of()).deviceClass()).isEqualTo("unknown");
        Inventory.Asset srv = asset("s", "opcua/server");
        List<Inventory.Communication> two = List.of(comm("c1", "s", "opcua", "read"), comm("c2", "s", "opcua", "read"));
        assertThat(c.classify(srv, two).deviceClass()).isEqualTo("historian");
        assertThat(c.classify(srv, two.subList(0, 1)).deviceClass()).isEqualTo("unknown");
        Inventory.Asset phoenix = asset("s", List.of(svc("opcua/server")), List.of(attr("vendor", "Phoenix Contact", "opcua.buildinfo")));
        assertThat(c.classify(phoenix, two).deviceClass()).isEqualTo("unknown");
        assertThat(c.classify(asset("e"), List.of(comm("e", "p", "s7comm", "program:download_block"))).rules()).containsExactly("named-op");
        assertThat(c.classify(asset("e"), List.of(comm("e", "p", "modbus", "program:download_block"))).rules()).isEmpty();
    }

    @Test
    void classifyAllMatchesClassifyOneByOne() {
        List<Inventory.Asset> assets = List.of(asset("m", "modbus/client"), asset("s1", "modbus/server"),
                asset("s2", "modbus/server"), asset("s3", "modbus/server"));
        List<Inventory.Communication> comms = List.of(comm("m", "s1", "modbus", "read"), comm("m", "s2", "modbus", "read"),
                comm("m", "s3", "modbus", "write"));
        Map<String, Classification> all = BUILT_IN.classifyAll(assets, comms);
        for (Inventory.Asset a : assets) assertThat(all.get(a.id())).isEqualTo(BUILT_IN.classify(a, comms));
        assertThat(all.get("m").deviceClass()).isEqualTo("scada-server");
    }

    @Test
    void builtInRulesHaveUniqueIdsAndReachEveryClass() throws IOException {
        List<Rule> rules = Classifier.builtInRules();
        Set<String> ids = new HashSet<>(), classes = new HashSet<>();
        for (Rule r : rules) {
            assertThat(ids.add(r.id())).as(r.id()).isTrue();
            classes.add(r.deviceClass());
            assertThat(r.note()).as("every built-in rule says why: " + r.id()).isNotBlank();
        }
        assertThat(classes).containsExactlyInAnyOrderElementsOf(DeviceClasses.PRIORITY);
    }

    // ------------------------------------------------------------------ operator files

    @Test
    void operatorRulesReplaceBuiltInOnesByIdAndAddNewOnes(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("site.rules");
        Files.writeString(f, """
                # at this site every Modbus server is a remote terminal unit
                rule modbus-server
                class rtu
                confidence 0.6
                when service modbus/server

                # and the engineering workstation is known by name
                rule site-ews
                class engineering-workstation
                confidence 0.95
                when attribute name matches ^EWS-\\d+$

                # switch a built-in rule off
                rule pc-vendor-nic
                class it-host
                confidence 0
                when attribute macVendor present
                """);
        Classifier c = Classifier.load(f);
        assertThat(c.rules()).hasSize(BUILT_IN.rules().size() + 1);
        assertThat(c.classify(asset("m", "modbus/server"), List.of()))
                .isEqualTo(new Classification("rtu", 0.6, List.of("modbus-server")));
        Inventory.Asset ews = asset("e", List.of(svc("modbus/client")), List.of(attr("name", "EWS-07", "netbios")));
        assertThat(c.classify(ews, List.of()).rules()).containsExactly("site-ews");
        Inventory.Asset pc = asset("p", List.of(), List.of(attr("macVendor", "Dell Inc.", "oui")));
        assertThat(c.classify(pc, List.of())).isEqualTo(Classification.UNKNOWN);
        // the built-in classifier is unchanged
        assertThat(BUILT_IN.classify(asset("m", "modbus/server"), List.of()).deviceClass()).isEqualTo("plc");
    }
}
