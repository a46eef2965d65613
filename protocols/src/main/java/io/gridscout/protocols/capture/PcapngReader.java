package io.gridscout.protocols.capture;

import java.io.IOException;
import java.util.Arrays;

/**
 * pcapng files: sections (SHB, either byte order), interfaces (IDB with if_tsresol and if_tsoffset), Enhanced,
 * Simple and obsolete Packet Blocks; every other block is skipped by its length without being buffered.
 * Bogus block lengths, cut-short blocks and packets for undeclared interfaces end the stream as damage.
 */
public final class PcapngReader extends RecordReader {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** Largest packet accepted, as for pcap. */
    public static final int MAX_PACKET = PcapReader.MAX_PACKET;
    /** Largest block that is buffered whole (packet blocks, SHB, IDB): a maximal packet plus room for options. */
    static final int MAX_BUFFERED_BLOCK = MAX_PACKET + 64 * 1024;
    /** Largest block that is skipped (name resolution, secrets, custom...); beyond this the length is bogus. */
    static final long MAX_SKIPPED_BLOCK = 64L << 20;
    static final int MAX_INTERFACES = 4096;

    private static final int TS_MULTIPLY = 0;
    private static final int TS_DIVIDE = 1;
    private static final int TS_SHIFT = 2;

    private boolean bigEndian;

    // per interface of the current section
    private int interfaces;
    private int[] ifLinkType = new int[4];
    private int[] ifSnapLength = new int[4];
    private int[] ifTsMode = new int[4];
    private long[] ifTsFactor = new long[4];
    private long[] ifTsOffsetNanos = new long[4];

    private int interfaceId;

    /** The source holds at least the 4 magic bytes of the first SHB. */
    PcapngReader(ByteSource src, String name) throws IOException {
        super(src);
        String problem = readSectionHeader(src.offset());
        if (problem != null) {
            throw new CaptureFormatException(name + ": " + problem);
        }
    }

    @Override
    public boolean next() throws IOException {
        while (!done) {
            long blockOffset = src.offset();
            if (!src.require(8)) {
                if (src.available() == 0 && src.streamError() == null) {
                    done = true;
                    return false;
                }
                return damage("truncated block header at offset " + blockOffset);
            }
            int type = ByteSource.getInt(src.buf, src.pos, bigEndian);
            if (type == SHB) {
                String problem = readSectionHeader(blockOffset);
                if (problem != null) {
                    return damage(problem);
                }
                continue;
            }
            int length = ByteSource.getInt(src.buf, src.pos + 4, bigEndian);
            if (length < 12 || (length & 3) != 0) {
                return bogusLength(length, blockOffset);
            }
            switch (type) {
                case EPB, SPB, PB, IDB -> {
                    if (length > MAX_BUFFERED_BLOCK) {
                        return bogusLength(length, blockOffset);
                    }
                    if (!src.require(length)) {
                        return damage("truncated block at offset " + blockOffset);
                    }
                    int p = src.pos;
                    int trailer = ByteSource.getInt(src.buf, p + length - 4, bigEndian);
                    if (trailer != length) {
                        return lengthMismatch(length, trailer, blockOffset);
                    }
                    src.pos = p + length;
                    if (type == IDB) {
                        String problem = interfaceDescription(src.buf, p, length, blockOffset);
                        if (problem != null) {
                            return damage(problem);
                        }
                    } else if (packet(type, src.buf, p, length, blockOffset)) {
                        return true;
                    } else if (done) {
                        return false;
                    }
                }
                default -> {
                    if (length > MAX_SKIPPED_BLOCK) {
                        return bogusLength(length, blockOffset);
                    }
                    if (!src.skip(length - 4L) || !src.require(4)) {
                        return damage("truncated block at offset " + blockOffset);
                    }
                    int trailer = ByteSource.getInt(src.buf, src.pos, bigEndian);
                    if (trailer != length) {
                        return lengthMismatch(length, trailer, blockOffset);
                    }
                    src.pos += 4;
                }
            }
        }
        return false;
    }

    /** Reads an SHB at src.pos; returns null or what is wrong with it. */
    private String readSectionHeader(long blockOffset) throws IOException {
        if (!src.require(12)) {
            return "truncated section header block at offset " + blockOffset;
        }
        int p = src.pos;
        int bom = ByteSource.getInt(src.buf, p + 8, true);
        boolean big;
        if (bom == BYTE_ORDER_MAGIC) {
            big = true;
        } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            big = false;
        } else {
            return "bad byte-order magic 0x" + Integer.toHexString(bom) + " in section header block at offset " + blockOffset;
        }
        int length = ByteSource.getInt(src.buf, p + 4, big);
        if (length < 28 || (length & 3) != 0 || length > MAX_BUFFERED_BLOCK) {
            return "bogus block length " + Integer.toUnsignedString(length) + " at offset " + blockOffset;
        }
        if (!src.require(length)) {
            return "truncated section header block at offset " + blockOffset;
        }
        p = src.pos;
        byte[] b = src.buf;
        int trailer = ByteSource.getInt(b, p + length - 4, big);
        if (trailer != length) {
            return "bogus block length " + length + " (trailer says " + Integer.toUnsignedString(trailer) + ") at offset "
                    + blockOffset;
        }
        int major = ByteSource.getUShort(b, p + 12, big);
        if (major != 1) {
            return "unsupported pcapng version " + major + "." + ByteSource.getUShort(b, p + 14, big) + " at offset " + blockOffset;
        }
        // section length (p + 16) may be -1 and is not needed when streaming
        bigEndian = big;
        interfaces = 0;
        src.pos = p + length;
        return null;
    }

    private String interfaceDescription(byte[] b, int p, int length, long blockOffset) {
        if (length < 20) {
            return "bogus block length " + length + " for an interface description at offset " + blockOffset;
        }
        if (interfaces == MAX_INTERFACES) {
            return "more than " + MAX_INTERFACES + " interfaces at offset " + blockOffset;
        }
        int i = interfaces;
        if (i == ifLinkType.length) {
            int n = i * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnapLength = Arrays.copyOf(ifSnapLength, n);
            ifTsMode = Arrays.copyOf(ifTsMode, n);
            ifTsFactor = Arrays.copyOf(ifTsFactor, n);
            ifTsOffsetNanos = Arrays.copyOf(ifTsOffsetNanos, n);
        }
        ifLinkType[i] = ByteSource.getUShort(b, p + 8, bigEndian);
        ifSnapLength[i] = ByteSource.getInt(b, p + 12, bigEndian);
        ifTsMode[i] = TS_MULTIPLY;
        ifTsFactor[i] = 1000; // default resolution: microseconds
        ifTsOffsetNanos[i] = 0;
        // options: code(2) length(2) value padded to 4; a malformed option list just ends the parse
        int o = p + 16;
        int end = p + length - 4;
        while (o + 4 <= end) {
            int code = ByteSource.getUShort(b, o, bigEndian);
            int len = ByteSource.getUShort(b, o + 2, bigEndian);
            int value = o + 4;
            if (code == 0 || value + len > end) {
                break;
            }
            if (code == 9 && len == 1) {
                String problem = timestampResolution(i, b[value] & 0xFF);
                if (problem != null) {
                    return problem + " at offset " + blockOffset;
                }
            } else if (code == 14 && len == 8) {
                long seconds = bigEndian
                        ? ByteSource.getUInt(b, value, true) << 32 | ByteSource.getUInt(b, value + 4, true)
                        : ByteSource.getUInt(b, value + 4, false) << 32 | ByteSource.getUInt(b, value, false);
                ifTsOffsetNanos[i] = seconds * 1_000_000_000L;
            }
            o = value + ((len + 3) & ~3);
        }
        interfaces = i + 1;
        return null;
    }

    private String timestampResolution(int i, int resolution) {
        int exponent = resolution & 0x7F;
        if ((resolution & 0x80) != 0) {
            if (exponent > 63) {
                return "unsupported if_tsresol 2^-" + exponent;
            }
            ifTsMode[i] = TS_SHIFT;
            ifTsFactor[i] = exponent;
        } else if (exponent <= 9) {
            ifTsMode[i] = TS_MULTIPLY;
            ifTsFactor[i] = pow10(9 - exponent);
        } else if (exponent <= 27) {
            ifTsMode[i] = TS_DIVIDE;
            ifTsFactor[i] = pow10(exponent - 9);
        } else {
            return "unsupported if_tsresol 10^-" + exponent;
        }
        return null;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int k = 0; k < n; k++) {
            v *= 10;
        }
        return v;
    }

    private long toNanos(int ifc, long ts) {
        long factor = ifTsFactor[ifc];
        long nanos = switch (ifTsMode[ifc]) {
            case TS_MULTIPLY -> ts * factor;
            case TS_DIVIDE -> Long.divideUnsigned(ts, factor);
            default -> {
                int shift = (int) factor;
                if (shift == 0) {
                    yield ts * 1_000_000_000L;
                }
                long whole = ts >>> shift;
                long fraction = ts & ((1L << shift) - 1);
                // fraction * 1e9 >> shift in 128 bits: fraction < 2^63 so multiplyHigh is exact
                long lo = fraction * 1_000_000_000L;
                long hi = Math.multiplyHigh(fraction, 1_000_000_000L);
                long fracNanos = shift == 64 ? hi : (hi << (64 - shift)) | (lo >>> shift);
                yield whole * 1_000_000_000L + fracNanos;
            }
        };
        return nanos + ifTsOffsetNanos[ifc];
    }

    /** Sets the current packet from a whole, length-checked packet block; false (maybe with damage) when none. */
    private boolean packet(int type, byte[] b, int p, int length, long blockOffset) {
        int ifc;
        int caplen;
        int origlen;
        int data;
        long ts;
        if (type == SPB) {
            if (length < 16) {
                return bogusLength(length, blockOffset);
            }
            ifc = 0;
            if (interfaces == 0) {
                return damage("simple packet block without an interface at offset " + blockOffset);
            }
            origlen = ByteSource.getInt(b, p + 8, bigEndian);
            caplen = length - 16;
            if (Integer.compareUnsigned(origlen, caplen) < 0) {
                caplen = origlen;
            }
            int snap = ifSnapLength[0];
            if (snap > 0 && snap < caplen) {
                caplen = snap;
            }
            data = p + 12;
            // an SPB has no timestamp: keep the previous packet's time so time never runs backwards
            capturedLength = caplen;
            originalLength = origlen;
            dataOffset = data;
            linkType = ifLinkType[0];
            interfaceId = 0;
            return true;
        }
        if (length < 32) {
            return bogusLength(length, blockOffset);
        }
        ifc = type == EPB ? ByteSource.getInt(b, p + 8, bigEndian) : ByteSource.getUShort(b, p + 8, bigEndian);
        if (ifc < 0 || ifc >= interfaces) {
            return damage("packet for undeclared interface " + Integer.toUnsignedString(ifc) + " at offset " + blockOffset);
        }
        ts = ByteSource.getUInt(b, p + 12, bigEndian) << 32 | ByteSource.getUInt(b, p + 16, bigEndian);
        caplen = ByteSource.getInt(b, p + 20, bigEndian);
        origlen = ByteSource.getInt(b, p + 24, bigEndian);
        data = p + 28;
        if (caplen < 0 || caplen > length - 32) {
            return damage("packet length " + Integer.toUnsignedString(caplen) + " exceeds block length " + length
                    + " at offset " + blockOffset);
        }
        capturedLength = caplen;
        originalLength = origlen;
        dataOffset = data;
        linkType = ifLinkType[ifc];
        interfaceId = ifc;
        timestampNanos = toNanos(ifc, ts);
        return true;
    }

    private boolean bogusLength(int length, long offset) {
        return damage("bogus block length " + Integer.toUnsignedString(length) + " at offset " + offset);
    }

    private boolean lengthMismatch(int length, int trailer, long offset) {
        return damage("bogus block length " + Integer.toUnsignedString(length) + " (trailer says "
                + Integer.toUnsignedString(trailer) + ") at offset " + offset);
    }

    @Override
    public int interfaceId() {
        return interfaceId;
    }

    /** Interfaces declared so far in the current section. */
    public int interfaceCount() {
        return interfaces;
    }

    @Override
    public String format() {
        return "pcapng";
    }
}
