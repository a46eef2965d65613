package io.gridscout.protocols.flow;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class TcpStreamTest {
    static final class Collect implements TcpStream.Consumer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int gaps;

        @Override
        public void onBytes(byte[] buf, int off, int len, long t) {
            bytes.write(buf, off, len);
        }

        @Override
        public void onGap(long t) {
            gaps++;
        }
    }

    /** Regression: the peer's ACK of a FIN (seq + 1) was counted as lost bytes on every graceful close. */
    @Test
    void ackOfFinIsNotAGap() {
        TcpStream s = new TcpStream(65536);
        Collect c = new Collect();
        s.onSyn(1000);
        s.segment(1001, "hello".getBytes(), 0, 5, 1, c);
        s.onFin(1006);
        s.acknowledged(1007, 2, c);
        assertThat(c.gaps).isZero();
        assertThat(s.gaps()).isZero();
        assertThat(c.bytes.toString()).isEqualTo("hello");
    }

    @Test
    void finAfterAHoleDoesNotHideTheLoss() {
        TcpStream s = new TcpStream(65536);
        Collect c = new Collect();
        s.onSyn(1000);
        s.onFin(1050);                     // 49 bytes before the FIN never seen
        s.acknowledged(1051, 2, c);
        assertThat(c.gaps).isEqualTo(1);
    }
}
