package io.gridscout.bench;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams a classic little-endian pcap (microsecond timestamps, Ethernet) in constant memory. */
public final class PcapOut implements Closeable {
    private final OutputStream out;
    private final byte[] hdr = new byte[16];
    private long packets, bytes;

    public PcapOut(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        byte[] g = new byte[24];
        le32(g, 0, 0xA1B2C3D4);
        le16(g, 4, 2);
        le16(g, 6, 4);
        le32(g, 16, 262_144);
        le32(g, 20, 1);
        out.write(g);
        bytes = 24;
    }

    public void write(long timeNanos, byte[] frame, int len) throws IOException {
        long us = timeNanos / 1000;
        le32(hdr, 0, (int) (us / 1_000_000));
        le32(hdr, 4, (int) (us % 1_000_000));
        le32(hdr, 8, len);
        le32(hdr, 12, len);
        out.write(hdr);
        out.write(frame, 0, len);
        packets++;
        bytes += 16 + len;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    static void le32(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }

    static void le16(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
    }
}
