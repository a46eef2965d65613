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

    @Test
    void macRoundTrip() {
        long m = Mac.parse("04:0E:3C:1F:4B:C1");
        assertThat(Mac.format(m)).isEqualTo("04:0e:3c:1f:4b:c1");
        assertThat(Mac.isGroup(Mac.parse("01:0c:cd:01:00:01"))).isTrue();
        assertThat(Mac.isGroup(m)).isFalse();
    }
}
