package io.gridscout.protocols.modbus;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Text;

import java.util.HashMap;
import java.util.Map;

/**
 * SunSpec (Modbus register maps of PV inverters, meters, storage) as seen passively in one Modbus session.
 *
 * <p>A unit becomes SunSpec when a read response covering base register 40000, 50000 or 0 carries the marker
 * "SunS" (0x5375 0x6E53). From there the model headers (ID, L) are followed as the client reads them, in any
 * chunking: the next header sits at header + 2 + L, the walk ends at ID 0xFFFF. Only what is interpreted is
 * kept: the walk position, the model list (capped) and the body of Common Model 1. Non-SunSpec traffic costs a
 * few comparisons per read response and no memory.
 *
 * <p>Identity: Model 1 points Mn/Md/Opt/Vr/SN/DA as vendor/model/options/firmware/serial/deviceAddress
 * ("sunspec.model1"); when the walk ends (or the session closes) the model id list and a device kind
 * ("sunspec"). An Identity has no unit id, so the first SunSpec unit of a session reports plain names and
 * further units (gateways) report "unit&lt;id&gt;.&lt;name&gt;".
 *
 * <p>Writes (FC 6/16) into a known model add an operation named after the point, e.g. "sunspec:123.WMaxLimPct",
 * with the Modbus function code and kind CONTROL for control/settings models (WRITE otherwise).
 */
final class SunSpecTracker {
    static final int MAX_UNITS = 8;
    static final int MAX_MODELS = 64;
    static final int MAX_POINT_OPS = 16;              // named operations per write request
    static final int MARKER_HI = 0x5375, MARKER_LO = 0x6E53;
    private static final int[] BASES = {40000, 50000, 0};
    private static final int M1_MAX = 66;             // Mn..DA + Pad
    // Model 1 points: body offset, length in registers, attribute
    private static final int[] M1_OFF = {0, 16, 32, 40, 48, 64};
    private static final int[] M1_LEN = {16, 16, 8, 8, 16, 1};
    private static final String[] M1_ATTR = {"vendor", "model", "options", "firmware", "serial", "deviceAddress"};

    static final String SOURCE_MODEL1 = "sunspec.model1";
    static final String SOURCE = "sunspec";

    private static final String[] M123 = names(123, "Conn_WinTms", "Conn_RvrtTms", "Conn", "WMaxLimPct",
            "WMaxLimPct_WinTms", "WMaxLimPct_RvrtTms", "WMaxLimPct_RmpTms", "WMaxLim_Ena", "OutPFSet",
            "OutPFSet_WinTms", "OutPFSet_RvrtTms", "OutPFSet_RmpTms", "OutPFSet_Ena", "VArWMaxPct", "VArMaxPct",
            "VArAvalPct", "VArPct_WinTms", "VArPct_RvrtTms", "VArPct_RmpTms", "VArPct_Mod", "VArPct_Ena",
            "WMaxLimPct_SF", "OutPFSet_SF", "VArPct_SF");
    private static final String[] M124 = names(124, "WChaMax", "WChaGra", "WDisChaGra", "StorCtl_Mod", "VAChaMax",
            "MinRsvPct", "ChaState", "StorAval", "InBatV", "ChaSt", "OutWRte", "InWRte", "InOutWRte_WinTms",
            "InOutWRte_RvrtTms", "InOutWRte_RmpTms", "ChaGriSet", "WChaMax_SF", "WChaDisChaGra_SF", "VAChaMax_SF",
            "MinRsvPct_SF", "ChaState_SF", "StorAval_SF", "InBatV_SF", "InOutWRte_SF");
    private static final String[] M1 = names(1, "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn", "Mn",
            "Mn", "Mn", "Mn", "Mn", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md", "Md",
            "Md", "Md", "Opt", "Opt", "Opt", "Opt", "Opt", "Opt", "Opt", "Opt", "Vr", "Vr", "Vr", "Vr", "Vr", "Vr", "Vr",
            "Vr", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "SN", "DA",
            "Pad");
    private static final int MAX_MODEL_NAMES = 64;

    private final Session s;
    private Unit[] units;
    private int unitCount;
    private long unitsDropped, modelsDropped;
    private final Map<Integer, String> modelOpNames = new HashMap<>();

    SunSpecTracker(Session s) {
        this.s = s;
    }

    /** One unit id's SunSpec map as learned so far. */
    private static final class Unit {
        final int id;
        final String prefix;
        final int base;
        int nextHdr;
        int hdrId = -1, hdrLen = -1;             // a header read in two halves
        final int[] modelId = new int[MAX_MODELS], modelAddr = new int[MAX_MODELS], modelLen = new int[MAX_MODELS];
        int models;
        boolean ended, summarised;
        int m1Addr = -1, m1Len;
        byte[] m1;                                // body of model 1, 2 bytes per register
        long m1Filled, m1Filled2;                 // registers 0..63, 64..65 known
        int m1Reported;                           // bit per Model 1 point

        Unit(int id, int base, String prefix) {
            this.id = id;
            this.base = base;
            this.nextHdr = base + 2;
            this.prefix = prefix;
        }
    }

    long unitsDropped() {
        return unitsDropped;
    }

    long modelsDropped() {
        return modelsDropped;
    }

    // ------------------------------------------------------------------ reads

    /**
     * A FC 3/4 response paired with its request: {@code regs} registers from {@code start} at {@code b[off]}.
     */
    void registers(int unitId, int start, int qty, byte[] b, int off, int byteCount, long t) {
        int n = Math.min(qty, byteCount / 2);
        if (n <= 0 || start < 0) return;
        Unit u = find(unitId);
        if (u == null) {
            u = detect(unitId, start, n, b, off);
            if (u == null) return;
        }
        walk(u, start, n, b, off, t);
        if (u.m1Addr >= 0) model1(u, start, n, b, off, t);
    }

    private Unit detect(int unitId, int start, int n, byte[] b, int off) {
        for (int base : BASES) {
            if (start <= base && base + 1 < start + n
                    && reg(b, off, base - start) == MARKER_HI && reg(b, off, base + 1 - start) == MARKER_LO) {
                if (units == null) units = new Unit[MAX_UNITS];
                if (unitCount == MAX_UNITS) {
                    unitsDropped++;
                    return null;
                }
                String prefix = unitCount == 0 ? "" : "unit" + unitId + ".";
                Unit u = new Unit(unitId, base, prefix);
                units[unitCount++] = u;
                return u;
            }
        }
        return null;
    }

    /** Follows model headers covered by this response; several in one response when the client reads a block. */
    private void walk(Unit u, int start, int n, byte[] b, int off, long t) {
        int end = start + n;
        while (!u.ended) {
            int h = u.nextHdr;
            if (h >= start && h < end) u.hdrId = reg(b, off, h - start);
            if (h + 1 >= start && h + 1 < end) u.hdrLen = reg(b, off, h + 1 - start);
            if (u.hdrId < 0 || u.hdrLen < 0) return;
            int id = u.hdrId, len = u.hdrLen;
            u.hdrId = u.hdrLen = -1;
            if (id == 0xFFFF) {
                u.ended = true;
                summarise(u, t);
                return;
            }
            if (u.models < MAX_MODELS) {
                u.modelId[u.models] = id;
                u.modelAddr[u.models] = h;
                u.modelLen[u.models] = len;
                u.models++;
            } else {
                modelsDropped++;
            }
            if (id == 1 && u.m1Addr < 0) {
                u.m1Addr = h;
                u.m1Len = Math.min(len, M1_MAX);
                u.m1 = new byte[M1_MAX * 2];
            }
            int next = h + 2 + len;
            if (next > 0xFFFF || u.models >= MAX_MODELS) {       // walked off the register space: stop here
                u.ended = true;
                summarise(u, t);
                return;
            }
            u.nextHdr = next;
        }
    }

    private void model1(Unit u, int start, int n, byte[] b, int off, long t) {
        int body = u.m1Addr + 2;
        int from = Math.max(start, body), to = Math.min(start + n, body + u.m1Len);
        if (from >= to) return;
        for (int a = from; a < to; a++) {
            int i = a - body;
            int src = off + 2 * (a - start);
            u.m1[2 * i] = b[src];
            u.m1[2 * i + 1] = b[src + 1];
            if (i < 64) u.m1Filled |= 1L << i;
            else u.m1Filled2 |= 1L << (i - 64);
        }
        for (int p = 0; p < M1_OFF.length; p++) {
            if ((u.m1Reported & (1 << p)) != 0 || !filled(u, M1_OFF[p], M1_LEN[p])) continue;
            u.m1Reported |= 1 << p;
            String v = p == 5 ? Integer.toString(((u.m1[128] & 0xFF) << 8) | (u.m1[129] & 0xFF))
                    : Text.printable(u.m1, 2 * M1_OFF[p], 2 * M1_LEN[p]);
            if (v.isEmpty()) continue;
            s.facts().accept(new Fact.Identity(t, server(), u.prefix + M1_ATTR[p], v, SOURCE_MODEL1, Confidence.STATED));
        }
    }

    private static boolean filled(Unit u, int from, int len) {
        if (from + len > u.m1Len) return false;
        for (int i = from; i < from + len; i++) {
            long bit = i < 64 ? (u.m1Filled >>> i) & 1 : (u.m1Filled2 >>> (i - 64)) & 1;
            if (bit == 0) return false;
        }
        return true;
    }

    private void summarise(Unit u, long t) {
        if (u.summarised || u.models == 0) return;
        u.summarised = true;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < u.models; i++) {
            if (i > 0) sb.append(',');
            sb.append(u.modelId[i]);
        }
        Endpoint server = server();
        s.facts().accept(new Fact.Identity(t, server, u.prefix + "sunspecModels", sb.toString(), SOURCE, Confidence.STATED));
        String kind = deviceKind(u.modelId, u.models);
        if (kind != null) s.facts().accept(new Fact.Identity(t, server, u.prefix + "deviceKind", kind, SOURCE, Confidence.STATED));
    }

    /** The kind of device the model list describes; an inverter wins over its own meter or battery models. */
    static String deviceKind(int[] ids, int n) {
        boolean inverter = false, meter = false, storage = false, combiner = false, met = false;
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if ((id >= 101 && id <= 103) || (id >= 111 && id <= 113) || id == 160 || id == 701) inverter = true;
            else if ((id >= 201 && id <= 204) || (id >= 211 && id <= 214) || id == 220) meter = true;
            else if (id == 124 || (id >= 801 && id <= 805)) storage = true;
            else if (id >= 401 && id <= 404) combiner = true;
            else if (id >= 302 && id <= 308) met = true;
        }
        if (inverter) return "inverter";
        if (storage) return "storage";
        if (meter) return "meter";
        if (combiner) return "stringCombiner";
        if (met) return "meteorologicalStation";
        return null;
    }

    // ------------------------------------------------------------------ writes

    /** A FC 6/16 request writing {@code qty} registers from {@code start}. */
    void write(int unitId, int fc, int start, int qty, long t) {
        Unit u = find(unitId);
        if (u == null || u.models == 0 || qty <= 0 || start < 0) return;
        int end = start + qty, ops = 0;
        for (int m = 0; m < u.models && ops < MAX_POINT_OPS; m++) {
            int body = u.modelAddr[m] + 2, bodyEnd = body + u.modelLen[m];
            int from = Math.max(start, body), to = Math.min(end, bodyEnd);
            if (from >= to) continue;
            int id = u.modelId[m];
            OperationKind kind = controlModel(id) ? OperationKind.CONTROL : OperationKind.WRITE;
            String[] points = id == 123 ? M123 : id == 124 ? M124 : id == 1 ? M1 : null;
            if (points == null) {
                s.operation(fc, modelName(id), kind);
                ops++;
                continue;
            }
            String last = null;
            for (int a = from; a < to && ops < MAX_POINT_OPS; a++) {
                int i = a - body;
                String name = i < points.length ? points[i] : modelName(id);
                if (name == last) continue;            // multi-register points count once
                last = name;
                s.operation(fc, name, kind);
                ops++;
            }
        }
    }

    /** Control and settings models: immediate controls, settings, curves, DER controls, storage controls. */
    static boolean controlModel(int id) {
        return id == 121 || (id >= 123 && id <= 145) || (id >= 702 && id <= 712) || (id >= 802 && id <= 805);
    }

    private String modelName(int id) {
        String n = modelOpNames.get(id);
        if (n != null) return n;
        if (modelOpNames.size() >= MAX_MODEL_NAMES) return "sunspec:model";
        n = "sunspec:" + id;
        modelOpNames.put(id, n);
        return n;
    }

    void close(long t) {
        for (int i = 0; i < unitCount; i++) summarise(units[i], t);
    }

    // ------------------------------------------------------------------ helpers

    private Unit find(int unitId) {
        for (int i = 0; i < unitCount; i++) if (units[i].id == unitId) return units[i];
        return null;
    }

    private Endpoint server() {
        int side = s.serverSide();
        return s.endpoint(side < 0 ? 1 : side);
    }

    private static int reg(byte[] b, int off, int i) {
        int p = off + 2 * i;
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static String[] names(int model, String... points) {
        String[] out = new String[points.length];
        String prev = null;
        for (int i = 0; i < points.length; i++) {
            // identical strings for consecutive registers of one point (compared by reference above)
            out[i] = prev != null && points[i].equals(points[i - 1]) ? prev : "sunspec:" + model + "." + points[i];
            prev = out[i];
        }
        return out;
    }
}
