package io.gridscout.protocols.net;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Any bytes under every supported link type: a kind comes back, the view stays inside the frame, nothing is thrown. */
class FrameDecoderFuzzTest {
    private static final int[] LINKS = {FrameDecoder.LINK_NULL, FrameDecoder.LINK_ETHERNET, FrameDecoder.LINK_RAW, FrameDecoder.LINK_LOOP,
            FrameDecoder.LINK_SLL, FrameDecoder.LINK_IPV4, FrameDecoder.LINK_IPV6, FrameDecoder.LINK_SLL2, FrameDecoder.LINK_RAW_BSD,
            FrameDecoder.LINK_RAW_OLD};
    private final FrameView v = new FrameView();

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        for (int link : LINKS) {
            int kind = FrameDecoder.decode(link, data, 0, data.length, v);
            assertThat(kind).isBetween(FrameView.NONE, FrameView.MALFORMED);
            if (kind == FrameView.TCP || kind == FrameView.UDP || kind == FrameView.FRAGMENT) {
                assertThat(v.payloadOff).isBetween(0, data.length);
                assertThat(v.payloadLen).isBetween(0, data.length - v.payloadOff);
            }
            if (kind == FrameView.L2) assertThat(v.l2PayloadOff + v.l2PayloadLen).isLessThanOrEqualTo(data.length);
        }
    }
}
