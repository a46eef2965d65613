package io.gridscout.protocols.lldp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An LLDPDU built from IEEE 802.1AB-2016 clause 8, checked against our decoder and tshark. */
class LldpProtocolTest {
    static final String SRC = "00:0a:dc:11:22:33";

    static L2Frames.Bytes tlv(L2Frames.Bytes b, int type, byte[] v) {
        return b.u16((type << 9) | v.length).raw(v);
    }

    static byte[] lldpdu() {
        L2Frames.Bytes b = L2Frames.bytes();
        tlv(b, 1, L2Frames.bytes().b(4).raw(L2Frames.mac(SRC)).bytes());                // chassis id: MAC
        tlv(b, 2, L2Frames.bytes().b(5).ascii("Port 7").bytes());                     // port id: interface name
        tlv(b, 3, L2Frames.bytes().u16(120).bytes());                                 // TTL
        tlv(b, 4, L2Frames.bytes().ascii("Bay Q01 uplink").bytes());
        tlv(b, 5, L2Frames.bytes().ascii("RSG2300-PVP07").bytes());
        tlv(b, 6, L2Frames.bytes().ascii("RUGGEDCOM RSG2300 ROS v5.6.0").bytes());
        tlv(b, 7, L2Frames.bytes().u16(0x0014).u16(0x0004).bytes());                  // bridge+router, bridge enabled
        tlv(b, 8, L2Frames.bytes().b(5, 1).raw(L2Frames.ip4("10.7.0.2")).b(2).u32(1).b(0).bytes());
        tlv(b, 0, new byte[0]);
        return L2Frames.ethernet("01:80:c2:00:00:0e", SRC, 0x88CC, b.bytes());
    }

    @Test
    void identityOfTheSender(@TempDir Path tmp) throws Exception {
        List<byte[]> frames = List.of(lldpdu(), lldpdu());
        List<Fact> facts = L2Frames.run(List.of(), List.of(new LldpProtocol()), frames);
        assertThat(L2Frames.identities(facts)).containsExactlyInAnyOrder(
                "chassisId=00:0a:dc:11:22:33", "portId=Port 7", "portDescription=Bay Q01 uplink", "name=RSG2300-PVP07",
                "description=RUGGEDCOM RSG2300 ROS v5.6.0", "lldpCapabilities=bridge", "managementAddress=10.7.0.2");
        for (Fact f : facts) if (f instanceof Fact.Identity i) assertThat(i.source()).isEqualTo("lldp");
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity i && i.endpoint().ip() == null).hasSize(7);

        // tshark reads the same frame the same way
        Path pcap = L2Frames.writePcap(tmp, "lldp.pcap", frames);
        String[] row = Captures.tshark(pcap, "lldp", "lldp.tlv.system.name", "lldp.tlv.system.desc", "lldp.chassis.id.mac",
                "lldp.port.id", "lldp.mgn.addr.ip4", "lldp.tlv.enable_system_cap").get(0);
        assertThat(row[0]).isEqualTo("RSG2300-PVP07");
        assertThat(row[1]).isEqualTo("RUGGEDCOM RSG2300 ROS v5.6.0");
        assertThat(row[2]).isEqualTo(SRC);
        assertThat(row[3]).isEqualTo("Port 7");
        assertThat(row[4]).isEqualTo("10.7.0.2");
        assertThat(Integer.decode(row[5])).isEqualTo(0x0004);
    }

    @Test
    void truncatedTlvIsMalformedNotAnException() {
        byte[] f = lldpdu();
        byte[] cut = java.util.Arrays.copyOf(f, 14 + 2 + 7 + 2 + 3);             // inside the port id TLV
        List<Fact> facts = L2Frames.run(List.of(), List.of(new LldpProtocol()), List.of(cut));
        assertThat(facts).anyMatch(x -> x instanceof Fact.Malformed m && m.protocol().equals("lldp"));
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        List<Fact> facts = new ArrayList<>();
        new LldpProtocol().newDecoder(facts::add).onFrame(0x88CC, 1L, 2L, -1, data, 0, data.length, 0);
    }
}
