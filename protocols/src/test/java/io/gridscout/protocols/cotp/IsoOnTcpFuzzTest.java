package io.gridscout.protocols.cotp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Frames;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzzes TPKT/COTP framing and, through DT wrapping, the MMS and S7comm decoders behind it. */
class IsoOnTcpFuzzTest {
    private static final IsoOnTcpSpec SPEC = new IsoOnTcpSpec();
    private static final byte[][] PREFIX = {
            {}, {0x32}, {0x01, 0x00, 0x01, 0x00}, {0x72}, {0x0D}};

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        SPEC.matches(data, 0, data.length, true, Transport.TCP);
        SPEC.matches(data, 0, data.length, false, Transport.TCP);
        if (data.length < 2) return;
        int mode = data[0] & 0xFF;
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        int side = mode >> 7;
        if (mode % 6 == 5) {
            // raw stream, cut into chunks
            int chunk = (data[1] & 0x1F) + 1;
            for (int o = 2, i = 0; o < data.length; o += chunk, i++) {
                d.onData((i + side) & 1, data, o, Math.min(chunk, data.length - o), i);
            }
        } else {
            // one DT TPDU carrying an upper-layer PDU (prefix chosen by the mode)
            byte[] prefix = PREFIX[mode % 6 % PREFIX.length];
            byte[] body = new byte[prefix.length + data.length - 1];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(data, 1, body, prefix.length, data.length - 1);
            byte[] tpkt = Frames.tpktDt(body, 0, Math.min(body.length, 65000), true);
            d.onData(side, tpkt, 0, tpkt.length, 1);
            d.onData(1 - side, tpkt, 0, tpkt.length, 2);
        }
        d.onGap(0, 3);
        d.onClose(4);
        assertThat(s.malformed).noneMatch(m -> m.endsWith("decoder error"));
    }
}
