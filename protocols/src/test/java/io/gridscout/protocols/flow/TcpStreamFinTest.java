package io.gridscout.protocols.flow;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Sequence-number bookkeeping of one TCP direction: a FIN takes a number but no byte, so acknowledging it is no loss. */
class TcpStreamFinTest {
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

        String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @Test
    void acknowledgedFinIsNoGap() {
        TcpStream s = new TcpStream(4096);
        Collect c = new Collect();
        s.onSyn(1000);
        s.segment(1001, HELLO, 0, 5, 1, c);
        s.acknowledged(1006, 2, c);
        s.onFin(1006);          // FIN, ACK with no payload after the data
        s.acknowledged(1007, 3, c); // the peer's FIN, ACK acknowledges the FIN
        s.flush(4, c);
        assertThat(c.text()).isEqualTo("hello");
        assertThat(c.gaps).isZero();
        assertThat(s.gaps()).isZero();
    }

    @Test
    void finCarriedWithDataIsNoGap() {
        TcpStream s = new TcpStream(4096);
        Collect c = new Collect();
        s.onSyn(-3);            // sequence numbers wrap through zero
        s.segment(-2, HELLO, 0, 5, 1, c);
        s.onFin(3);             // FIN on the data segment: seq + payload length
        s.acknowledged(4, 2, c);
        assertThat(c.text()).isEqualTo("hello");
        assertThat(c.gaps).isZero();
    }

    @Test
    void bytesAcknowledgedButNeverSeenAreAGap() {
        TcpStream s = new TcpStream(4096);
        Collect c = new Collect();
        s.onSyn(1000);
        s.segment(1001, HELLO, 0, 5, 1, c);
        s.acknowledged(1011, 2, c); // five bytes the capture missed
        assertThat(c.gaps).isEqualTo(1);
        s.segment(1011, HELLO, 0, 5, 3, c);
        assertThat(c.text()).isEqualTo("hellohello");
    }

    @Test
    void finAfterMissedBytesStillReportsTheGap() {
        TcpStream s = new TcpStream(4096);
        Collect c = new Collect();
        s.onSyn(1000);
        s.segment(1001, HELLO, 0, 5, 1, c);
        s.onFin(1011);          // 1006..1010 never captured
        s.acknowledged(1012, 2, c);
        assertThat(c.gaps).isEqualTo(1);
    }
}
