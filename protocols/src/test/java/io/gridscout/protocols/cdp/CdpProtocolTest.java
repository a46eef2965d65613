package io.gridscout.protocols.cdp;

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

/** A CDPv2 frame built from Cisco's published TLV layout, checked against our decoder and tshark. */
public class CdpProtocolTest {
    static final String SRC = "00:1b:54:aa:bb:01";

    static L2Frames.Bytes tlv(L2Frames.Bytes b, int type, byte[] v) {
        return b.u16(type).u16(4 + v.length).raw(v);
    }

    public static byte[] cdp() {
        L2Frames.Bytes b = L2Frames.bytes().b(0xAA, 0xAA, 0x03, 0, 0, 0x0C).u16(0x2000);   // LLC SNAP, Cisco, CDP
        b.b(2, 180).u16(0);                                                            // version 2, ttl, checksum
        tlv(b, 0x0001, L2Frames.bytes().ascii("sw-pvp07-core").bytes());
        tlv(b, 0x0002, L2Frames.bytes().u32(1).b(1, 1, 0xCC).u16(4).raw(L2Frames.ip4("10.7.0.1")).bytes());
        tlv(b, 0x0003, L2Frames.bytes().ascii("GigabitEthernet0/1").bytes());
        tlv(b, 0x0004, L2Frames.bytes().u32(0x28).bytes());                               // switch, igmp
        tlv(b, 0x0005, L2Frames.bytes().ascii("Cisco IOS Software, IE4000 Version 15.2(7)E4").bytes());
        tlv(b, 0x0006, L2Frames.bytes().ascii("cisco IE-4000-8GT4G-E").bytes());
        tlv(b, 0x000A, L2Frames.bytes().u16(70).bytes());
        return L2Frames.ieee8023("01:00:0c:cc:cc:cc", SRC, b.bytes());
    }

    @Test
    void identityOfTheSender(@TempDir Path tmp) throws Exception {
        List<byte[]> frames = List.of(cdp(), cdp());
        List<Fact> facts = L2Frames.run(List.of(), List.of(new CdpProtocol()), frames);
        assertThat(L2Frames.identities(facts)).containsExactlyInAnyOrder("name=sw-pvp07-core", "managementAddress=10.7.0.1",
                "portId=GigabitEthernet0/1", "cdpCapabilities=switch,igmp",
                "description=Cisco IOS Software, IE4000 Version 15.2(7)E4", "model=cisco IE-4000-8GT4G-E", "nativeVlan=70");

        Path pcap = L2Frames.writePcap(tmp, "cdp.pcap", frames);
        String[] row = Captures.tshark(pcap, "cdp", "cdp.deviceid", "cdp.platform", "cdp.portid", "cdp.nrgyz.ip_address",
                "cdp.native_vlan", "cdp.software_version").get(0);
        assertThat(row[0]).isEqualTo("sw-pvp07-core");
        assertThat(row[1]).isEqualTo("cisco IE-4000-8GT4G-E");
        assertThat(row[2]).isEqualTo("GigabitEthernet0/1");
        assertThat(row[4]).isEqualTo("70");
        assertThat(row[5]).contains("IE4000 Version 15.2(7)E4");
    }

    @Test
    void otherLlcFramesAreLeftAlone() {
        byte[] stp = L2Frames.ieee8023("01:80:c2:00:00:00", SRC, L2Frames.bytes().b(0x42, 0x42, 0x03).zeros(35).bytes());
        List<Fact> facts = L2Frames.run(List.of(), List.of(new CdpProtocol()), List.of(stp));
        assertThat(facts).noneMatch(f -> f instanceof Fact.Identity || f instanceof Fact.Malformed);
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        List<Fact> facts = new ArrayList<>();
        byte[] framed = L2Frames.bytes().b(0xAA, 0xAA, 0x03, 0, 0, 0x0C).u16(0x2000).raw(data).bytes();
        CdpProtocol.Decoder d = new CdpProtocol().newDecoder(facts::add);
        d.onFrame(0, 1L, 2L, -1, framed, 0, framed.length, 0);
        d.onFrame(0, 1L, 2L, -1, data, 0, data.length, 0);
    }
}
