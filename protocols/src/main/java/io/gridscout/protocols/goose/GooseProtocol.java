package io.gridscout.protocols.goose;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.util.Ber;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * IEC 61850-8-1 GOOSE (EtherType 0x88B8) and IEC 61850-9-2 Sampled Values (0x88BA). The publisher (source MAC)
 * becomes an asset with one entry per control block (gocbRef / svID): Service role "publisher", ServiceDetails
 * gocbRef/datSet/goID/svID/appId/confRev/vlanId/simulation once per new value, Identity name/logicalDevice.
 *
 * <p>IED name rule: the logical device is the part of gocbRef before '/'. By IEC 61850-6 the LD name is the IED
 * name followed by the LD instance (ldInst); the IED name is taken as the LD name minus a trailing "LD" + digits
 * (e.g. "AA1C1Q01A1LD0" -> "AA1C1Q01A1") or minus one of the common ldInst words CTRL, PROT, MEAS, SYS, CFG.
 * When neither matches, the LD name itself is reported as name with confidence REPORTED instead of STATED.
 */
public final class GooseProtocol implements EtherTypeProtocol {
    public static final int ETHERTYPE_GOOSE = 0x88B8;
    public static final int ETHERTYPE_SV = 0x88BA;
    /** Control blocks remembered before the table is reset (and evictions counted). */
    public static final int MAX_CONTROL_BLOCKS = 1024;

    @Override public String name() { return "goose"; }

    @Override public boolean handles(int etherType) {
        return etherType == ETHERTYPE_GOOSE || etherType == ETHERTYPE_SV;
    }

    @Override public Decoder newDecoder(FactSink sink) { return new Decoder(sink); }

    /** Per-control-block state; strings are kept only once learned. */
    static final class ControlBlock {
        final long mac;
        final int appId;
        final byte[] ref;
        final Endpoint endpoint;
        final Transport transport;
        final String proto;
        byte[] datSet;
        byte[] goId;
        long confRev = -1;
        long stNum = -1;
        long sqNum = -1;
        long stNumChanges;
        long sqNumGaps;
        long frames;
        boolean simulationSeen;
        int vlanMask; // small set of VLAN ids already reported (up to 4)
        int[] vlans = new int[4];

        ControlBlock(long mac, int appId, byte[] ref, String proto, Endpoint endpoint, Transport transport) {
            this.mac = mac;
            this.appId = appId;
            this.ref = ref;
            this.proto = proto;
            this.endpoint = endpoint != null ? endpoint : new Endpoint(mac, null, 0);
            this.transport = transport;
        }
    }

    public static final class Decoder implements EtherTypeDecoder {
        private static final int MAX_STRING = 255;
        private final FactSink sink;
        private final int maxBlocks;
        private final ControlBlock[] table;
        // publisher of the APDU being decoded when it is not a bare MAC (routable GOOSE/SV over UDP)
        private Endpoint curEndpoint;
        private Transport curTransport = Transport.ETHERNET;
        private int size;
        private long evictions;
        private long malformed;
        private long frames;
        private final Ber ber = new Ber();
        private final Ber inner = new Ber();
        private final Ber third = new Ber();

        Decoder(FactSink sink) { this(sink, MAX_CONTROL_BLOCKS); }

        /** A decoder remembering at most {@code maxBlocks} control blocks (rounded down to a power of two, at most 1024). */
        public Decoder(FactSink sink, int maxBlocks) {
            int n = Integer.highestOneBit(Math.max(1, Math.min(maxBlocks, MAX_CONTROL_BLOCKS)));
            this.sink = sink;
            this.maxBlocks = n;
            this.table = new ControlBlock[n * 2];
        }

        public long evictions() { return evictions; }
        public long malformedCount() { return malformed; }
        public long frames() { return frames; }
        public int controlBlocks() { return size; }

        /** Total stNum changes seen for a control block (0 if unknown); for tests and stats. */
        public long stNumChanges(long mac, int appId, String ref) {
            ControlBlock cb = find(mac, appId, ref.getBytes(StandardCharsets.ISO_8859_1), 0, ref.length(), false, "goose");
            return cb == null ? 0 : cb.stNumChanges;
        }

        @Override
        public void onFrame(int etherType, long srcMac, long dstMac, int vlanId, byte[] buf, int off, int len, long timeNanos) {
            try {
                frames++;
                if (buf == null || off < 0 || len < 0 || off + len > buf.length) return;
                String proto = etherType == ETHERTYPE_SV ? "sv" : "goose";
                if (len < 8) { bad(timeNanos, srcMac, proto, "short header"); return; }
                int appId = u16(buf, off);
                int declared = u16(buf, off + 2);
                int reserved1 = u16(buf, off + 4);
                int end = off + len;
                if (declared >= 8 && declared <= len) end = off + declared; // length covers the APPID header too
                boolean simulated = (reserved1 & 0x8000) != 0; // IEC 61850-8-1 Ed2: "Simulate" bit
                pdu(etherType == ETHERTYPE_SV, srcMac, appId, vlanId, simulated, buf, off + 8, end, timeNanos);
            } catch (RuntimeException e) {
                bad(timeNanos, srcMac, "goose", "decoder error " + e.getClass().getSimpleName());
            }
        }

        /**
         * One GOOSE (goosePdu, tag 0x61) or SV (savPdu, 0x60) APDU carried by something other than an Ethernet frame
         * (IEC 61850-90-5 session payload): the control blocks belong to {@code publisher} over {@code transport}.
         */
        public void onApdu(boolean sv, Endpoint publisher, Transport transport, int appId, boolean simulated,
                           byte[] buf, int off, int len, long timeNanos) {
            long mac = publisher.mac();
            try {
                if (buf == null || off < 0 || len < 0 || off + len > buf.length) return;
                curEndpoint = publisher;
                curTransport = transport;
                pdu(sv, mac, appId, -1, simulated, buf, off, off + len, timeNanos);
            } catch (RuntimeException e) {
                bad(timeNanos, mac, sv ? "sv" : "goose", "decoder error " + e.getClass().getSimpleName());
            } finally {
                curEndpoint = null;
                curTransport = Transport.ETHERNET;
            }
        }

        private void pdu(boolean isSv, long mac, int appId, int vlanId, boolean simulated, byte[] buf, int pos, int end, long t) {
            String proto = isSv ? "sv" : "goose";
            if (!ber.readDefinite(buf, pos, end)) { bad(t, mac, proto, "bad pdu header"); return; }
            if (!isSv && ber.first == 0x61) {
                goose(mac, appId, vlanId, simulated, buf, ber.valueOff, ber.valueOff + ber.valueLen, t);
            } else if (isSv && ber.first == 0x60) {
                sv(mac, appId, vlanId, simulated, buf, ber.valueOff, ber.valueOff + ber.valueLen, t);
            } else {
                bad(t, mac, proto, "unexpected pdu tag");
            }
        }

        private void goose(long mac, int appId, int vlan, boolean simulated, byte[] b, int pos, int end, long t) {
            int refOff = -1, refLen = 0, dsOff = -1, dsLen = 0, idOff = -1, idLen = 0;
            long stNum = -1, sqNum = -1, confRev = -1;
            boolean test = false;
            while (pos < end && ber.readDefinite(b, pos, end)) {
                int v = ber.valueOff, l = ber.valueLen;
                switch (ber.first) {
                    case 0x80 -> { refOff = v; refLen = l; }
                    case 0x82 -> { dsOff = v; dsLen = l; }
                    case 0x83 -> { idOff = v; idLen = l; }
                    case 0x85 -> stNum = Ber.unsigned(b, v, l);
                    case 0x86 -> sqNum = Ber.unsigned(b, v, l);
                    case 0x87 -> test = l > 0 && b[v] != 0;
                    case 0x88 -> confRev = Ber.unsigned(b, v, l);
                    default -> { }
                }
                if (ber.first == 0xAB) break; // allData is last and large; nothing after it we need
                pos = v + l;
            }
            if (refOff < 0 || refLen == 0 || refLen > MAX_STRING) { bad(t, mac, "goose", "missing gocbRef"); return; }
            ControlBlock cb = find(mac, appId, b, refOff, refLen, true, "goose");
            if (cb == null) return;
            cb.frames++;
            if (cb.frames == 1) learnedBlock(cb, "gocbRef", t);
            if (dsOff >= 0 && dsLen <= MAX_STRING && !same(cb.datSet, b, dsOff, dsLen)) {
                cb.datSet = Arrays.copyOfRange(b, dsOff, dsOff + dsLen);
                detail(cb, t, "datSet", str(cb.datSet));
            }
            if (idOff >= 0 && idLen <= MAX_STRING && !same(cb.goId, b, idOff, idLen)) {
                cb.goId = Arrays.copyOfRange(b, idOff, idOff + idLen);
                detail(cb, t, "goID", str(cb.goId));
            }
            common(cb, vlan, simulated || test, confRev, t);
            if (stNum >= 0) {
                if (cb.stNum >= 0 && stNum != cb.stNum) cb.stNumChanges++;
                else if (cb.stNum == stNum && cb.sqNum >= 0 && sqNum >= 0 && sqNum != cb.sqNum + 1 && sqNum != 0) cb.sqNumGaps++;
                cb.stNum = stNum;
                cb.sqNum = sqNum;
            }
        }

        private void sv(long mac, int appId, int vlan, boolean simulated, byte[] b, int pos, int end, long t) {
            while (pos < end && ber.readDefinite(b, pos, end)) {
                int v = ber.valueOff, l = ber.valueLen;
                pos = v + l;
                if (ber.first != 0xA2) continue;
                int p = v, e = v + l;
                // seqASDU: one ASDU (0x30) per sample stream
                while (p < e && inner.readDefinite(b, p, e)) {
                    int av = inner.valueOff, al = inner.valueLen;
                    p = av + al;
                    if (inner.first == 0x30) asdu(mac, appId, vlan, simulated, b, av, av + al, t);
                }
            }
        }

        private void asdu(long mac, int appId, int vlan, boolean simulated, byte[] b, int pos, int end, long t) {
            Ber x = third; // SV ASDUs nest one level below seqASDU
            int idOff = -1, idLen = 0, dsOff = -1, dsLen = 0;
            long confRev = -1;
            while (pos < end && x.readDefinite(b, pos, end)) {
                int v = x.valueOff, l = x.valueLen;
                switch (x.first) {
                    case 0x80 -> { idOff = v; idLen = l; }
                    case 0x81 -> { dsOff = v; dsLen = l; }
                    case 0x83 -> confRev = Ber.unsigned(b, v, l);
                    default -> { }
                }
                pos = v + l;
            }
            if (idOff < 0 || idLen == 0 || idLen > MAX_STRING) { bad(t, mac, "sv", "missing svID"); return; }
            ControlBlock cb = find(mac, appId, b, idOff, idLen, true, "sv");
            if (cb == null) return;
            cb.frames++;
            if (cb.frames == 1) learnedBlock(cb, "svID", t);
            if (dsOff >= 0 && dsLen <= MAX_STRING && !same(cb.datSet, b, dsOff, dsLen)) {
                cb.datSet = Arrays.copyOfRange(b, dsOff, dsOff + dsLen);
                detail(cb, t, "datSet", str(cb.datSet));
            }
            common(cb, vlan, simulated, confRev, t);
        }

        private void learnedBlock(ControlBlock cb, String refName, long t) {
            sink.accept(new Fact.Service(t, cb.endpoint, cb.proto, cb.transport, "publisher"));
            String ref = str(cb.ref);
            detail(cb, t, refName, ref);
            detail(cb, t, "appId", (long) cb.appId);
            int slash = ref.indexOf('/');
            String ld = slash > 0 ? ref.substring(0, slash) : null;
            if (ld != null) {
                sink.accept(new Fact.Identity(t, cb.endpoint, "logicalDevice", ld, cb.proto, Confidence.STATED));
                String ied = iedName(ld);
                sink.accept(new Fact.Identity(t, cb.endpoint, "name", ied != null ? ied : ld, cb.proto,
                        ied != null ? Confidence.STATED : Confidence.REPORTED));
            }
        }

        private void common(ControlBlock cb, int vlan, boolean simulated, long confRev, long t) {
            if (confRev >= 0 && confRev != cb.confRev) {
                cb.confRev = confRev;
                detail(cb, t, "confRev", confRev);
            }
            if (simulated && !cb.simulationSeen) {
                cb.simulationSeen = true;
                detail(cb, t, "simulation", 1L);
            }
            if (vlan >= 0) {
                for (int i = 0; i < 4; i++) if ((cb.vlanMask & (1 << i)) != 0 && cb.vlans[i] == vlan) return;
                for (int i = 0; i < 4; i++) {
                    if ((cb.vlanMask & (1 << i)) == 0) {
                        cb.vlanMask |= 1 << i;
                        cb.vlans[i] = vlan;
                        detail(cb, t, "vlanId", (long) vlan);
                        return;
                    }
                }
            }
        }

        private void detail(ControlBlock cb, long t, String name, Object value) {
            sink.accept(new Fact.ServiceDetail(t, cb.endpoint, cb.proto, cb.transport, "publisher", name, value));
        }

        private ControlBlock find(long mac, int appId, byte[] b, int off, int len, boolean create, String proto) {
            long h = mac * 0x9E3779B97F4A7C15L + appId;
            for (int i = 0; i < len; i++) h = (h ^ (b[off + i] & 0xFF)) * 0x100000001B3L;
            if (proto != null) h ^= proto.hashCode();
            int mask = table.length - 1;
            int i = (int) (h ^ (h >>> 29)) & mask;
            for (int probes = 0; probes < table.length; probes++, i = (i + 1) & mask) {
                ControlBlock cb = table[i];
                if (cb == null) break;
                if (cb.mac == mac && cb.appId == appId && (proto == null || cb.proto.equals(proto))
                        && Arrays.equals(cb.ref, 0, cb.ref.length, b, off, off + len)) return cb;
            }
            if (!create) return null;
            if (size >= maxBlocks) {
                // Bounded: forget everything (rarely hit; re-learning re-emits idempotent facts)
                evictions += size;
                Arrays.fill(table, null);
                size = 0;
                i = (int) (h ^ (h >>> 29)) & mask;
            }
            while (table[i] != null) i = (i + 1) & mask;
            ControlBlock cb = new ControlBlock(mac, appId, Arrays.copyOfRange(b, off, off + len), proto, curEndpoint, curTransport);
            table[i] = cb;
            size++;
            return cb;
        }

        private void bad(long t, long mac, String proto, String reason) {
            malformed++;
            if (malformed <= 64 || (malformed & 1023) == 0) {
                sink.accept(new Fact.Malformed(t, curEndpoint != null ? curEndpoint : new Endpoint(mac, null, 0), proto, reason));
            }
        }
    }

    /** IED name from a logical device name (see class comment), or null when no known ldInst suffix matches. */
    public static String iedName(String ld) {
        int n = ld.length();
        int d = n;
        while (d > 0 && Character.isDigit(ld.charAt(d - 1))) d--;
        if (d >= 3 && ld.regionMatches(true, d - 2, "LD", 0, 2)) return ld.substring(0, d - 2);
        for (String s : LD_INST) {
            if (n > s.length() && ld.regionMatches(true, n - s.length(), s, 0, s.length())) return ld.substring(0, n - s.length());
        }
        return null;
    }

    private static final String[] LD_INST = {"CTRL", "PROT", "MEAS", "SYS", "CFG"};

    static boolean same(byte[] have, byte[] b, int off, int len) {
        return have != null && Arrays.equals(have, 0, have.length, b, off, off + len);
    }

    static String str(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    static int u16(byte[] b, int off) { return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF); }
}
