package io.gridscout.protocols.synphasor;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SynphasorDecoderTest {
    private static final String PCAP = "synphasor-iti-C37.118_1PMU_TCP.pcap";

    @Tag(Captures.SHARED)
    @SuppressWarnings("unchecked")
    @Test
    void pmuStationsAndIdcodesFromTruth() throws Exception {
        List<RecordingSession> sessions = Captures.replay(Captures.pcap(PCAP), "tcp.port==4712", new SynphasorSpec());
        List<Fact> facts = Captures.facts(sessions);
        List<String> values = Captures.values(facts);
        Map<String, Object> truth = (Map<String, Object>) ((Map<String, Object>) Captures.truth(PCAP)).get("synphasor");
        Map<String, Object> pmus = (Map<String, Object>) truth.get("pmus");
        assertThat(pmus).isNotEmpty();
        for (var e : pmus.entrySet()) {
            Map<String, Object> pmu = (Map<String, Object>) e.getValue();
            for (Object s : (List<Object>) pmu.get("station_names")) {
                assertThat(values).contains("stations=" + s + " @" + e.getKey(), "name=" + s + " @" + e.getKey());
            }
            for (Object id : (List<Object>) pmu.get("idcodes")) assertThat(values).contains("idcode=" + id + " @" + e.getKey());
        }
        RecordingSession s = sessions.get(0);
        assertThat(s.serverSide()).isEqualTo(s.endpoint(0).port() == 4712 ? 0 : 1);
        assertThat(s.operations).containsKeys("5 SEND_CFG2 read", "2 TURN_ON_TRANSMISSION control", "1 TURN_OFF_TRANSMISSION control");
        // data frames counted, matching tshark's count
        int dataFrames = Captures.tshark(Captures.pcap(PCAP), "synphasor.frtype == 0", "frame.number").size();
        assertThat(s.details.get("frame=data")).isEqualTo((long) dataFrames);
        assertThat(s.malformed).isEmpty();
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service v && v.role().equals("server") && v.endpoint().port() == 4712);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service v && v.role().equals("client") && v.endpoint().port() != 4712);
    }

    @Tag(Captures.SHARED)
    @Test
    void byteAtATimeSegmentationGivesTheSameFacts() throws Exception {
        List<String[]> rows = Captures.tshark(Captures.pcap(PCAP), "tcp.len>0 and frame.number < 12", "tcp.srcport", "tcp.payload");
        RecordingSession s = RecordingSession.tcp("synphasor", 4712);
        SynphasorDecoder d = new SynphasorDecoder(s);
        for (String[] r : rows) {
            byte[] b = java.util.HexFormat.of().parseHex(r[1]);
            int side = r[0].equals("4712") ? 1 : 0;
            for (int i = 0; i < b.length; i++) d.onData(side, b, i, 1, 1);
        }
        assertThat(Captures.values(s.facts)).contains("name=Blue PMU @10.0.0.2:4712", "idcode=241 @10.0.0.2:4712");
        assertThat(s.malformed).isEmpty();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession tcp = RecordingSession.tcp("synphasor", 4712);
        SynphasorDecoder d = new SynphasorDecoder(tcp);
        d.onData(0, data, 0, data.length, 0);
        d.onData(1, data, 0, data.length, 0);
        RecordingSession udp = new RecordingSession("synphasor", Transport.UDP, tcp.endpoint(0), tcp.endpoint(1));
        new SynphasorDecoder(udp).onData(1, data, 0, data.length, 0);
        new SynphasorSpec().matches(data, 0, data.length, true, Transport.TCP);
    }
}
