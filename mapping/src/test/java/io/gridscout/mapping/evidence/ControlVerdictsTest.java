package io.gridscout.mapping.evidence;

import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gridscout.mapping.evidence.Built.op;
import static io.gridscout.mapping.evidence.Built.svc;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue #21: the roll-up from findings to a control's state. */
class ControlVerdictsTest {
    static final String Y24 = ControlCatalog.ISO27019_2024, Y17 = ControlCatalog.ISO27019_2017;
    static final SiteContext PLANT = new SiteContext("p", List.of(new SiteContext.Zone("plant", "plant", List.of(Cidr.parse("10.2.0.0/16")))),
            List.of(Cidr.parse("10.2.0.5")), List.of(), List.of(), List.of(), List.of(), null);

    static ControlVerdicts.Verdict verdict(Built b, SiteContext site, String std, String control) {
        return ControlVerdicts.of(std, control, EvidenceEngine.evaluate(b.inventory(), site, null));
    }

    @Test
    void oneAllowedWriterDoesNotMakeProcessControlCommunicationConforming() {
        // cleartext Modbus writes, all from the one allowed writer: ER-06 is positive, ER-20 contradicts 8.37
        Built b = new Built().asset("10.2.0.1", "plc", svc("modbus", "server", 502)).flow("10.2.0.5", "10.2.0.1", "modbus", 502, op("write_single_register", "write"));
        ControlVerdicts.Verdict v = verdict(b, PLANT, Y24, "8.37");
        assertThat(v.state()).isEqualTo(ControlVerdicts.OBSERVATION);
        assertThat(v.restsOn()).extracting(ControlVerdicts.Basis::ruleId).contains("ER-06", "ER-20");
        assertThat(verdict(b, PLANT, Y17, "13.1.4").state()).isEqualTo(ControlVerdicts.OBSERVATION);
        assertThat(verdict(b, PLANT, Y24, "8.24").state()).isEqualTo(ControlVerdicts.OBSERVATION);
        // 8.22 rests on ER-06 (allowed writer: positive for 5.15/8.3 only) and ER-10 (one declared zone: nothing segregated)
        assertThat(verdict(b, PLANT, Y24, "8.22").state()).isEqualTo(ControlVerdicts.NO_EXCEPTION_OBSERVED);
        assertThat(verdict(b, PLANT, Y24, "5.15").state()).isEqualTo(ControlVerdicts.EVIDENCE_OF_CONFORMITY);
    }

    @Test
    void authenticatedControlOnEveryConduitIsConformity() {
        Built b = new Built().asset("10.2.0.1", "rtu", svc("dnp3", "outstation", 20000, "secureAuthentication", "true"))
                .flow("10.2.0.5", "10.2.0.1", "dnp3", 20000, op("DIRECT_OPERATE", "control"), op("AUTH_REQ", "other"));
        ControlVerdicts.Verdict v = verdict(b, PLANT, Y24, "8.37");
        assertThat(v.state()).isEqualTo(ControlVerdicts.EVIDENCE_OF_CONFORMITY);
        assertThat(v.reason()).contains("ER-20");
    }

    @Test
    void theToolHavingRunIsNotMonitoringEvidence() {
        Built b = new Built().asset("127.0.0.1", "unknown").flow("127.0.0.1", "127.0.0.1", "tcp", 8080);
        ControlVerdicts.Verdict v = verdict(b, null, Y24, "8.16");
        assertThat(v.state()).isEqualTo(ControlVerdicts.NOT_EVALUATED);
        assertThat(v.reason()).contains("monitoring:");
        assertThat(verdict(b, null, Y17, "A.12.4.1").state()).isEqualTo(ControlVerdicts.NOT_EVALUATED);
    }

    @Test
    void statesInOrderNotEvaluatedNoExceptionAndNotAssessable() {
        Built b = new Built().asset("10.2.0.1", "plc", svc("modbus", "server", 502)).flow("10.2.0.5", "10.2.0.1", "modbus", 502, op("read_holding_registers", "read"));
        // no register: inventory controls are not evaluated, with the reason
        ControlVerdicts.Verdict inv = verdict(b, null, Y24, "5.9");
        assertThat(inv.state()).isEqualTo(ControlVerdicts.NOT_EVALUATED);
        assertThat(inv.reason()).contains("register");
        // policy control: no rule
        assertThat(verdict(b, null, Y24, "5.1").state()).isEqualTo(ControlVerdicts.NOT_ASSESSABLE);
        // least functionality: ER-17 examined one field device and found nothing
        ControlVerdicts.Verdict lf = verdict(b, null, Y24, "8.39");
        assertThat(lf.state()).isEqualTo(ControlVerdicts.NO_EXCEPTION_OBSERVED);
        assertThat(lf.coverage()).contains("ER-17: 1 field devices examined");
        assertThat(lf.restsOn()).allMatch(x -> !x.cannotShow().isBlank());
        assertThat(ControlVerdicts.LEGEND).containsOnlyKeys(ControlVerdicts.NONCONFORMITY, ControlVerdicts.OBSERVATION, ControlVerdicts.EVIDENCE_OF_CONFORMITY,
                ControlVerdicts.NO_EXCEPTION_OBSERVED, ControlVerdicts.NOT_EVALUATED, ControlVerdicts.NOT_ASSESSABLE);
    }

    @Test
    void setUpUploadsAndStreamManagementAreNotControlOrProgramChanges() {
        Built b = new Built().asset("10.2.0.1", "plc", svc("enip", "server", 44818))
                .flow("10.2.0.5", "10.2.0.1", "enip", 44818, op("FORWARD_OPEN", "control"), op("FORWARD_CLOSE", "control"))
                .flow("10.2.0.6", "10.2.0.2", "s7comm", 102, op("START_UPLOAD", "program"), op("UPLOAD", "program"), op("END_UPLOAD", "program"))
                .flow("10.2.0.7", "10.2.0.3", "dlms", 4059, op("release", "control"))
                .flow("10.2.0.8", "10.2.0.4", "synphasor", 4712, op("TURN_ON_TRANSMISSION", "control"), op("TURN_OFF_TRANSMISSION", "control"));
        EvidenceEngine.Result r = EvidenceEngine.evaluate(b.inventory(), PLANT, null);
        assertThat(r.findings()).noneMatch(f -> f.ruleId().equals("ER-07") || f.ruleId().equals("ER-20") || f.ruleId().equals("ER-06"));
        // controller state changes are findings
        Built stop = new Built().flow("10.2.0.5", "10.2.0.1", "s7comm", 102, op("PLC_STOP", "control"))
                .flow("10.2.0.5", "10.2.0.2", "modbus", 502, op("stop_plc", "control"))
                .flow("10.2.0.5", "10.2.0.3", "iec104", 2404, op("C_RP_NA_1", "control"))
                .flow("10.2.0.5", "10.2.0.4", "bacnet", 47808, op("DEVICE_COMMUNICATION_CONTROL", "control"))
                .flow("10.2.0.5", "10.2.0.6", "enip", 44818, op("RESET", "control"));
        assertThat(EvidenceEngine.evaluate(stop.inventory(), PLANT, null).findings()).filteredOn(f -> f.ruleId().equals("ER-07")).hasSize(5);
    }

    @Test
    void cip012OnlyForDeclaredInterControlCentreFlows() {
        Built b = new Built().asset("10.1.0.2", "rtu", svc("iec104", "server", 2404)).flow("10.1.0.1", "10.1.0.2", "iec104", 2404);
        EvidenceEngine.Result plain = EvidenceEngine.evaluate(b.inventory(), null, null);
        assertThat(plain.findings()).filteredOn(f -> f.ruleId().equals("ER-09")).allMatch(f -> !f.controls().get(ControlCatalog.NERC_CIP).contains("CIP-012-2 R1.1"));
        SiteContext icc = new SiteContext("c", List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null, List.of(),
                List.of(Cidr.parse("10.1.0.1"), Cidr.parse("10.1.0.2")));
        EvidenceEngine.Result declared = EvidenceEngine.evaluate(b.inventory(), icc, null);
        assertThat(declared.findings()).filteredOn(f -> f.ruleId().equals("ER-09")).allMatch(f -> f.controls().get(ControlCatalog.NERC_CIP).contains("CIP-012-2 R1.1"));
    }
}
