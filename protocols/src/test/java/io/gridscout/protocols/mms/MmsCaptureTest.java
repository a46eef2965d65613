package io.gridscout.protocols.mms;

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

/** Real MMS captures replayed through the ISO-on-TCP decoder; tshark's truth file is the oracle. */
class MmsCaptureTest {
    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"mms-iti-8d7c7db0-9804-012b-b2a6-0016cb8cea27.pcap", "goose-mms-iti-Sample_File_MMS_and_GOOSE.pcap"})
    @SuppressWarnings("unchecked")
    void rolesAndIdentifyMatchTruth(String capture) throws Exception {
        List<RecordingSession> sessions = Captures.replay(capture, 102, "iso-tsap", IsoOnTcpDecoder::new);
        List<Fact> facts = Captures.facts(sessions);
        Map<String, Object> truth = Captures.truth(capture);
        Captures.assertRoles(facts, truth, "mms", "mms");
        Captures.assertIdentityValues(facts, (Map<String, Object>) ((Map<String, Object>) truth.get("mms")).get("identify"), false);
        for (RecordingSession s : sessions) assertThat(s.malformed).as(capture).isEmpty();
    }

    /** The same on this project's own captures, in the README's test command. */
    @ParameterizedTest
    @ValueSource(strings = {"mms-peer-libiec61850-identify-siprotec.pcap", "mms-peer-openiec61850.pcap"})
    void rolesAndIdentifyMatchTruthOnOwnCaptures(String capture) throws Exception {
        rolesAndIdentifyMatchTruth(capture);
    }

    @Test
    void identifyAttributesAndLogicalDevices() throws Exception {
        List<RecordingSession> sessions = Captures.replay("mms-peer-libiec61850-identify-siprotec.pcap", 102, "iso-tsap",
                IsoOnTcpDecoder::new);
        List<Fact> facts = Captures.facts(sessions);
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity i && i.source().equals("mms.identify"))
                .map(f -> ((Fact.Identity) f).endpoint() + " " + ((Fact.Identity) f).name() + "=" + ((Fact.Identity) f).value())
                .containsExactlyInAnyOrder("127.0.0.10:102 vendor=Siemens", "127.0.0.10:102 model=SIPROTEC 5 7SJ82",
                        "127.0.0.10:102 firmware=V09.40.04");
        assertThat(logicalDevices(facts)).containsExactlyInAnyOrder("PVP07Q02MEAS", "PVP07Q02PROT");
        assertThat(facts).anyMatch(f -> f instanceof Fact.Identity i && i.name().equals("name") && i.value().equals("PVP07Q02"));
        RecordingSession s = sessions.get(0);
        assertThat(s.operations).containsKeys("2 identify read", "1 getNameList read", "4 read read", "5 write write");
    }

    @Test
    void openiec61850LogicalDevice() throws Exception {
        List<Fact> facts = Captures.facts(Captures.replay("mms-peer-openiec61850.pcap", 102, "iso-tsap",
                IsoOnTcpDecoder::new));
        assertThat(logicalDevices(facts)).containsExactly("PCC_REF615LD0");
        assertThat(facts).anyMatch(f -> f instanceof Fact.Identity i && i.name().equals("name")
                && i.value().equals("PCC_REF615LD0") && i.endpoint().port() == 102);
        // whole-structure reads of LLN0$DC$NamPlt (frames 29/30) and LPHD1$DC$PhyNam (31/32), see the peer MANIFEST
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity i && i.source().startsWith("mms.")
                        && !i.source().equals("mms.getNameList"))
                .map(f -> ((Fact.Identity) f).endpoint() + " " + ((Fact.Identity) f).source() + " "
                        + ((Fact.Identity) f).name() + "=" + ((Fact.Identity) f).value())
                .containsExactlyInAnyOrder("127.0.0.9:102 mms.NamPlt vendor=ABB", "127.0.0.9:102 mms.NamPlt firmware=5.0.2",
                        "127.0.0.9:102 mms.PhyNam vendor=ABB", "127.0.0.9:102 mms.PhyNam hardware=G",
                        "127.0.0.9:102 mms.PhyNam firmware=5.0 FP1", "127.0.0.9:102 mms.PhyNam serial=1VHR91234567",
                        "127.0.0.9:102 mms.PhyNam model=REF615",
                        "127.0.0.9:102 mms.PhyNam location=PV park 07, 20 kV switchgear, bay Q01");
    }

    @Test
    void libiec61850NamePlateAttributeReads() throws Exception {
        List<Fact> facts = Captures.facts(Captures.replay("mms-peer-libiec61850-identify-siprotec.pcap", 102,
                "iso-tsap", IsoOnTcpDecoder::new));
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity i && (i.source().equals("mms.NamPlt") || i.source().equals("mms.PhyNam")))
                .map(f -> ((Fact.Identity) f).source() + " " + ((Fact.Identity) f).name() + "=" + ((Fact.Identity) f).value())
                .containsExactlyInAnyOrder("mms.NamPlt vendor=Siemens", "mms.NamPlt firmware=V09.40.04",
                        "mms.NamPlt configRev=PVP07_Q02 2024-05-21 v3", "mms.PhyNam vendor=Siemens", "mms.PhyNam hardware=HW 03",
                        "mms.PhyNam firmware=V09.40.04", "mms.PhyNam serial=BF2305123456", "mms.PhyNam model=7SJ82",
                        "mms.PhyNam location=PV park 07, 20 kV switchgear, bay Q02");
    }

    private static List<String> logicalDevices(List<Fact> facts) {
        return facts.stream().filter(f -> f instanceof Fact.ServiceDetail d && d.name().equals("logicalDevices"))
                .map(f -> (String) ((Fact.ServiceDetail) f).value()).toList();
    }
}
