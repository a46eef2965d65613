package io.gridscout.protocols.util;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The two BER header forms: MMS allows multi-octet tags and indefinite lengths; GOOSE/SV (definite) do not. */
class BerTest {
    static byte[] hex(String s) { return HexFormat.of().parseHex(s); }

    @Test
    void readAcceptsLongTagsAndIndefiniteLengths() {
        Ber ber = new Ber();
        byte[] b = hex("bf4d00");
        assertThat(ber.read(b, 0, b.length)).isTrue();
        assertThat(ber.tag).isEqualTo(0x4d);
        assertThat(ber.first).isEqualTo(0xbf);
        byte[] indef = hex("a0800201050000");
        assertThat(ber.read(indef, 0, indef.length)).isTrue();
        assertThat(ber.indefinite).isTrue();
        assertThat(ber.valueOff).isEqualTo(2);
        assertThat(ber.valueLen).isEqualTo(5);
    }

    @Test
    void readDefiniteRefusesThemAndReadsShortForms() {
        Ber ber = new Ber();
        byte[] longTag = hex("bf4d00"), indef = hex("a0800201050000"), longLen = hex("61820003010203"), bad = hex("618400000001ff");
        assertThat(ber.readDefinite(longTag, 0, longTag.length)).isFalse();
        assertThat(ber.readDefinite(indef, 0, indef.length)).isFalse();
        assertThat(ber.readDefinite(longLen, 0, longLen.length)).isTrue();
        assertThat(ber.first).isEqualTo(0x61);
        assertThat(ber.valueOff).isEqualTo(4);
        assertThat(ber.valueLen).isEqualTo(3);
        assertThat(ber.readDefinite(bad, 0, bad.length)).isFalse();                  // 4 length octets
        assertThat(ber.readDefinite(longLen, 0, longLen.length - 1)).isFalse();      // value beyond the limit
        assertThat(ber.readDefinite(longLen, 0, longLen.length + 1)).isFalse();      // limit beyond the array
        assertThat(ber.readDefinite(longLen, 6, longLen.length)).isFalse();          // one octet left
    }

    @Test
    void integers() {
        assertThat(Ber.unsigned(hex("00ff"), 0, 2)).isEqualTo(255);
        assertThat(Ber.unsigned(hex("010203040506070809"), 0, 9)).isEqualTo(0x0203040506070809L);
        assertThat(Ber.integer(hex("ff"), 0, 1)).isEqualTo(-1);
        assertThat(Ber.integer(hex("0100"), 0, 2)).isEqualTo(256);
    }
}
