#!/usr/bin/env python3
"""replicate.py IN.pcap OUT.pcap N : N copies of an Ethernet/IPv4 pcap, each copy on its own addresses
(second octet xor copy index) and later in time, so every copy makes new flows."""
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
assert magic == 0xa1b2c3d4, 'little-endian microsecond pcap only'
hdr, recs, p = data[:24], [], 24
while p + 16 <= len(data):
    ts, us, incl, orig = struct.unpack('<IIII', data[p:p+16]); recs.append((ts, us, orig, bytearray(data[p+16:p+16+incl]))); p += 16 + incl
span = recs[-1][0] - recs[0][0] + 1
with open(dst, 'wb', buffering=1 << 20) as f:
    f.write(hdr)
    for c in range(n):
        for ts, us, orig, pkt in recs:
            q = bytearray(pkt)
            if len(q) >= 34 and q[12:14] == b'\x08\x00':
                q[27] ^= (c & 0xff); q[31] ^= (c & 0xff); q[26] ^= (c >> 8) & 0xff; q[30] ^= (c >> 8) & 0xff
            f.write(struct.pack('<IIII', ts + c * span, us, len(q), orig)); f.write(q)
