package io.gridscout.protocols.fact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void parsesEveryLiteralFormToTheRightBits() {
        assertThat(IpAddr.parse("0.0.0.0")).isEqualTo(IpAddr.v4(0));
        assertThat(IpAddr.parse("255.255.255.255")).isEqualTo(IpAddr.v4(-1));
        assertThat(IpAddr.parse("192.168.1.6")).isEqualTo(IpAddr.v4(0xC0A80106));
        assertThat(IpAddr.parse("::")).isEqualTo(new IpAddr(0, 0));
        assertThat(IpAddr.parse("::1")).isEqualTo(new IpAddr(0, 1));
        assertThat(IpAddr.parse("1::")).isEqualTo(new IpAddr(0x0001_0000_0000_0000L, 0));
        assertThat(IpAddr.parse("fe80::1")).isEqualTo(new IpAddr(0xFE80_0000_0000_0000L, 1));
        assertThat(IpAddr.parse("FE80::A:b")).isEqualTo(new IpAddr(0xFE80_0000_0000_0000L, 0x000A_000BL));
        assertThat(IpAddr.parse("2001:db8:0:0:1:0:0:1")).isEqualTo(new IpAddr(0x2001_0DB8_0000_0000L, 0x0001_0000_0000_0001L));
        assertThat(IpAddr.parse("2001:0db8:0000:0000:0001:0000:0000:0001")).isEqualTo(IpAddr.parse("2001:db8::1:0:0:1"));
        assertThat(IpAddr.parse("1:2:3:4:5:6:7::")).isEqualTo(new IpAddr(0x0001_0002_0003_0004L, 0x0005_0006_0007_0000L));
        assertThat(IpAddr.parse("::2:3:4:5:6:7:8")).isEqualTo(new IpAddr(0x0000_0002_0003_0004L, 0x0005_0006_0007_0008L));
        assertThat(IpAddr.parse("1:2:3::8")).isEqualTo(new IpAddr(0x0001_0002_0003_0000L, 0x0000_0000_0000_0008L));
        // embedded IPv4: IPv4-mapped is the IPv4 address itself (how packets store it), others stay IPv6
        assertThat(IpAddr.parse("::ffff:10.0.1.2")).isEqualTo(IpAddr.v4(0x0A000102));
        assertThat(IpAddr.parse("::FFFF:10.0.1.2").isV4()).isTrue();
        assertThat(IpAddr.parse("64:ff9b::192.0.2.33")).isEqualTo(new IpAddr(0x0064_FF9B_0000_0000L, 0xC000_0221L));
        assertThat(IpAddr.parse("1:2:3:4:5:6:1.2.3.4")).isEqualTo(new IpAddr(0x0001_0002_0003_0004L, 0x0005_0006_0102_0304L));
        assertThat(IpAddr.parse("::1.2.3.4")).isEqualTo(new IpAddr(0, 0x0102_0304L));
        assertThat(IpAddr.parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")).isEqualTo(new IpAddr(-1, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "cafe", "dead.beef", "beef", "a.b.c.d", "plc.example", "localhost", "10.0.0.1 ", " 10.0.0.1",
            "10.0.0", "10.0.0.1.", ".10.0.0.1", "10..0.1", "10.0.0.256", "10.0.0.1.5", "010.0.0.1", "10.0.0.01", "1.2.3.-4", "1.2.3.+4",
            "0x7f.0.0.1", "127.1", "2130706433", "1.2.3.4/24", "\u0661.2.3.4", "\uFF11.2.3.4", "1.2.3.\u0664",
            ":", ":::", "1:2", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
            "12345::1", "g::1", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "::01.2.3.4",
            "[::1]", "fe80::1%eth0", "fe80::1%1", "::1%", "cafe::beef.example", "dead:beef", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:"})
    void rejectsNamesAndMalformedLiteralsWithoutResolvingThem(String s) {
        assertThat(IpAddr.parseOrNull(s)).as("'%s'", s).isNull();
        assertThatThrownBy(() -> IpAddr.parse(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
    }

    @Test
    void sayWhyAScopeIdIsRefused() {
        assertThatThrownBy(() -> IpAddr.parse("fe80::1%eth0")).hasMessageContaining("scope ids are not supported");
        assertThatThrownBy(() -> IpAddr.parse("dead.beef")).hasMessageContaining("names are not resolved");
        assertThat(IpAddr.parseOrNull(null)).isNull();
    }

    /** Every address survives its own text form, the full eight-group form and (last 32 bits) the embedded IPv4 form. */
    @Test
    void randomAddressesRoundTripThroughEveryTextForm() {
        SplittableRandom rnd = new SplittableRandom(20);
        for (int i = 0; i < 20_000; i++) {
            long hi = rnd.nextLong(), lo = rnd.nextLong();
            // zero runs of every length and place, so every "::" position is exercised
            int zStart = rnd.nextInt(8), zLen = rnd.nextInt(9 - zStart);
            for (int g = zStart; g < zStart + zLen; g++) {
                if (g < 4) hi &= ~(0xFFFFL << (48 - 16 * g)); else lo &= ~(0xFFFFL << (48 - 16 * (g - 4)));
            }
            if (i % 7 == 0) { hi = 0; lo = 0x0000_FFFF_0000_0000L | (lo & 0xFFFF_FFFFL); }   // IPv4-mapped
            IpAddr a = new IpAddr(hi, lo);
            assertThat(IpAddr.parse(a.toString())).isEqualTo(a);
            StringBuilder full = new StringBuilder(), embedded = new StringBuilder();
            for (int g = 0; g < 8; g++) {
                int v = (int) ((g < 4 ? hi >>> (48 - 16 * g) : lo >>> (48 - 16 * (g - 4))) & 0xFFFF);
                String hex = String.format(g % 2 == 0 ? "%04x" : "%X", v);
                full.append(g == 0 ? "" : ":").append(hex);
                if (g < 6) embedded.append(hex).append(':');
            }
            embedded.append((lo >>> 24) & 0xFF).append('.').append((lo >>> 16) & 0xFF).append('.').append((lo >>> 8) & 0xFF).append('.').append(lo & 0xFF);
            assertThat(IpAddr.parse(full.toString())).as(full.toString()).isEqualTo(a);
            assertThat(IpAddr.parse(embedded.toString())).as(embedded.toString()).isEqualTo(a);
            if (!a.isV4()) assertThat(IpAddr.v6(a.bytes(), 0)).isEqualTo(a);
            else assertThat(java.nio.ByteBuffer.wrap(a.bytes()).getInt()).isEqualTo(a.v4Value());
            int v4 = (int) lo;
            assertThat(IpAddr.parse(IpAddr.v4(v4).toString()).v4Value()).isEqualTo(v4);
        }
    }

    @Test
    void bytesAreNetworkOrder() {
        assertThat(IpAddr.parse("10.0.1.2").bytes()).containsExactly(10, 0, 1, 2);
        assertThat(IpAddr.parse("fe80::1").bytes()).containsExactly(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    /** The parser is the product's only text-to-address path: its class must not reach the JDK's resolver at all. */
    @Test
    void parserClassDoesNotReferenceTheResolver() throws IOException {
        try (InputStream in = IpAddr.class.getResourceAsStream("IpAddr.class")) {
            String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(constants).doesNotContain("java/net/");
        }
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
