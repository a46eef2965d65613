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

    @Test
    void blockChecksAgreeWithTheBytewiseFormAndCatchEveryCorruptedBlock() {
        SplittableRandom r = new SplittableRandom(20000);
        for (int userLen = 0; userLen <= Dnp3Link.MAX_USER_DATA; userLen++) {
            byte[] user = new byte[userLen];
            for (int i = 0; i < userLen; i++) user[i] = (byte) r.nextInt(256);
            byte[] frame = Dnp3Frames.frame(0x44, 1, 10, user);
            byte[] wire = new byte[frame.length + 7];
            int at = 3 + r.nextInt(4); // not at the array start: the block reads must stay inside the frame
            System.arraycopy(frame, 0, wire, at, frame.length);
            byte[] out = new byte[Dnp3Link.MAX_USER_DATA];
            assertThat(Dnp3Crc.check(wire, at, 8)).isTrue();
            assertThat(Dnp3Crc.checkBlocks(wire, at + 10, userLen)).as("len %d", userLen).isTrue();
            assertThat(Dnp3Crc.checkAndStrip(wire, at + 10, userLen, out)).isTrue();
            assertThat(java.util.Arrays.copyOf(out, userLen)).isEqualTo(user);
            for (int blk = 0; blk * 16 < userLen; blk++) {
                int n = Math.min(16, userLen - blk * 16);
                int q = at + 10 + blk * 18;
                assertThat(Dnp3Crc.check(wire, q, n)).isTrue();
                assertThat(~Dnp3Crc.rawShort(wire, q, n) & 0xFFFF).isEqualTo(Dnp3Crc.computeBytewise(wire, q, n));
                int flip = q + r.nextInt(n + 2); // a data or CRC byte of this block
                wire[flip] ^= (byte) (1 << r.nextInt(8));
                assertThat(Dnp3Crc.checkBlocks(wire, at + 10, userLen)).as("len %d block %d", userLen, blk).isFalse();
                assertThat(Dnp3Crc.checkAndStrip(wire, at + 10, userLen, out)).isFalse();
                System.arraycopy(frame, 0, wire, at, frame.length); // repaired for the next block
            }
        }
    }
}
