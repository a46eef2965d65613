package io.gridscout.protocols.dnp3;

/**
 * Walks the object headers of an application fragment (IEEE 1815-2012 clause 4.2.2.5 and annex A):
 * group, variation, qualifier (prefix code in bits 4-6, range code in bits 0-3), range/count, then the
 * objects. Object sizes come from a table of the common groups; where a size is unknown the walk stops
 * gracefully (the headers before it were still reported).
 */
public final class Dnp3Objects {
    /** Walk results. */
    public static final int OK = 0;
    public static final int UNKNOWN_SIZE = 1;
    public static final int TRUNCATED = 2;
    public static final int BAD_QUALIFIER = 3;

    /** Size table codes besides a positive byte size. */
    private static final int UNKNOWN = 0;
    private static final int BIT1 = -1;
    private static final int BIT2 = -2;
    /** Group 0 attribute: data type (1), length (1), value. */
    private static final int ATTRIBUTE = -3;
    /** g110..g113: the variation is the length. */
    private static final int OCTETS = -4;

    private static final int[][] SIZES = new int[256][];

    static {
        SIZES[0] = fill(256, ATTRIBUTE);
        SIZES[1] = new int[] {0, BIT1, 1};
        SIZES[2] = new int[] {0, 1, 7, 3};
        SIZES[3] = new int[] {0, BIT2, 1};
        SIZES[4] = new int[] {0, 1, 7, 3};
        SIZES[10] = new int[] {0, BIT1, 1};
        SIZES[11] = new int[] {0, 1, 7};
        SIZES[12] = new int[] {0, 11, 11, BIT1};
        SIZES[13] = new int[] {0, 1, 7};
        SIZES[20] = new int[] {0, 5, 3, 5, 3, 4, 2, 4, 2};
        SIZES[21] = new int[] {0, 5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2};
        SIZES[22] = new int[] {0, 5, 3, 5, 3, 11, 9, 11, 9};
        SIZES[23] = new int[] {0, 5, 3, 5, 3, 11, 9, 11, 9};
        SIZES[30] = new int[] {0, 5, 3, 4, 2, 5, 9};
        SIZES[31] = new int[] {0, 5, 3, 11, 9, 4, 2, 5, 9};
        SIZES[32] = new int[] {0, 5, 3, 11, 9, 5, 9, 11, 15};
        SIZES[33] = new int[] {0, 5, 3, 11, 9, 5, 9, 11, 15};
        SIZES[34] = new int[] {0, 2, 4, 4};
        SIZES[40] = new int[] {0, 5, 3, 5, 9};
        SIZES[41] = new int[] {0, 5, 3, 5, 9};
        SIZES[42] = new int[] {0, 5, 3, 11, 9, 5, 9, 11, 15};
        SIZES[43] = new int[] {0, 5, 3, 11, 9, 5, 9, 11, 15};
        SIZES[50] = new int[] {0, 6, 10, 6, 11};
        SIZES[51] = new int[] {0, 6, 6};
        SIZES[52] = new int[] {0, 2, 2};
        SIZES[60] = new int[] {0, 0, 0, 0, 0};
        SIZES[80] = new int[] {0, BIT1};
        SIZES[101] = new int[] {0, 2, 4, 8};
        SIZES[102] = new int[] {0, 1};
        SIZES[110] = fill(256, OCTETS);
        SIZES[111] = fill(256, OCTETS);
        SIZES[112] = fill(256, OCTETS);
        SIZES[113] = fill(256, OCTETS);
        // Secure Authentication: fixed ones (aggressive mode request CSQ+USR, key status request USR); the rest
        // are variable and travel with a size prefix (qualifier 0x5B).
        SIZES[120] = new int[] {0, 0, 0, 6, 2};
        SIZES[121] = new int[] {0, 7};
        SIZES[122] = new int[] {0, 7, 13};
    }

    private Dnp3Objects() {}

    private static int[] fill(int n, int code) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, code);
        return a;
    }

    /** Receives headers and (for group 0 only) the attribute objects. Must not keep the buffer. */
    public interface Visitor {
        void header(int group, int variation, int qualifier, long count);

        /** A group 0 device attribute: index, then data type, length and value at b[off..off+len). */
        void attribute(int variation, long index, int dataType, byte[] b, int off, int len);
    }

    /** Whether object headers of this request function carry object data (a READ names objects only). */
    public static boolean requestCarriesData(int func) {
        return !(func == Dnp3Functions.READ || (func >= Dnp3Functions.IMMED_FREEZE && func <= Dnp3Functions.FREEZE_CLEAR_NR)
                || (func >= Dnp3Functions.ENABLE_UNSOLICITED && func <= Dnp3Functions.ASSIGN_CLASS));
    }

    /**
     * Walks object headers in b[off, end). {@code withData} is false for requests whose headers name
     * objects without values (READ, freeze, (dis)enable unsolicited, assign class). Never throws.
     */
    public static int walk(byte[] b, int off, int end, boolean withData, Visitor v) {
        int p = off;
        while (p < end) {
            if (end - p < 3) return TRUNCATED;
            int group = b[p] & 0xFF;
            int var = b[p + 1] & 0xFF;
            int qual = b[p + 2] & 0xFF;
            p += 3;
            int prefix = (qual >>> 4) & 0x07;
            int range = qual & 0x0F;
            if ((qual & 0x80) != 0 || prefix == 7) return BAD_QUALIFIER;
            long start = 0;
            long count;
            int n;
            switch (range) {
                case 0, 3 -> n = 1;
                case 1, 4 -> n = 2;
                case 2, 5 -> n = 4;
                case 6 -> n = 0;
                case 7, 0xB -> n = -1;
                case 8 -> n = -2;
                case 9 -> n = -4;
                default -> { return BAD_QUALIFIER; }
            }
            if (n > 0) {
                if (end - p < 2 * n) return TRUNCATED;
                start = readLe(b, p, n);
                long stop = readLe(b, p + n, n);
                p += 2 * n;
                if (stop < start) return BAD_QUALIFIER;
                count = stop - start + 1;
            } else if (n < 0) {
                if (end - p < -n) return TRUNCATED;
                count = readLe(b, p, -n);
                p += -n;
            } else {
                count = 0;
            }
            v.header(group, var, qual, count);
            if (range == 6 || count == 0) continue;
            int prefixLen = prefix == 0 ? 0 : prefix <= 3 ? 1 << (prefix - 1) : 1 << (prefix - 4);
            boolean sizePrefix = prefix >= 4;
            // Headers only (a READ names points; index prefixes such as 0x17/0x28 still list them). Objects with
            // a size prefix (0x5B) carry data even in a READ, e.g. the g70v5 file-transport block request.
            if ((!withData && !sizePrefix) || var == 0 || group == 60) {
                if (sizePrefix) return UNKNOWN_SIZE;
                long skip = count * prefixLen;
                if (skip > end - p) return TRUNCATED;
                p += (int) skip;
                continue;
            }
            int[] row = SIZES[group];
            int size = row == null || var >= row.length ? UNKNOWN : row[var];
            if (size == BIT1 || size == BIT2) {
                if (prefix != 0) return UNKNOWN_SIZE;
                long bytes = (count * (size == BIT1 ? 1 : 2) + 7) / 8;
                if (bytes > end - p) return TRUNCATED;
                p += (int) bytes;
                continue;
            }
            if (size == OCTETS) size = var;
            if (group != 0 && !sizePrefix && size > 0) {
                // fixed-size points nobody interprets (analog/binary data in polls): step over them in one go
                long skip = count * (prefixLen + size);
                if (skip > end - p) return TRUNCATED;
                p += (int) skip;
                continue;
            }
            for (long i = 0; i < count; i++) {
                long index = start + i;
                if (prefixLen > 0 && !sizePrefix) {
                    if (end - p < prefixLen) return TRUNCATED;
                    index = readLe(b, p, prefixLen);
                    p += prefixLen;
                }
                int len;
                if (sizePrefix) {
                    if (end - p < prefixLen) return TRUNCATED;
                    long l = readLe(b, p, prefixLen);
                    p += prefixLen;
                    if (l > end - p) return TRUNCATED;
                    len = (int) l;
                } else if (size == ATTRIBUTE) {
                    if (end - p < 2) return TRUNCATED;
                    len = 2 + (b[p + 1] & 0xFF);
                } else if (size > 0) {
                    len = size;
                } else {
                    return UNKNOWN_SIZE;
                }
                if (len > end - p) return TRUNCATED;
                if (group == 0 && !sizePrefix && len >= 2) {
                    v.attribute(var, index, b[p] & 0xFF, b, p + 2, len - 2);
                }
                p += len;
            }
        }
        return OK;
    }

    private static long readLe(byte[] b, int p, int n) {
        long x = 0;
        for (int i = n - 1; i >= 0; i--) x = x << 8 | (b[p + i] & 0xFF);
        return x;
    }
}
