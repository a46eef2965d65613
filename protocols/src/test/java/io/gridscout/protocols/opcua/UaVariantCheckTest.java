package io.gridscout.protocols.opcua;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.UaSerializationException;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryEncoder;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Matrix;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The walk agrees with Milo's own encoder on where every kind of Variant ends (per built-in type, scalar, array and
 * matrix, nested), and refuses only ArrayDimensions that claim more than the bytes left.
 */
class UaVariantCheckTest {
    private static ByteBuf encode(Variant v) {
        ByteBuf buf = Unpooled.buffer();
        new OpcUaBinaryEncoder(DefaultEncodingContext.INSTANCE).setBuffer(buf).encodeVariant(v);
        return buf;
    }

    private static final List<Object> SCALARS = List.of(true, (byte) -3, UByte.valueOf(200), (short) -300, UShort.valueOf(60000),
            -70000, UInteger.valueOf(4_000_000_000L), -5_000_000_000L, ULong.valueOf(7), 1.5f, 2.25, "grid", DateTime.now(),
            UUID.randomUUID(), ByteString.of(new byte[] {1, 2, 3}), new XmlElement("<a/>"), new NodeId(2, 1234),
            new NodeId(0, 7), new NodeId(1, 300), new NodeId(3, "plc.name"), new NodeId(4, UUID.randomUUID()),
            new NodeId(5, ByteString.of(new byte[] {9, 9})), ExpandedNodeId.parse("nsu=urn:x;s=y"), ExpandedNodeId.parse("svr=3;ns=2;s=z"),
            StatusCode.GOOD, new QualifiedName(1, "q"), LocalizedText.english("text"), new LocalizedText(null, "only text"),
            ExtensionObject.of(ByteString.of(new byte[] {4, 5, 6, 7}), new NodeId(0, 338)),
            new DataValue(new Variant(42), StatusCode.GOOD, DateTime.now(), DateTime.now()),
            new Variant("nested"),
            new DiagnosticInfo(1, 2, 3, 4, "more", StatusCode.GOOD, new DiagnosticInfo(-1, -1, -1, -1, null, null, null)));

    @Test
    void scalarsArraysAndMatricesEndWhereMiloEndsThem() {
        for (Object o : SCALARS) {
            ByteBuf b = encode(new Variant(o));
            assertThat(UaVariantCheck.walk(b, 0, b.writerIndex())).as("scalar %s", o.getClass().getSimpleName()).isEqualTo(b.writerIndex());
            Object[] array = (Object[]) java.lang.reflect.Array.newInstance(o.getClass(), 3);
            java.util.Arrays.fill(array, o);
            b = encode(new Variant(array));
            assertThat(UaVariantCheck.walk(b, 0, b.writerIndex())).as("array of %s", o.getClass().getSimpleName()).isEqualTo(b.writerIndex());
        }
        ByteBuf m = encode(new Variant(new Matrix(new int[][] {{1, 2, 3}, {4, 5, 6}})));
        assertThat(m.getUnsignedByte(0) & 0xC0).as("array with dimensions").isEqualTo(0xC0);
        assertThat(UaVariantCheck.walk(m, 0, m.writerIndex())).isEqualTo(m.writerIndex());
        ByteBuf nothing = encode(Variant.NULL_VALUE);
        assertThat(UaVariantCheck.walk(nothing, 0, nothing.writerIndex())).isEqualTo(1);
        ByteBuf ofVariants = encode(new Variant(new Variant[] {new Variant(1), new Variant("two"), new Variant(new Variant[] {new Variant(3.0)})}));
        assertThat(UaVariantCheck.walk(ofVariants, 0, ofVariants.writerIndex())).isEqualTo(ofVariants.writerIndex());
    }

    /** Int32 array of one element whose ArrayDimensions claim {@code dims} entries, with {@code present} of them. */
    private static ByteBuf lyingMatrix(int dims, int present) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 4 + 4 + 4 * present).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xC6).putInt(1).putInt(7).putInt(dims);
        for (int i = 0; i < present; i++) b.putInt(1);
        return Unpooled.wrappedBuffer(b.array());
    }

    @Test
    void dimensionsBeyondTheBytesAreRefusedBeforeMiloAllocates() {
        ByteBuf lie = lyingMatrix(100_000_000, 2);   // would be new int[100M]: 400 MB
        assertThat(UaVariantCheck.dimensionsFit(lie, 0, lie.writerIndex())).isFalse();
        var d = UaVariantCheck.decoder(UaBodies.bodyContext(lie.writerIndex()));
        d.setBuffer(lie);
        assertThatThrownBy(d::decodeVariant).isInstanceOf(UaSerializationException.class).hasMessageContaining("dimensions exceed");
        // nested in a DataValue and in an array of Variants too
        ByteBuf honest = lyingMatrix(1, 1);
        assertThat(UaVariantCheck.dimensionsFit(honest, 0, honest.writerIndex())).isTrue();
        d = UaVariantCheck.decoder(UaBodies.bodyContext(honest.writerIndex()));
        d.setBuffer(honest);
        assertThat(d.decodeVariant().getValue()).isNotNull();
        ByteBuf nested = Unpooled.buffer().writeByte(0x80 | 24).writeIntLE(1).writeBytes(lyingMatrix(50_000_000, 0));
        assertThat(UaVariantCheck.dimensionsFit(nested, 0, nested.writerIndex())).isFalse();
        ByteBuf inDataValue = Unpooled.buffer().writeByte(23).writeByte(0x01).writeBytes(lyingMatrix(50_000_000, 0));
        assertThat(UaVariantCheck.dimensionsFit(inDataValue, 0, inDataValue.writerIndex())).isFalse();
    }

    @Test
    void whatTheWalkCannotFinishIsRefused() {
        ByteBuf b = encode(new Variant(new String[] {"a", "b"}));
        for (int cut = 0; cut < b.writerIndex(); cut++) {
            assertThat(UaVariantCheck.walk(b, 0, cut)).as("cut at %d", cut).isEqualTo(-1);
            assertThat(UaVariantCheck.dimensionsFit(b, 0, cut)).isFalse();
        }
        ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {0x3F, 1, 2, 3});
        assertThat(UaVariantCheck.dimensionsFit(unknown, 0, 4)).isFalse();
    }

    /**
     * The fuzzing find: an array of ExpandedNodeIds whose NodeId byte has a reserved bit (0x12). Milo reads the
     * encoding from the low 4 bits (numeric), the first walk gave up on it and let Milo allocate the 50 M
     * dimensions that follow. The walk now reads it as Milo does, and the dimensions are refused.
     */
    @Test
    void nodeIdEncodingIsReadAsMiloReadsIt() {
        ByteBuf numericWithReservedBit = Unpooled.buffer().writeByte(17).writeByte(0x12).writeShortLE(1).writeIntLE(5);
        var d = UaVariantCheck.decoder(UaBodies.bodyContext(numericWithReservedBit.writerIndex()));
        d.setBuffer(numericWithReservedBit.duplicate());
        assertThat(d.decodeVariant().getValue()).isEqualTo(new NodeId(1, 5));
        assertThat(UaVariantCheck.walk(numericWithReservedBit, 0, numericWithReservedBit.writerIndex())).isEqualTo(numericWithReservedBit.writerIndex());
        ByteBuf lie = Unpooled.buffer().writeByte(0xC0 | 18).writeIntLE(1).writeByte(0x12).writeShortLE(1).writeIntLE(5)
                .writeIntLE(50_000_000).writeZero(16);
        assertThat(UaVariantCheck.dimensionsFit(lie, 0, lie.writerIndex())).isFalse();
        d = UaVariantCheck.decoder(UaBodies.bodyContext(lie.writerIndex()));
        d.setBuffer(lie);
        assertThatThrownBy(d::decodeVariant).isInstanceOf(UaSerializationException.class);
    }

    /** A null array (length -1) ends the Variant for Milo, even with the dimensions bit set. */
    @Test
    void nullArrayEndsTheVariant() {
        ByteBuf b = Unpooled.buffer().writeByte(0xC0 | 6).writeIntLE(-1).writeIntLE(99);
        assertThat(UaVariantCheck.walk(b, 0, b.writerIndex())).isEqualTo(5);
        var d = UaVariantCheck.decoder(UaBodies.bodyContext(b.writerIndex()));
        d.setBuffer(b);
        d.decodeVariant();
        assertThat(b.readerIndex()).isEqualTo(5);
    }
}
