package io.gridscout.protocols.s7comm;

import org.junit.jupiter.api.Tag;

import io.gridscout.protocols.cotp.IsoOnTcpDecoder;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Real S7comm captures replayed through the ISO-on-TCP decoder; tshark's truth file is the oracle. */
class S7CommCaptureTest {
    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"s7comm-cisagov-s7ident.pcap", "s7comm-iti-s7comm_reading_plc_status.pcap",
            "s7comm-iti-step7_s300_AuthPassword.pcapng", "s7comm-iti-wincc_s400_production.pcapng"})
    @SuppressWarnings("unchecked")
    void rolesAndIdentificationMatchTruth(String capture) throws Exception {
        List<RecordingSession> sessions = Captures.replay(capture, 102, "iso-tsap", IsoOnTcpDecoder::new);
        List<Fact> facts = Captures.facts(sessions);
        Map<String, Object> truth = Captures.truth(capture);
        Captures.assertRoles(facts, truth, "s7comm", "s7comm");
        Captures.assertIdentityValues(facts, (Map<String, Object>) ((Map<String, Object>) truth.get("s7comm")).get("identification"), true);
        for (RecordingSession s : sessions) assertThat(s.malformed).as(capture).isEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void snap7Identification() throws Exception {
        List<Fact> facts = Captures.facts(Captures.replay("s7comm-cisagov-s7ident.pcap", 102, "iso-tsap",
                IsoOnTcpDecoder::new));
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity).map(f -> ((Fact.Identity) f).name() + "=" + ((Fact.Identity) f).value())
                .contains("model=6ES7 315-2EH14-0AB0", "firmware=V3.2.6", "name=SNAP7-SERVER", "moduleName=CPU 315-2 PN/DP",
                        "serial=S C-C2UR28922012", "moduleTypeName=CPU 315-2 PN/DP", "copyright=Original Siemens Equipment");
        // the CR called TSAP 0x0101: PG connection to rack 0, slot 1 (Snap7 client)
        assertThat(facts).anyMatch(f -> f instanceof Fact.ServiceDetail d && d.name().equals("rackSlot") && d.value().equals("0/1"));
    }

    @Tag(Captures.SHARED)
    @Test
    void passwordAndReadVar() throws Exception {
        List<RecordingSession> auth = Captures.replay("s7comm-iti-step7_s300_AuthPassword.pcapng", 102, "iso-tsap",
                IsoOnTcpDecoder::new);
        assertThat(auth.get(0).details).containsKey("userdata=security password");
        List<RecordingSession> wincc = Captures.replay("s7comm-iti-wincc_s400_production.pcapng", 102, "iso-tsap",
                IsoOnTcpDecoder::new);
        assertThat(wincc.stream().flatMap(s -> s.operations.keySet().stream())).contains("4 READ_VAR read");
    }
}
