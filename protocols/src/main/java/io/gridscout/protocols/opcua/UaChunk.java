package io.gridscout.protocols.opcua;

/** The 8-byte UACP chunk header: 3-letter message type, chunk type (F/C/A) and little-endian total size. */
final class UaChunk {
    static final int HEL = 1, ACK = 2, ERR = 3, RHE = 4, OPN = 5, MSG = 6, CLO = 7;
    /** Largest chunk we accept as plausible; real stacks negotiate 8 KiB..16 MiB buffers. */
    static final int MAX_SIZE = 16 << 20;

    private UaChunk() {}

    /** Message type code of the header at p (needs 4 bytes), 0 if none. */
    static int type(byte[] b, int p) {
        int c0 = b[p], c1 = b[p + 1], c2 = b[p + 2];
        int t;
        if (c0 == 'H' && c1 == 'E' && c2 == 'L') t = HEL;
        else if (c0 == 'A' && c1 == 'C' && c2 == 'K') t = ACK;
        else if (c0 == 'E' && c1 == 'R' && c2 == 'R') t = ERR;
        else if (c0 == 'R' && c1 == 'H' && c2 == 'E') t = RHE;
        else if (c0 == 'O' && c1 == 'P' && c2 == 'N') t = OPN;
        else if (c0 == 'M' && c1 == 'S' && c2 == 'G') t = MSG;
        else if (c0 == 'C' && c1 == 'L' && c2 == 'O') t = CLO;
        else return 0;
        int ct = b[p + 3];
        if (ct == 'F') return t;
        // only secure conversation messages are chunked (C = intermediate, A = abort)
        return (ct == 'C' || ct == 'A') && t >= OPN ? t : 0;
    }

    static int minSize(int type) {
        return switch (type) {
            case HEL -> 32;       // header + 5 UInt32 + EndpointUrl length
            case ACK -> 28;       // header + 5 UInt32
            case ERR -> 16;       // header + error + reason length
            case RHE -> 16;       // header + 2 string lengths
            default -> 16;        // header + secure channel id + (token id | policy length)
        };
    }

    /** Size of a plausible header at p (8 bytes available), or -1. */
    static int plausible(byte[] b, int p) {
        int t = type(b, p);
        if (t == 0) return -1;
        long size = UaBytes.u32(b, p + 4);
        if (size < minSize(t) || size > MAX_SIZE) return -1;
        if (t == HEL || t == ACK || t == ERR || t == RHE) {
            if (size > 8 + 20 + 4 + 4096 * 2) return -1; // strings of these are capped at 4096 bytes
        }
        return (int) size;
    }
}
