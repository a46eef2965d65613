package io.gridscout.protocols.pipeline;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ARP (RFC 826) announcements and a duplicate address built byte by byte; tshark flags the duplicate too. */
class ArpConflictTest {
    static byte[] arp(int op, String senderMac, String senderIp, String targetIp) {
        byte[] body = L2Frames.bytes().u16(1).u16(0x0800).b(6, 4).u16(op).raw(L2Frames.mac(senderMac)).raw(L2Frames.ip4(senderIp))
                .zeros(6).raw(L2Frames.ip4(targetIp)).bytes();
        return L2Frames.ethernet("ff:ff:ff:ff:ff:ff", senderMac, 0x0806, body);
    }

    @Test
    void gratuitousAndConflict(@TempDir Path tmp) throws Exception {
        String a = "00:00:00:00:0a:01", b = "00:00:00:00:0b:02";
        List<byte[]> frames = List.of(
                arp(1, a, "10.4.0.7", "10.4.0.7"),        // gratuitous announcement
                arp(1, a, "10.4.0.7", "10.4.0.1"),
                arp(2, b, "10.4.0.7", "10.4.0.1"),        // second MAC claims the address a second later
                arp(2, b, "10.4.0.7", "10.4.0.1"),
                arp(1, a, "10.4.0.8", "10.4.0.1"));
        List<Fact> facts = L2Frames.run(List.of(), List.of(), frames);
        assertThat(facts).filteredOn(f -> f instanceof Fact.Identity).map(f -> (Fact.Identity) f)
                .extracting(i -> i.endpoint().ip() + " " + i.name() + "=" + i.value() + " " + i.source())
                .containsExactly("10.4.0.7 gratuitousArp=true arp", "10.4.0.7 arpConflict=00:00:00:00:0a:01,00:00:00:00:0b:02 arp");

        Path pcap = L2Frames.writePcap(tmp, "arp.pcap", frames);
        assertThat(Captures.tshark(pcap, "arp.isgratuitous == 1", "arp.src.proto_ipv4")).hasSize(1);
        assertThat(Captures.tshark(pcap, "arp.duplicate-address-detected", "arp.src.hw_mac")).isNotEmpty();
    }
}
