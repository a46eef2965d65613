package io.gridscout.protocols.bacnet;

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

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"bacnet-cisagov-bacnet_error_reject_abort.pcap", "bacnet-cisagov-bacnet_example.pcap",
            "bacnet-cisagov-bacnet_services.pcap", "bacnet-iti-bacnet_test.pcap"})
    void truthDeviceInstancesAndVendorsAreReported(String pcap) throws Exception {
        List<RecordingSession> sessions = Captures.replay(Captures.pcap(pcap), "bvlc", new BacnetSpec());
        List<String> values = Captures.values(Captures.facts(sessions));
        Map<String, Object> truth = (Map<String, Object>) ((Map<String, Object>) Captures.truth(pcap)).get("bacnet");
        for (var e : ((Map<String, Object>) truth.get("i_am")).entrySet()) {
            if (!e.getKey().contains(".")) continue; // BACnet over Ethernet (LLC, not BVLC) is not decoded here
            Map<String, Object> d = (Map<String, Object>) e.getValue();
            for (Object inst : (List<Object>) d.get("device_instances")) {
                assertThat(values).as(pcap + " instance " + inst).anyMatch(v -> v.startsWith("deviceInstance=" + inst + " @")
                        || v.startsWith("routedDevices=") && v.contains(" device " + inst + "; deviceInstance="));
            }
            for (Object vid : (List<Object>) d.get("vendor_ids")) {
                assertThat(values).as(pcap + " vendor " + vid).anyMatch(v -> v.startsWith("vendorId=" + vid + " @") || v.contains("; vendorId=" + vid + " @"));
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
