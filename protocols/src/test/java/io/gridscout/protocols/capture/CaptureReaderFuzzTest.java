package io.gridscout.protocols.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Arbitrary bytes: only IOException (CaptureFormatException) may escape, and the packet loop terminates. */
class CaptureReaderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        try (CaptureReader r = Captures.open(new ByteArrayInputStream(data), "fuzz")) {
            long previous = r.position();
            while (r.next()) {
                // every packet consumes input, so the loop ends; the view stays inside the buffer
                assertThat(r.position()).isGreaterThan(previous);
                previous = r.position();
                assertThat(r.capturedLength()).isBetween(0, PcapReader.MAX_PACKET);
                assertThat(r.offset()).isBetween(0, r.data().length - r.capturedLength());
            }
            assertThat(r.next()).isFalse();
        } catch (IOException expected) {
            // not a capture, or a damaged gzip stream
        }
    }
}
