package io.gridscout.protocols.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a capture by its content: optional gzip, then classic pcap or pcapng. */
public final class Captures {
    private static final int GZIP_BUFFER = 1 << 16;

    private Captures() {}

    public static CaptureReader open(Path path) throws IOException {
        return open(Files.newInputStream(path), path.toString());
    }

    /**
     * Reads the magic and returns the matching reader, which owns {@code in} from then on (closing the reader
     * closes it). {@code name} is only used in messages. When it throws, {@code in} has been closed.
     */
    public static CaptureReader open(InputStream in, String name) throws IOException {
        InputStream[] opened = {in};
        try {
            return detect(opened, name);
        } catch (IOException | RuntimeException e) {
            try {
                opened[0].close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Whether the file starts with the gzip magic (its captures are inflated while read). */
    public static boolean isGzip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = new byte[2];
            return readFully(in, head) == 2 && isGzip(head);
        }
    }

    private static boolean isGzip(byte[] head) {
        return (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
    }

    private static CaptureReader detect(InputStream[] opened, String name) throws IOException {
        InputStream in = opened[0];
        byte[] head = new byte[4];
        int n = readFully(in, head);
        boolean compressed = false;
        if (n >= 2 && isGzip(head)) {
            compressed = true;
            try {
                in = new GZIPInputStream(new SequenceInputStream(new ByteArrayInputStream(head.clone(), 0, n), in), GZIP_BUFFER);
                opened[0] = in;
                n = readFully(in, head);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new CaptureFormatException(name + ": damaged gzip data (" + e.getMessage() + ")");
            }
        }
        if (n == 0) {
            throw new CaptureFormatException(name + ": empty file" + (compressed ? " (after gzip)" : ""));
        }
        if (n == 4) {
            int magic = ByteSource.getInt(head, 0, true);
            switch (magic) {
                case 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1 -> {
                    ByteSource src = new ByteSource(in, compressed, head, n,
                            PcapReader.RECORD_HEADER + PcapReader.MAX_PACKET);
                    return new PcapReader(src, name);
                }
                case PcapngReader.SHB -> {
                    ByteSource src = new ByteSource(in, compressed, head, n, PcapngReader.MAX_BUFFERED_BLOCK);
                    return new PcapngReader(src, name);
                }
                default -> { }
            }
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(Character.forDigit((head[i] >> 4) & 0xF, 16)).append(Character.forDigit(head[i] & 0xF, 16));
        }
        throw new CaptureFormatException(name + ": not a pcap or pcapng capture (magic 0x" + hex + ")");
    }

    private static int readFully(InputStream in, byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
