package io.gridscout.protocols.bacnet;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BacnetDecoderTest {

    @Tag(Captures.SHARED)
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"bacnet-cisagov-bacnet_error_reject_abort.pcap", "bacnet-cisagov-bacnet_example.pcap",
            "bacnet-cisagov-bacnet_services.pcap", "bacnet-iti-bacnet_test.pcap"})
    void truthDeviceInstancesAndVendorsAreReported(String pcap) throws Exception {
        List<RecordingSession> sessions = Captures.replay(Captures.pcap(pcap), "bvlc", new BacnetSpec());
        List<String> values = Captures.values(Captures.facts(sessions));
        Map<String, Object> truth = (Map<String, Object>) ((Map<String, Object>) Captures.truth(pcap)).get("bacnet");
        List<String> l2Values = null;
        for (var e : ((Map<String, Object>) truth.get("i_am")).entrySet()) {
            Map<String, Object> d = (Map<String, Object>) e.getValue();
            List<String> vs = values;
            String at = " @";
            if (!e.getKey().contains(".")) {
                // keyed by MAC: BACnet over Ethernet (LLC, no BVLC), decoded on the real packet path by BacnetEthernet
                if (l2Values == null) l2Values = Captures.values(BacnetEthernetTest.pipeline(Captures.pcap(pcap)));
                vs = l2Values;
                at = " @" + e.getKey();
            }
            String suffix = at;
            for (Object inst : (List<Object>) d.get("device_instances")) {
                assertThat(vs).as(pcap + " " + e.getKey() + " instance " + inst).anyMatch(v -> v.contains(suffix)
                        && (v.startsWith("deviceInstance=" + inst + " @")
                        || v.startsWith("routedDevices=") && v.contains(" device " + inst + "; deviceInstance=")));
            }
            for (Object vid : (List<Object>) d.get("vendor_ids")) {
                assertThat(vs).as(pcap + " " + e.getKey() + " vendor " + vid).anyMatch(v -> v.contains(suffix)
                        && (v.startsWith("vendorId=" + vid + " @") || v.contains("; vendorId=" + vid + " @")));
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession tcp = RecordingSession.tcp("bacnet", 47808);
        RecordingSession udp = new RecordingSession("bacnet", Transport.UDP, tcp.endpoint(0), tcp.endpoint(1));
        BacnetDecoder d = new BacnetDecoder(udp);
        d.onData(0, data, 0, data.length, 0);
        d.onData(1, data, 0, data.length, 0);
        new BacnetSpec().matches(data, 0, data.length, true, Transport.UDP);
    }
}
