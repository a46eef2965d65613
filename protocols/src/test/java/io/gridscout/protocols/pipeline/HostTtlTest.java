package io.gridscout.protocols.pipeline;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HostSeen carries the TTL of the frame that made the host heard, so the inventory can tell a router's own address
 * (initial TTL) from the addresses it forwards (decremented TTL) behind the same MAC.
 */
class HostTtlTest {
    static byte[] withTtl(byte[] frame, int ttl) {
        frame[14 + 8] = (byte) ttl;   // Ethernet header, then IPv4 TTL at offset 8 (checksum is not what the decoder checks)
        return frame;
    }

    @Test
    void hostSeenCarriesTtl() {
        String router = "08:5b:0e:ae:65:3b";
        List<byte[]> frames = List.of(
                withTtl(L2Frames.udp(router, "01:00:5e:00:00:01", "192.168.15.89", 40000, "232.0.0.1", 102, new byte[] {1, 2, 3, 4}), 63),
                withTtl(L2Frames.udp(router, "01:00:5e:00:00:0d", "10.10.10.2", 40001, "224.0.0.13", 9999, new byte[] {5, 6, 7, 8}), 1));
        List<Fact.HostSeen> seen = L2Frames.run(List.of(), List.of(), frames).stream()
                .filter(f -> f instanceof Fact.HostSeen h && h.ip() != null).map(f -> (Fact.HostSeen) f).toList();
        assertThat(seen).extracting(h -> h.ip() + " " + h.ttl() + " " + h.unrouted())
                .containsExactly("192.168.15.89 63 false", "10.10.10.2 1 true");
    }
}
