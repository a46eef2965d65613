package io.gridscout.protocols.capture;

import java.io.IOException;

/**
 * What the pcap and pcapng readers share: the source, the current record (a view into the source's buffer), and
 * the end-or-damage state. Subclasses fill the record fields in {@link #next()}.
 */
abstract class RecordReader implements CaptureReader {
    final ByteSource src;

    int dataOffset;
    int capturedLength;
    int originalLength;
    long timestampNanos;
    int linkType;
    boolean done;
    String damage;

    RecordReader(ByteSource src) {
        this.src = src;
    }

    /** Ends the stream as damage (with the source's own error, if any); always false, for {@code return damage(...)}. */
    final boolean damage(String message) {
        done = true;
        String streamError = src.streamError();
        damage = streamError == null ? message : message + ": " + streamError;
        return false;
    }

    @Override
    public final byte[] data() {
        return src.buf;
    }

    @Override
    public final int offset() {
        return dataOffset;
    }

    @Override
    public final int capturedLength() {
        return capturedLength;
    }

    @Override
    public final int originalLength() {
        return originalLength;
    }

    @Override
    public final long timestampNanos() {
        return timestampNanos;
    }

    @Override
    public final int linkType() {
        return linkType;
    }

    @Override
    public final long position() {
        return src.offset();
    }

    @Override
    public final String damage() {
        return damage;
    }

    @Override
    public final void recycleBuffers(BufferRecycler recycler) {
        src.recycler = recycler;
    }

    @Override
    public final void close() throws IOException {
        done = true;
        src.close();
    }
}
