package io.gridscout.protocols.iec104;

import org.junit.jupiter.api.Tag;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Real IEC 104 captures replayed through the decoder; tshark's truth file is the oracle. */
class Iec104CaptureTest {
    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"iec104-iti-JavaRMI_and_IEC_Misc.pcap", "iec104-iti-TestDissectIec104.pcap"})
    @SuppressWarnings("unchecked")
    void rolesAndCommonAddressesMatchTruth(String capture) throws Exception {
        List<RecordingSession> sessions = Captures.replay(capture, 2404, "iec104", Iec104Decoder::new);
        List<Fact> facts = Captures.facts(sessions);
        Map<String, Object> truth = Captures.truth(capture);
        Captures.assertRoles(facts, truth, "iec104", "iec104");

        Set<Long> expectedCa = new TreeSet<>();
        Map<String, Object> bySender = (Map<String, Object>) ((Map<String, Object>) truth.get("iec104")).get("common_addresses_by_sender");
        for (Object l : bySender.values()) for (Object v : (List<Object>) l) expectedCa.add((Long) v);
        Set<Long> seenCa = new TreeSet<>();
        for (Fact f : facts) {
            if (f instanceof Fact.ServiceDetail d && d.name().equals("commonAddresses")) {
                assertThat(d.role()).isEqualTo("server");
                assertThat(d.endpoint().port()).isEqualTo(2404);
                seenCa.add((Long) d.value());
            }
        }
        assertThat(seenCa).isEqualTo(expectedCa);
        // TestDissectIec104 is a dissector test with deliberately broken APDUs; the others are clean
        if (!capture.contains("TestDissect")) for (RecordingSession s : sessions) assertThat(s.malformed).isEmpty();
    }

    /** The same on this project's own captures, in the README's test command. */
    @ParameterizedTest
    @ValueSource(strings = {"iec104-peer-j60870.pcap"})
    void rolesAndCommonAddressesMatchTruthOnOwnCaptures(String capture) throws Exception {
        rolesAndCommonAddressesMatchTruth(capture);
    }

    @org.junit.jupiter.api.Test
    void j60870CommandsAreCountedAsOperations() throws Exception {
        List<RecordingSession> sessions = Captures.replay("iec104-peer-j60870.pcap", 2404, "iec104", Iec104Decoder::new);
        assertThat(sessions).hasSize(1);
        RecordingSession s = sessions.get(0);
        // interrogation, clock sync, counter interrogation, single command select + execute (tshark: client types 45,100,101,103)
        assertThat(s.operations).containsEntry("100 C_IC_NA_1 read", 1L)
                .containsEntry("103 C_CS_NA_1 diagnostic", 1L)
                .containsEntry("101 C_CI_NA_1 read", 1L)
                .containsEntry("45 C_SC_NA_1 control", 2L);
        assertThat(s.details).containsKeys("apci=STARTDT act", "apci=STARTDT con", "apci=TESTFR act", "apci=STOPDT con");
        assertThat(s.serverSide()).isEqualTo(1);
    }

    @Tag(Captures.SHARED)
    @org.junit.jupiter.api.Test
    void testDissectCaptureSetpointsAndCommands() throws Exception {
        List<RecordingSession> sessions = Captures.replay("iec104-iti-TestDissectIec104.pcap", 2404, "iec104", Iec104Decoder::new);
        Set<String> ops = new TreeSet<>();
        for (RecordingSession s : sessions) ops.addAll(s.operations.keySet());
        // tshark: the client sends types 24?, 26?, 45, 46, 100, 103; commands with COT act are counted
        assertThat(ops).contains("45 C_SC_NA_1 control", "46 C_DC_NA_1 control", "100 C_IC_NA_1 read");
    }
}
