package io.gridscout.protocols.opcua;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential: whenever the walk accepts a Variant, Milo's own decoder (without the check) must end exactly where
 * the walk ended, or fail. A walk that accepted bytes Milo reads differently would let Milo reach dimensions the
 * walk never checked (the round 3 finding). Milo runs only on what the walk accepted, so a disagreement shows up as
 * a wrong position (or as Milo's unchecked allocation), not as a quiet pass.
 */
class UaVariantCheckFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void walkAgreesWithMilo(byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        int end = UaVariantCheck.walk(b, 0, data.length);
        if (end < 0) return;   // refused: Milo never sees it
        OpcUaBinaryDecoder milo = new OpcUaBinaryDecoder(UaBodies.bodyContext(data.length));
        milo.setBuffer(b);
        try {
            milo.decodeVariant();
        } catch (RuntimeException e) {
            return;            // Milo refuses what the walk let through: safe (it failed before or without allocating)
        }
        assertThat(b.readerIndex()).as("Milo's end vs the walk's").isEqualTo(end);
    }
}
