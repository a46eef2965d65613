package io.gridscout.protocols.mms;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.cotp.IsoContext;
import io.gridscout.protocols.flow.RecordingSession;

import static org.assertj.core.api.Assertions.assertThat;

/** Any TSDU straight into the MMS decoder (session, presentation, ACSE, MMS), from either side. */
class MmsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        MmsDecoder d = new MmsDecoder(new IsoContext(s));
        d.onTsdu(0, data, 0, data.length, 1);
        d.onTsdu(1, data, 0, data.length, 2);
        assertThat(s.malformed).doesNotContain("mms decoder error");
    }
}
