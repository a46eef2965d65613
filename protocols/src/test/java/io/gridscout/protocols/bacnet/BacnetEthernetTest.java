package io.gridscout.protocols.bacnet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.llc.LlcProtocol;
import io.gridscout.protocols.pipeline.Pipeline;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** BACnet over Ethernet (ASHRAE 135 clause 7: 802.3 + LLC 82 82 03 + NPDU) built byte by byte, and a real capture. */
public class BacnetEthernetTest {
    static final String DEVICE = "00:e0:c9:00:10:a5";
    static final String ROUTER = "00:e0:c9:00:10:a6";

    /** Unconfirmed I-Am (service 0): device object id, max APDU 1476, segmentation none (3), vendor id. */
    static byte[] iAm(int instance, int vendor) {
        int oid = (8 << 22) | instance;
        return L2Frames.bytes().b(0x10, 0x00).b(0xC4).u32(oid).b(0x22).u16(1476).b(0x91, 0x03).b(0x21, vendor).bytes();
    }

    static byte[] frame(String src, byte[] npdu) {
        byte[] llc = L2Frames.bytes().b(0x82, 0x82, 0x03).raw(npdu).bytes();
        return L2Frames.ieee8023("ff:ff:ff:ff:ff:ff", src, llc);
    }

    static List<byte[]> frames() {
        return List.of(
                frame(DEVICE, L2Frames.bytes().b(0x01, 0x00).raw(iAm(123, 42)).bytes()),                 // local device
                frame(ROUTER, L2Frames.bytes().b(0x01, 0x08).u16(3).b(1, 0x05).raw(iAm(17, 24)).bytes()), // SNET 3, SADR 05
                frame(DEVICE, L2Frames.bytes().b(0x01, 0x00).raw(iAm(123, 42)).bytes()));                 // repeated
    }

    @Test
    void iAmOverLlcIsTheSendersIdentity(@TempDir Path tmp) throws Exception {
        List<Fact> facts = L2Frames.run(List.of(), List.of(new LlcProtocol()), frames());
        long device = Mac.parse(DEVICE), router = Mac.parse(ROUTER);
        List<String> values = new ArrayList<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Identity i) {
                assertThat(i.endpoint().mac()).isEqualTo(device);
                assertThat(i.endpoint().ip()).isNull();
                values.add(i.name() + "=" + i.value());
            } else if (f instanceof Fact.ServiceDetail d) {
                assertThat(d.endpoint().mac()).isEqualTo(router);
                assertThat(d.transport()).isEqualTo(Transport.ETHERNET);
                values.add(d.role() + " " + d.name() + "=" + d.value());
            }
        }
        assertThat(values).containsExactlyInAnyOrder("deviceInstance=123", "vendorId=42",
                "vendor=" + BacnetDecoder.VENDORS.name(42),
                "router routedDevices=3:05 device 17; deviceInstance=17", "router routedDevices=3:05 device 17; vendorId=24",
                "router routedDevices=3:05 device 17; vendor=" + BacnetDecoder.VENDORS.name(24));
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("bacnet") && s.role().equals("server")
                && s.endpoint().mac() == device && s.transport() == Transport.ETHERNET);
        assertThat(facts).noneMatch(f -> f instanceof Fact.Malformed);

        // oracle: tshark decodes the same frames as llc -> bacnet -> bacapp with the same instances and vendors
        Path pcap = L2Frames.writePcap(tmp, "bacnet-eth.pcap", frames());
        List<String[]> rows = Captures.tshark(pcap, "bacapp", "eth.src", "llc.dsap", "bacnet.snet", "bacapp.instance_number",
                "bacapp.vendor_identifier");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(DEVICE, "0x82", "", "123", "42");
        assertThat(rows.get(1)).containsExactly(ROUTER, "0x82", "3", "17", "24");
    }

    @Test
    void cdpAndBacnetShareTheLlcDispatcher() {
        byte[] cdp = io.gridscout.protocols.cdp.CdpProtocolTest.cdp();
        byte[] stp = L2Frames.ieee8023("01:80:c2:00:00:00", DEVICE, L2Frames.bytes().b(0x42, 0x42, 0x03).zeros(35).bytes());
        List<byte[]> all = new ArrayList<>(frames());
        all.add(cdp);
        all.add(stp);
        List<Fact> facts = L2Frames.run(Protocols.ipProtocols(), Protocols.etherTypeProtocols(), all);
        assertThat(L2Frames.identities(facts)).contains("deviceInstance=123", "model=cisco IE-4000-8GT4G-E");
        assertThat(facts).noneMatch(f -> f instanceof Fact.Malformed);
    }

    @Test
    void sendersAreBounded() {
        List<Fact> facts = new ArrayList<>();
        BacnetEthernet b = new BacnetEthernet(facts::add);
        byte[] f = frame(DEVICE, L2Frames.bytes().b(0x01, 0x00).raw(iAm(1, 1)).bytes());
        for (int i = 0; i < BacnetEthernet.MAX_SENDERS + 10; i++) b.onFrame(0x020000000000L + i, -1, f, 14, f.length - 14, i);
        assertThat(b.senders()).isLessThanOrEqualTo(BacnetEthernet.MAX_SENDERS);
        assertThat(b.evictions()).isEqualTo(BacnetEthernet.MAX_SENDERS);
    }

    public static List<Fact> pipeline(Path file) throws Exception {
        List<Fact> facts = new ArrayList<>();
        FactSink sink = facts::add;
        Pipeline p = new Pipeline(sink, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), FlowTable.Limits.defaults());
        try (CaptureReader r = io.gridscout.protocols.capture.Captures.open(file)) {
            while (r.next()) p.frame(r.linkType(), r.data(), r.offset(), r.capturedLength(), r.originalLength(), r.timestampNanos());
        }
        p.finish();
        return facts;
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        BacnetEthernet b = new BacnetEthernet(f -> { });
        b.onFrame(1, 2, data, 0, data.length, 0);
        byte[] framed = new byte[data.length + 3];
        framed[0] = (byte) 0x82;
        framed[1] = (byte) 0x82;
        framed[2] = 3;
        System.arraycopy(data, 0, framed, 3, data.length);
        b.onFrame(1, 2, framed, 0, framed.length, 0);
        new LlcProtocol().newDecoder(f -> { }).onFrame(0, 1, 2, -1, framed, 0, framed.length, 0);
    }
}
