package io.gridscout.protocols.s7comm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.cotp.IsoContext;
import io.gridscout.protocols.flow.RecordingSession;

import static org.assertj.core.api.Assertions.assertThat;

/** Any TSDU straight into the S7comm decoder, from both sides and as S7comm-plus. */
class S7CommFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        S7CommDecoder d = new S7CommDecoder(new IsoContext(s));
        d.onTsdu(0, data, 0, data.length, 1);
        d.onTsdu(1, data, 0, data.length, 2);
        d.onTsdu(1, data, 0, data.length, 3); // a second time: fragment continuation state
        d.onPlus(0, data, 0, data.length, 4);
        assertThat(s.malformed).doesNotContain("s7comm decoder error");
    }
}
