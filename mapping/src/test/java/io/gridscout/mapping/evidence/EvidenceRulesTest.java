package io.gridscout.mapping.evidence;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciler;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.gridscout.mapping.evidence.Built.op;
import static io.gridscout.mapping.evidence.Built.svc;
import static org.assertj.core.api.Assertions.assertThat;

/** Each rule: a built inventory where it fires, and one where it must not. */
class EvidenceRulesTest {
    static final SiteContext ZONES = new SiteContext("test", List.of(
            new SiteContext.Zone("scada", "control-centre", List.of(Cidr.parse("10.1.0.0/16"))),
            new SiteContext.Zone("sub1", "substation", List.of(Cidr.parse("10.2.0.0/16"))),
            new SiteContext.Zone("office", "corporate-it", List.of(Cidr.parse("192.168.0.0/16")))),
            List.of(Cidr.parse("10.1.0.5")), List.of(Cidr.parse("10.1.0.9")), List.of(), List.of(Cidr.parse("10.1.0.1")),
            List.of(new SiteContext.FlowRule("scada", "sub1", "dnp3", 20000)), null);

    static List<Finding> run(Built b, SiteContext site, String rule) {
        return run(b.inventory(), site, null, rule);
    }

    static List<Finding> run(Inventory inv, SiteContext site, List<RegisterEntry> register, String rule) {
        var recon = register == null ? null : Reconciler.reconcile(inv, register, site == null ? SiteContext.empty() : site);
        return EvidenceEngine.evaluate(inv, site, recon).findings().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    static List<Status> statuses(List<Finding> fs) {
        return fs.stream().map(Finding::status).toList();
    }

    static RegisterEntry entry(String ip, String mac, String vendor, String firmware) {
        return new RegisterEntry(null, null, List.of(ip), mac == null ? List.of() : List.of(mac), vendor, null, firmware, null, null, Map.of(), 1);
    }

    @Test
    void er01UnregisteredFiresOnlyForTheUndeclaredDevice() {
        Built b = new Built().identified("10.2.0.1", "00:11:22:33:44:55", "ACME", "X1", "1.0", "S1").identified("10.2.0.2", "00:11:22:33:44:66", "ACME", "X1", "1.0", "S2");
        List<Finding> f = run(b.inventory(), null, List.of(entry("10.2.0.1", null, null, null)), "ER-01");
        assertThat(statuses(f)).containsExactly(Status.NONCONFORMITY);
        assertThat(f.get(0).assets()).containsExactly("10.2.0.2");
        assertThat(f.get(0).controls().get("27019:2024")).contains("5.9");
        assertThat(f.get(0).controls().get("27019:2017")).contains("A.8.1.1");
        List<Finding> ok = run(b.inventory(), null, List.of(entry("10.2.0.1", null, null, null), entry("10.2.0.2", null, null, null)), "ER-01");
        assertThat(statuses(ok)).containsExactly(Status.EVIDENCE_OF_CONFORMITY);
        assertThat(EvidenceEngine.evaluate(b.inventory(), null, null).notEvaluated()).containsKeys("ER-01", "ER-02", "ER-03", "ER-11");
    }

    @Test
    void er02NotObservedOnlyInsideCoverage() {
        Built b = new Built().identified("10.2.0.1", "00:11:22:33:44:55", "ACME", "X1", "1.0", "S1");
        assertThat(statuses(run(b.inventory(), null, List.of(entry("10.2.0.1", null, null, null), entry("10.2.0.77", null, null, null)), "ER-02")))
                .containsExactly(Status.OBSERVATION);
        // a device declared in a subnet no capture saw is out of coverage, not "not observed"
        assertThat(run(b.inventory(), null, List.of(entry("10.2.0.1", null, null, null), entry("10.9.9.9", null, null, null)), "ER-02")).isEmpty();
    }

    @Test
    void er03MismatchOnFirmwareButNotOnUnseenFields() {
        Built b = new Built().identified("10.2.0.1", "00:11:22:33:44:55", "Schneider Electric SE", "M340", "3.20", "S1");
        List<Finding> f = run(b.inventory(), null, List.of(entry("10.2.0.1", "00-11-22-33-44-55", "Schneider Electric", "3.10")), "ER-03");
        assertThat(statuses(f)).containsExactly(Status.NONCONFORMITY);
        assertThat(f.get(0).summary()).contains("firmware declared '3.10' observed '3.20'").doesNotContain("vendor");
        assertThat(run(b.inventory(), null, List.of(entry("10.2.0.1", "001122334455", "Schneider Electric", "3.20")), "ER-03")).isEmpty();
    }

    @Test
    void er05DeprecatedOpcUaPolicyAndSmbOnController() {
        Built b = new Built().asset("10.2.0.1", "scada-server", svc("opcua", "server", 4840, "securityPolicies", "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15"))
                .asset("10.2.0.2", "plc", svc("modbus", "server", 502), svc("tcp", "server", 445));
        assertThat(run(b, null, "ER-05")).hasSize(2).allMatch(x -> x.status() == Status.OBSERVATION);
        Built ok = new Built().asset("10.2.0.1", "scada-server", svc("opcua", "server", 4840, "securityPolicies", "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"))
                .asset("10.2.0.3", "unknown", svc("tcp", "server", 445));
        assertThat(run(ok, null, "ER-05")).isEmpty();
    }

    @Test
    void er06WritesFromHostsNotAllowed() {
        Built b = new Built().asset("10.1.0.5", "hmi").asset("10.1.0.6", "hmi").asset("10.2.0.1", "plc", svc("modbus", "server", 502))
                .flow("10.1.0.5", "10.2.0.1", "modbus", 502, op("WRITE_SINGLE_REGISTER", "write"))
                .flow("10.1.0.6", "10.2.0.1", "modbus", 502, op("WRITE_SINGLE_COIL", "write"));
        List<Finding> f = run(b, ZONES, "ER-06");
        assertThat(f).extracting(Finding::status).containsExactlyInAnyOrder(Status.NONCONFORMITY, Status.EVIDENCE_OF_CONFORMITY);
        assertThat(f.stream().filter(x -> x.status() == Status.NONCONFORMITY).findFirst().orElseThrow().assets()).contains("10.1.0.6");
        Built reads = new Built().asset("10.1.0.6", "hmi").flow("10.1.0.6", "10.2.0.1", "modbus", 502, op("READ_HOLDING_REGISTERS", "read"));
        assertThat(run(reads, ZONES, "ER-06")).isEmpty();
    }

    @Test
    void er07ProgramTransferAndStop() {
        Built b = new Built().flow("10.1.0.6", "10.2.0.1", "dnp3", 20000, op("COLD_RESTART", "control"))
                .flow("10.1.0.6", "10.2.0.2", "enip", 44818, op("INITIATE_DOWNLOAD", "program"));
        assertThat(statuses(run(b, ZONES, "ER-07"))).containsOnly(Status.NONCONFORMITY).hasSize(2);
        assertThat(statuses(run(b, null, "ER-07"))).containsOnly(Status.OBSERVATION);
        Built ops = new Built().flow("10.1.0.6", "10.2.0.1", "dnp3", 20000, op("DIRECT_OPERATE", "control"));
        assertThat(run(ops, ZONES, "ER-07")).isEmpty();
    }

    @Test
    void er08OpcUaPolicyNoneAndAnonymous() {
        Built b = new Built().asset("10.2.0.1", "scada-server", svc("opcua", "server", 4840,
                "securityPolicies", "http://opcfoundation.org/UA/SecurityPolicy#None", "securityModes", "None", "userTokenTypesUsed", "anonymous"));
        List<Finding> f = run(b, null, "ER-08");
        assertThat(statuses(f)).containsExactly(Status.NONCONFORMITY);
        assertThat(f.get(0).summary()).contains("policy None").contains("anonymous");
        Built ok = new Built().asset("10.2.0.1", "scada-server", svc("opcua", "server", 4840,
                "securityPolicies", "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256", "securityModes", "SignAndEncrypt"));
        // one instance finding per server, and one whole-scope finding: every OPC UA server seen was secured
        List<Finding> good = run(ok, null, "ER-08");
        assertThat(statuses(good)).containsOnly(Status.EVIDENCE_OF_CONFORMITY);
        assertThat(good).extracting(Finding::wholeScope).containsExactlyInAnyOrder(false, true);
    }

    @Test
    void er09Dnp3WithoutSecureAuthentication() {
        assertThat(statuses(run(new Built().asset("10.2.0.1", "rtu", svc("dnp3", "outstation", 20000)), null, "ER-09"))).containsExactly(Status.OBSERVATION);
        assertThat(statuses(run(new Built().asset("10.2.0.1", "rtu", svc("dnp3", "outstation", 20000, "secureAuthentication", "true")), null, "ER-09")))
                .containsExactly(Status.EVIDENCE_OF_CONFORMITY);
        assertThat(run(new Built().asset("10.2.0.1", "plc", svc("modbus", "server", 502)), null, "ER-09")).isEmpty();
    }

    @Test
    void er10CleartextCrossingZonesOrExternal() {
        Built cross = new Built().flow("192.168.1.10", "10.2.0.1", "modbus", 502).flow("10.2.0.1", "8.8.4.4", "modbus", 502);
        assertThat(statuses(run(cross, ZONES, "ER-10"))).containsOnly(Status.NONCONFORMITY).hasSize(2);
        // issue #21: without a site file's zones every address is undeclared, public ones included: nothing is external
        assertThat(run(cross, null, "ER-10")).isEmpty();
        SiteContext withGateway = new SiteContext("t", ZONES.zones(), List.of(), List.of(), List.of(Cidr.parse("10.2.0.1")), List.of(), List.of(), null);
        assertThat(run(new Built().flow("10.2.0.1", "8.8.4.4", "iec104", 2404), withGateway, "ER-10")).extracting(Finding::status)
                .containsExactly(Status.OBSERVATION);
        Built approved = new Built().flow("10.1.0.5", "10.2.0.1", "dnp3", 20000).flow("10.2.0.1", "10.2.0.2", "modbus", 502);
        assertThat(statuses(run(approved, ZONES, "ER-10"))).doesNotContain(Status.NONCONFORMITY);
    }

    @Test
    void er11UndocumentedFlows() {
        Built b = new Built().flow("10.1.0.5", "10.2.0.1", "dnp3", 20000).flow("10.2.0.1", "10.2.0.2", "modbus", 502);
        List<Finding> f = run(b, ZONES, "ER-11");
        assertThat(statuses(f)).containsExactly(Status.OBSERVATION);
        assertThat(f.get(0).communications()).containsExactly("10.2.0.1 -> 10.2.0.2 modbus/tcp:502");
        assertThat(statuses(run(new Built().flow("10.1.0.5", "10.2.0.1", "dnp3", 20000), ZONES, "ER-11"))).containsExactly(Status.EVIDENCE_OF_CONFORMITY);
    }

    @Test
    void er12RemoteAccessNotViaJumpHost() {
        Built b = new Built().flow("192.168.1.10", "10.2.0.1", "tcp", 3389).flow("10.1.0.9", "10.2.0.2", "tcp", 5900);
        List<Finding> f = run(b, ZONES, "ER-12");
        assertThat(f).extracting(Finding::status).containsExactlyInAnyOrder(Status.NONCONFORMITY, Status.EVIDENCE_OF_CONFORMITY);
        assertThat(f.stream().filter(x -> x.status() == Status.NONCONFORMITY).findFirst().orElseThrow().basis()).contains("server port only");
        assertThat(run(new Built().flow("192.168.1.10", "192.168.1.11", "tcp", 3389), ZONES, "ER-12")).isEmpty();
    }

    @Test
    void er13CleartextCredentialsWithoutTheSecret() {
        Built b = new Built().flow("10.1.0.5", "10.2.0.1", "tcp", 23).flow("10.1.0.5", "10.2.0.1", "udp", 161);
        assertThat(statuses(run(b, null, "ER-13"))).containsExactlyInAnyOrder(Status.NONCONFORMITY, Status.OBSERVATION);
        assertThat(run(new Built().flow("10.1.0.5", "10.2.0.1", "tcp", 22), null, "ER-13")).isEmpty();
        // issue #21: SNMP whose version could not be told is not "credentials travel in cleartext"
        assertThat(run(b, null, "ER-13")).filteredOn(f -> f.summary().startsWith("SNMP")).singleElement()
                .satisfies(f -> assertThat(f.summary()).doesNotContain("credentials travel in cleartext").contains("version not decoded"));
    }

    @Test
    void er15TimeSources() {
        Built internal = new Built().asset("10.2.0.1", "plc").flow("10.2.0.1", "10.1.0.1", "udp", 123);
        assertThat(statuses(run(internal, ZONES, "ER-15"))).containsExactly(Status.EVIDENCE_OF_CONFORMITY);
        Built external = new Built().asset("10.2.0.1", "plc").flow("10.2.0.1", "129.6.15.28", "udp", 123);
        assertThat(statuses(run(external, ZONES, "ER-15"))).containsExactly(Status.NONCONFORMITY);
        Built none = new Built().asset("10.2.0.1", "plc").flow("10.1.0.5", "10.2.0.1", "modbus", 502);
        // issue #21: a 1 s window is shorter than the minimum (1 h): absence is not judged, the rule is not evaluated
        EvidenceEngine.Result shortWindow = EvidenceEngine.evaluate(none.inventory(), ZONES, null);
        assertThat(shortWindow.findings()).noneMatch(f -> f.ruleId().equals("ER-15"));
        assertThat(shortWindow.notEvaluated().get("ER-15")).contains("shorter than the minimum 1 h");
        EvidenceEngine.Settings anyWindow = new EvidenceEngine.Settings(0);
        assertThat(EvidenceEngine.evaluate(none.inventory(), ZONES, null, anyWindow).findings()).filteredOn(f -> f.ruleId().equals("ER-15"))
                .extracting(Finding::status).containsExactly(Status.OBSERVATION);
        // DNP3 time writes to the device are time synchronisation
        Built dnp3Time = new Built().asset("10.2.0.1", "rtu").flow("10.1.0.5", "10.2.0.1", "dnp3", 20000, new Inventory.Detail("timeSync", "write", 1));
        assertThat(EvidenceEngine.evaluate(dnp3Time.inventory(), ZONES, null, anyWindow).findings()).filteredOn(f -> f.ruleId().equals("ER-15"))
                .extracting(Finding::summary).noneMatch(x -> x.startsWith("No time synchronisation"));
    }

    @Test
    void er17UnneededServicesOnFieldDevices() {
        Built b = new Built().asset("10.2.0.1", "plc", svc("modbus", "server", 502), svc("tcp", "server", 80), svc("tcp", "server", 21));
        List<Finding> f = run(b, null, "ER-17");
        assertThat(f).hasSize(1);
        assertThat(f.get(0).summary()).contains("HTTP").contains("FTP");
        assertThat(run(new Built().asset("10.1.0.5", "hmi", svc("tcp", "server", 80)), null, "ER-17")).isEmpty();
    }

    @Test
    void er19MonitoringFromTheOrganisationsCollectorsNotFromThisCapture() {
        // issue #21: the tool having run is not monitoring evidence; without declared collectors the rule is not evaluated
        Built b = new Built().asset("10.2.0.1", "plc").asset("10.2.0.2", "plc").flow("10.2.0.1", "10.1.0.30", "udp", 514);
        EvidenceEngine.Result none = EvidenceEngine.evaluate(b.inventory(), ZONES, null);
        assertThat(none.findings()).noneMatch(f -> f.ruleId().equals("ER-19"));
        assertThat(none.notEvaluated().get("ER-19")).contains("monitoring:");
        SiteContext site = new SiteContext("t", ZONES.zones(), List.of(), List.of(), List.of(), List.of(), List.of(), null,
                List.of(Cidr.parse("10.1.0.30")), List.of());
        List<Finding> f = run(b, site, "ER-19");
        assertThat(statuses(f)).containsExactlyInAnyOrder(Status.EVIDENCE_OF_CONFORMITY, Status.OBSERVATION);
        assertThat(f).filteredOn(x -> x.status() == Status.OBSERVATION).singleElement().satisfies(x -> assertThat(x.assets()).containsExactly("10.2.0.2"));
        assertThat(f).allMatch(x -> !x.wholeScope());
    }

    @Test
    void findingsPerRuleAreCapped() {
        Built b = new Built();
        for (int i = 0; i < Findings.MAX_PER_RULE + 7; i++) b.flow("10.0." + (i >> 8) + "." + (i & 255), "10.9.0.1", "tcp", 23);
        EvidenceEngine.Result r = EvidenceEngine.evaluate(b.inventory(), null, null);
        assertThat(r.findings().stream().filter(f -> f.ruleId().equals("ER-13"))).hasSize(Findings.MAX_PER_RULE);
        assertThat(r.dropped()).containsEntry("ER-13", 7L);
    }

    @Test
    void findingsCarryTimesAndAreDeterministic() {
        Built b = new Built().flow("10.1.0.5", "10.2.0.1", "tcp", 23).flow("10.1.0.6", "10.2.0.1", "tcp", 21);
        List<Finding> a = EvidenceEngine.evaluate(b.inventory(), ZONES, null).findings();
        List<Finding> c = EvidenceEngine.evaluate(b.inventory(), ZONES, null).findings();
        assertThat(a).isEqualTo(c);
        Finding f = a.stream().filter(x -> x.ruleId().equals("ER-13")).findFirst().orElseThrow();
        assertThat(f.firstSeen()).isEqualTo(Built.T0 + 100);
        assertThat(f.evidenceTimes()).containsExactly(Built.T0 + 100, Built.T0 + 900);
    }
}
