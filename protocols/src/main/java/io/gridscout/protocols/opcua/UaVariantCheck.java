package io.gridscout.protocols.opcua;

import io.netty.buffer.ByteBuf;
import org.eclipse.milo.opcua.stack.core.UaSerializationException;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryDecoder;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * Walks one encoded Variant (OPC UA Part 6, 5.2.2.16) without decoding it. It refuses a Variant whose
 * ArrayDimensions claim more Int32s than the bytes left. Milo 1.1.2 allocates {@code new int[claimed]} for
 * ArrayDimensions before it reads them, and no encoding limit applies there. A hostile 100-byte body could make it
 * allocate up to the free heap. Every other length is bounded by the body context ({@link UaBodies#bodyContext}).
 * The walk follows Milo's decoder rule by rule (null array = length -1 and no dimensions; dimensions only after an
 * array; NodeId encoding in the low 4 bits; ...). A Variant the walk cannot finish (out of bytes, unknown type,
 * an encoding Milo would refuse) is refused as well: a walk that disagreed with Milo and gave up must not let
 * Milo's own unchecked dimensions through (a fuzzing find).
 */
final class UaVariantCheck {
    private static final int MAX_DEPTH = 64;
    private static final int OUT = -1, REFUSED = -2;   // walk results other than a position
    // encoded size of the fixed-size built-in types by type id (0: variable or unknown)
    private static final int[] FIXED = new int[26];

    static {
        FIXED[1] = FIXED[2] = FIXED[3] = 1;
        FIXED[4] = FIXED[5] = 2;
        FIXED[6] = FIXED[7] = FIXED[10] = FIXED[19] = 4;
        FIXED[8] = FIXED[9] = FIXED[11] = FIXED[13] = 8;
        FIXED[14] = 16;
    }

    private UaVariantCheck() {}

    /** True when the Variant at {@code p} (up to {@code end}) is whole and claims no impossible ArrayDimensions. */
    static boolean dimensionsFit(ByteBuf b, int p, int end) {
        return variant(b, p, end, 0) >= 0;
    }

    /** Where the Variant at {@code p} ends by this walk; -1 out of bytes, -2 refused (for tests). */
    static int walk(ByteBuf b, int p, int end) {
        return variant(b, p, end, 0);
    }

    /** Milo's decoder with the check in front of every Variant it decodes, nested ones included. */
    static OpcUaBinaryDecoder decoder(EncodingContext context) {
        return new OpcUaBinaryDecoder(context) {
            private ByteBuf buf;

            @Override
            public OpcUaBinaryDecoder setBuffer(ByteBuf buffer) {
                buf = buffer;
                return super.setBuffer(buffer);
            }

            @Override
            public Variant decodeVariant() throws UaSerializationException {
                if (buf != null && !dimensionsFit(buf, buf.readerIndex(), buf.writerIndex())) {
                    throw new UaSerializationException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_DecodingError,
                            "variant array dimensions exceed the message");
                }
                return super.decodeVariant();
            }
        };
    }

    private static int variant(ByteBuf b, int p, int end, int depth) {
        if (depth > MAX_DEPTH || p >= end) return OUT;
        int mask = b.getUnsignedByte(p++);
        if (mask == 0) return p;   // null variant
        int type = mask & 0x3F;
        if (type == 0) return OUT;
        if ((mask & 0x80) == 0) return value(b, type, p, end, depth);   // a scalar: Milo reads no dimensions
        if (end - p < 4) return OUT;
        int n = b.getIntLE(p);
        p += 4;
        if (n == -1) return p;     // null array: Milo stops here, dimensions or not
        if (n < 0) return OUT;
        for (int i = 0; i < n; i++) {
            p = value(b, type, p, end, depth);
            if (p < 0) return p;
        }
        if ((mask & 0x40) != 0) {
            if (end - p < 4) return OUT;
            int dims = b.getIntLE(p);
            p += 4;
            if (dims > (end - p) / 4) return REFUSED;
            if (dims < -1) return OUT;
            p += Math.max(0, dims) * 4;
        }
        return p;
    }

    private static int value(ByteBuf b, int type, int p, int end, int depth) {
        if (type < FIXED.length && FIXED[type] > 0) return skip(p, FIXED[type], end);
        switch (type) {
            case 12, 15, 16 -> { return lengthPrefixed(b, p, end); }
            case 17 -> { return nodeId(b, p, end); }
            case 18 -> {
                if (p >= end) return OUT;
                int flags = b.getUnsignedByte(p);
                p = nodeId(b, p, end);
                if (p >= 0 && (flags & 0x80) != 0) p = lengthPrefixed(b, p, end);
                if (p >= 0 && (flags & 0x40) != 0) p = skip(p, 4, end);
                return p;
            }
            case 20 -> { p = skip(p, 2, end); return p < 0 ? p : lengthPrefixed(b, p, end); }
            case 21 -> {
                if (p >= end) return OUT;
                int m = b.getUnsignedByte(p++);
                if ((m & 1) != 0) p = lengthPrefixed(b, p, end);
                if (p >= 0 && (m & 2) != 0) p = lengthPrefixed(b, p, end);
                return p;
            }
            case 22 -> {
                p = nodeId(b, p, end);
                if (p < 0 || p >= end) return OUT;
                int enc = b.getUnsignedByte(p++);
                return enc == 0 ? p : enc <= 2 ? lengthPrefixed(b, p, end) : OUT;
            }
            case 23 -> {
                if (p >= end) return OUT;
                int m = b.getUnsignedByte(p++);
                if ((m & 0x01) != 0) p = variant(b, p, end, depth + 1);
                if (p >= 0 && (m & 0x02) != 0) p = skip(p, 4, end);
                if (p >= 0 && (m & 0x04) != 0) p = skip(p, 8, end);
                if (p >= 0 && (m & 0x10) != 0) p = skip(p, 2, end);
                if (p >= 0 && (m & 0x08) != 0) p = skip(p, 8, end);
                if (p >= 0 && (m & 0x20) != 0) p = skip(p, 2, end);
                return p;
            }
            case 24 -> { return variant(b, p, end, depth + 1); }
            case 25 -> { return diagnosticInfo(b, p, end, depth + 1); }
            default -> { return OUT; }   // not a built-in type: Milo refuses it
        }
    }

    private static int diagnosticInfo(ByteBuf b, int p, int end, int depth) {
        if (depth > MAX_DEPTH || p >= end) return OUT;
        int m = b.getUnsignedByte(p++);
        p = skip(p, 4 * Integer.bitCount(m & 0x0F), end);   // symbolicId, namespaceUri, locale, localizedText
        if (p >= 0 && (m & 0x10) != 0) p = lengthPrefixed(b, p, end);   // additionalInfo
        if (p >= 0 && (m & 0x20) != 0) p = skip(p, 4, end);            // inner status code
        if (p >= 0 && (m & 0x40) != 0) p = diagnosticInfo(b, p, end, depth + 1);
        return p;
    }

    private static int nodeId(ByteBuf b, int p, int end) {
        if (p >= end) return OUT;
        int enc = b.getUnsignedByte(p++) & 0x0F;   // as Milo reads it (ExpandedNodeId flags live in the high bits)
        return switch (enc) {
            case 0 -> skip(p, 1, end);
            case 1 -> skip(p, 3, end);
            case 2 -> skip(p, 6, end);
            case 3, 5 -> { int q = skip(p, 2, end); yield q < 0 ? q : lengthPrefixed(b, q, end); }
            case 4 -> skip(p, 18, end);
            default -> OUT;
        };
    }

    private static int lengthPrefixed(ByteBuf b, int p, int end) {
        if (end - p < 4) return OUT;
        int n = b.getIntLE(p);
        p += 4;
        return n == -1 ? p : n < 0 ? OUT : skip(p, n, end);
    }

    private static int skip(int p, int n, int end) {
        return p < 0 || end - p < n ? OUT : p + n;
    }
}
