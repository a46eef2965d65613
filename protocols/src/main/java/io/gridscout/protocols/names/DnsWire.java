package io.gridscout.protocols.names;

/**
 * RFC 1035 message reading shared by DNS, mDNS and NetBIOS name service: names with compression pointers
 * (at most 16 jumps, 255 bytes) read into a reusable buffer, label bytes joined by dots.
 */
final class DnsWire {
    final byte[] name = new byte[255];
    int nameLen;
    /** Position after the name just read (after the first pointer when compressed). */
    int next;

    /** Reads the name at p of the message [msg, end); false when malformed. */
    boolean readName(byte[] b, int msg, int p, int end) {
        nameLen = 0;
        next = -1;
        for (int jumps = 0; jumps < 16; ) {
            if (p >= end) return false;
            int l = b[p] & 0xFF;
            if (l == 0) {
                if (next < 0) next = p + 1;
                return true;
            }
            if ((l & 0xC0) == 0xC0) {
                if (p + 1 >= end) return false;
                if (next < 0) next = p + 2;
                p = msg + (((l & 0x3F) << 8) | (b[p + 1] & 0xFF));
                jumps++;
                continue;
            }
            if ((l & 0xC0) != 0 || p + 1 + l > end) return false;
            if (nameLen + l + 1 > name.length) return false;
            if (nameLen > 0) name[nameLen++] = '.';
            System.arraycopy(b, p + 1, name, nameLen, l);
            nameLen += l;
            p += 1 + l;
        }
        return false;
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    /** Hash of the name (ASCII case folded) and an address, for the once-per-(ip, name) set. */
    long hash(long hi, long lo, long salt) {
        long h = salt * 0x9E3779B97F4A7C15L ^ hi * 31 ^ lo;
        for (int i = 0; i < nameLen; i++) {
            int c = name[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            h = h * 1_000_003L + c;
        }
        return h;
    }
}
