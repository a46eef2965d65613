package io.gridscout.protocols.dnp3;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Dnp3CrcTest {
    @Test
    void knownCheckValue() {
        // CRC-16/DNP check value over "123456789" (catalogue of parametrised CRC algorithms): 0xEA82
        assertThat(Dnp3Crc.compute("123456789".getBytes(), 0, 9)).isEqualTo(0xEA82);
    }

    @Test
    void slicedFormEqualsBytewiseForEveryLengthAndOffset() {
        SplittableRandom r = new SplittableRandom(1815);
        byte[] b = new byte[64];
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
            for (int off = 0; off < 5; off++) {
                for (int len = 0; off + len <= b.length; len++) {
                    assertThat(Dnp3Crc.compute(b, off, len)).as("off %d len %d", off, len).isEqualTo(Dnp3Crc.computeBytewise(b, off, len));
                }
            }
        }
    }
}
