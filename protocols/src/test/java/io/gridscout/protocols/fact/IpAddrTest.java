package io.gridscout.protocols.fact;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddrTest {
    @Test
    void formatsV4AndCompressedV6() {
        assertThat(IpAddr.v4(0xC0A80106).toString()).isEqualTo("192.168.1.6");
        assertThat(IpAddr.parse("fe80::1").toString()).isEqualTo("fe80::1");
        assertThat(IpAddr.parse("2001:db8:0:0:1:0:0:1").toString()).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddr.parse("::").toString()).isEqualTo("::");
        assertThat(IpAddr.parse("10.0.0.1").isV4()).isTrue();
        assertThat(IpAddr.parse("::1").isV4()).isFalse();
    }

    /** A structured address plan must not pile up in a few HashMap buckets (it did: 116 hosts in 15). */
    @Test
    void structuredAddressPlanSpreadsOverHashMapBuckets() {
        int table = 256;                                   // HashMap's table for ~120 keys
        int[] load = new int[table];
        int n = 0;
        for (int site = 0; site < 6; site++) {
            for (int host = 2; host < 22; host++) {
                int h = IpAddr.v4((10 << 24) | (site << 8) | host).hashCode();
                load[(h ^ (h >>> 16)) & (table - 1)]++;      // HashMap's own bucket choice
                n++;
            }
        }
        int max = java.util.Arrays.stream(load).max().orElse(0);
        long used = java.util.Arrays.stream(load).filter(c -> c > 0).count();
        assertThat(max).as("largest bucket of %d addresses", n).isLessThanOrEqualTo(4);
        assertThat(used).isGreaterThan(n * 2L / 3);
        assertThat(IpAddr.parse("10.0.1.2")).isEqualTo(IpAddr.v4(0x0A000102)).hasSameHashCodeAs(IpAddr.v4(0x0A000102));
    }

    @Test
    void macRoundTrip() {
        long m = Mac.parse("04:0E:3C:1F:4B:C1");
        assertThat(Mac.format(m)).isEqualTo("04:0e:3c:1f:4b:c1");
        assertThat(Mac.isGroup(Mac.parse("01:0c:cd:01:00:01"))).isTrue();
        assertThat(Mac.isGroup(m)).isFalse();
    }
}
