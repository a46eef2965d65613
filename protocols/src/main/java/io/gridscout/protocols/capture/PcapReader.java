package io.gridscout.protocols.capture;

import java.io.IOException;

/**
 * Classic libpcap files: magic a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds), either byte order.
 * Streams records in constant memory; a record that is cut short or longer than the snap length allows ends
 * the stream as damage.
 */
public final class PcapReader extends RecordReader {
    /** Largest packet accepted (Wireshark's standard maximum). */
    public static final int MAX_PACKET = 256 * 1024;
    /** Tolerance above the header's snaplen: some writers store a too-small snaplen. */
    static final int SNAPLEN_SLACK = 64 * 1024;
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final boolean bigEndian;
    private final long fracToNanos;
    private final int snapLength;
    private final int fcsLength;
    private final int maxRecord;

    /** The source holds at least the 4 magic bytes. */
    PcapReader(ByteSource src, String name) throws IOException {
        super(src);
        byte[] b = src.buf;
        int magic = ByteSource.getInt(b, src.pos, true);
        switch (magic) {
            case 0xA1B2C3D4 -> { bigEndian = true; fracToNanos = 1000; }
            case 0xD4C3B2A1 -> { bigEndian = false; fracToNanos = 1000; }
            case 0xA1B23C4D -> { bigEndian = true; fracToNanos = 1; }
            case 0x4D3CB2A1 -> { bigEndian = false; fracToNanos = 1; }
            default -> throw new CaptureFormatException(name + ": not a pcap capture (magic 0x" + Integer.toHexString(magic) + ")");
        }
        if (!src.require(FILE_HEADER)) {
            throw new CaptureFormatException(name + ": truncated pcap file header (" + src.available() + " bytes)");
        }
        b = src.buf;
        int p = src.pos;
        int major = ByteSource.getUShort(b, p + 4, bigEndian);
        if (major != 2) {
            throw new CaptureFormatException(name + ": unsupported pcap version " + major + "."
                    + ByteSource.getUShort(b, p + 6, bigEndian));
        }
        snapLength = ByteSource.getInt(b, p + 16, bigEndian);
        int lt = ByteSource.getInt(b, p + 20, bigEndian);
        // upper bits: FCS length present flag and FCS length in 16-bit words (pcap-savefile(5))
        linkType = lt & 0x03FFFFFF;
        fcsLength = (lt & 0x04000000) != 0 ? ((lt >>> 28) & 0xF) * 2 : -1;
        maxRecord = snapLength <= 0 || snapLength > MAX_PACKET - SNAPLEN_SLACK ? MAX_PACKET : snapLength + SNAPLEN_SLACK;
        src.pos = p + FILE_HEADER;
    }

    @Override
    public boolean next() throws IOException {
        if (done) {
            return false;
        }
        long recordOffset = src.offset();
        if (!src.require(RECORD_HEADER)) {
            return endOrDamage("truncated packet record header at offset ", recordOffset);
        }
        byte[] b = src.buf;
        int p = src.pos;
        long seconds = ByteSource.getUInt(b, p, bigEndian);
        long fraction = ByteSource.getUInt(b, p + 4, bigEndian);
        int caplen = ByteSource.getInt(b, p + 8, bigEndian);
        if (caplen < 0 || caplen > maxRecord) {
            return damage("packet record length " + Integer.toUnsignedString(caplen) + " exceeds limit " + maxRecord
                    + " at offset " + recordOffset);
        }
        int origlen = ByteSource.getInt(b, p + 12, bigEndian);
        if (!src.require(RECORD_HEADER + caplen)) {
            return damage("truncated packet record at offset " + recordOffset);
        }
        dataOffset = src.pos + RECORD_HEADER;
        src.pos = dataOffset + caplen;
        capturedLength = caplen;
        originalLength = origlen;
        timestampNanos = seconds * 1_000_000_000L + fraction * fracToNanos;
        return true;
    }

    private boolean endOrDamage(String what, long offset) {
        if (src.available() == 0 && src.streamError() == null) {
            done = true;
            return false;
        }
        return damage(what + offset);
    }

    /** Snap length from the file header. */
    public int snapLength() {
        return snapLength;
    }

    /** Bytes of frame check sequence at the end of each packet as the header declares, -1 when unknown. */
    public int fcsLength() {
        return fcsLength;
    }

    /** True for the nanosecond-resolution variant. */
    public boolean nanosecondResolution() {
        return fracToNanos == 1;
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    @Override
    public String format() {
        return "pcap";
    }
}
