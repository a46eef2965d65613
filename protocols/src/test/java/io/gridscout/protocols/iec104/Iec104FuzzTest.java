package io.gridscout.protocols.iec104;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;

import static org.assertj.core.api.Assertions.assertThat;

class Iec104FuzzTest {
    private static final Iec104Spec SPEC = new Iec104Spec();

    /** Any bytes, cut into chunks of a fuzzed size, alternating sides: never throws, never trips the guard. */
    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        SPEC.matches(data, 0, data.length, true, Transport.TCP);
        SPEC.matches(data, 0, data.length, false, Transport.TCP);
        if (data.length < 2) return;
        int chunk = (data[0] & 0x0F) + 1;
        int sides = data[1] & 0xFF;
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        for (int o = 2, i = 0; o < data.length; o += chunk, i++) {
            d.onData((sides >> (i & 7)) & 1, data, o, Math.min(chunk, data.length - o), i);
        }
        d.onGap(0, 0);
        d.onClose(0);
        assertThat(s.malformed).doesNotContain("iec104 decoder error");
    }
}
