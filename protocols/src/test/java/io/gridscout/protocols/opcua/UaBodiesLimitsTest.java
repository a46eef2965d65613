package io.gridscout.protocols.opcua;

import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.UaSerializationException;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryDecoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lengths a body cannot hold are refused by Milo before it allocates, because the context says how long the body is. */
class UaBodiesLimitsTest {
    /** An Int32 array claiming {@code claimed} elements, followed by {@code present} of them. */
    private static byte[] int32Array(int claimed, int present) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * present).order(ByteOrder.LITTLE_ENDIAN).putInt(claimed);
        for (int i = 0; i < present; i++) b.putInt(i);
        return b.array();
    }

    private static OpcUaBinaryDecoder decoder(byte[] body, boolean bounded) {
        OpcUaBinaryDecoder d = new OpcUaBinaryDecoder(bounded ? UaBodies.bodyContext(body.length) : DefaultEncodingContext.INSTANCE);
        d.setBuffer(Unpooled.wrappedBuffer(body));
        return d;
    }

    @Test
    void anArrayLongerThanTheBodyIsRefusedBeforeAllocation() {
        byte[] body = int32Array(1_000_000, 25);   // 104 bytes claiming a million elements
        assertThatThrownBy(() -> decoder(body, true).decodeInt32Array(null))
                .isInstanceOf(UaSerializationException.class).hasMessageContaining("array length exceeds");
        // Milo's default context lets the same claim through to the allocation; it fails only when the bytes run out
        assertThatThrownBy(() -> decoder(body, false).decodeInt32Array(null)).isNotInstanceOf(UaSerializationException.class);
    }

    @Test
    void aStringLongerThanTheBodyIsRefused() {
        byte[] body = ByteBuffer.allocate(300).order(ByteOrder.LITTLE_ENDIAN).putInt(1_000_000).array();
        assertThatThrownBy(() -> decoder(body, true).decodeString(null))
                .isInstanceOf(UaSerializationException.class).hasMessageContaining("string length exceeds");
    }

    @Test
    void whatTheBodyHoldsStillDecodes() {
        byte[] body = int32Array(1000, 1000);
        assertThat(decoder(body, true).decodeInt32Array(null)).hasSize(1000).endsWith(999);
    }
}
