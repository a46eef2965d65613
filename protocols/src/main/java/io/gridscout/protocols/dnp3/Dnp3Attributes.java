package io.gridscout.protocols.dnp3;

import java.nio.charset.StandardCharsets;

/**
 * Group 0 device attributes (IEEE 1815-2012 clause 11.9.6 / table 11-x, checked against tshark's
 * dnp3.al.obj value names): attribute variation -> Identity attribute name, and value decoding by data type.
 * Variations without a well-known inventory meaning keep a descriptive camelCase name.
 */
public final class Dnp3Attributes {
    public static final int VSTR = 1;
    public static final int UINT = 2;
    public static final int INT = 3;
    public static final int FLT = 4;
    public static final int OSTR = 5;
    public static final int BSTR = 6;
    public static final int TIME = 7;
    public static final int UNCD = 8;

    private static final String[] NAMES = new String[256];

    static {
        NAMES[196] = "configId";
        NAMES[197] = "configVersion";
        NAMES[198] = "configBuildDate";
        NAMES[199] = "configChangeDate";
        NAMES[200] = "configSignature";
        NAMES[201] = "configSignatureAlgorithm";
        NAMES[202] = "mrid";
        NAMES[203] = "altitude";
        NAMES[204] = "longitude";
        NAMES[205] = "latitude";
        NAMES[206] = "secondaryOperator";
        NAMES[207] = "primaryOperator";
        NAMES[208] = "systemName";
        NAMES[209] = "secureAuthenticationVersion";
        NAMES[210] = "securityStatisticsPerAssociation";
        NAMES[211] = "userSpecificAttributes";
        NAMES[212] = "masterDataSetPrototypes";
        NAMES[213] = "outstationDataSetPrototypes";
        NAMES[214] = "masterDataSets";
        NAMES[215] = "outstationDataSets";
        NAMES[216] = "maxBinaryOutputsPerRequest";
        NAMES[217] = "localTimingAccuracy";
        NAMES[218] = "timingAccuracyDuration";
        NAMES[219] = "analogOutputEvents";
        NAMES[220] = "maxAnalogOutputIndex";
        NAMES[221] = "analogOutputs";
        NAMES[222] = "binaryOutputEvents";
        NAMES[223] = "maxBinaryOutputIndex";
        NAMES[224] = "binaryOutputs";
        NAMES[225] = "frozenCounterEvents";
        NAMES[226] = "frozenCounters";
        NAMES[227] = "counterEvents";
        NAMES[228] = "maxCounterIndex";
        NAMES[229] = "counters";
        NAMES[230] = "frozenAnalogInputs";
        NAMES[231] = "analogInputEvents";
        NAMES[232] = "maxAnalogInputIndex";
        NAMES[233] = "analogInputs";
        NAMES[234] = "doubleBitInputEvents";
        NAMES[235] = "maxDoubleBitInputIndex";
        NAMES[236] = "doubleBitInputs";
        NAMES[237] = "binaryInputEvents";
        NAMES[238] = "maxBinaryInputIndex";
        NAMES[239] = "binaryInputs";
        NAMES[240] = "maxTxFragmentSize";
        NAMES[241] = "maxRxFragmentSize";
        NAMES[242] = "firmware"; // device manufacturer's software version
        NAMES[243] = "hardware"; // device manufacturer's hardware version
        NAMES[245] = "location"; // user-assigned location
        NAMES[246] = "userAssignedId"; // user-assigned ID code/number
        NAMES[247] = "name"; // user-assigned device name
        NAMES[248] = "serial"; // device serial number
        NAMES[249] = "dnpSubsetConformance";
        NAMES[250] = "model"; // device product name and model
        NAMES[252] = "vendor"; // device manufacturer's name
    }

    private Dnp3Attributes() {}

    /** Identity attribute name of a g0 variation, or null for requests-only variations (254, 255) and gaps. */
    public static String name(int variation) {
        return NAMES[variation & 0xFF];
    }

    /** The value as text, or null when the type/length is not decodable or the value is empty. */
    public static String value(int dataType, byte[] b, int off, int len) {
        if (len <= 0 || len > 255) return null;
        switch (dataType) {
            case VSTR: {
                StringBuilder s = new StringBuilder(len);
                for (int i = 0; i < len; i++) {
                    int c = b[off + i] & 0xFF;
                    if (c == 0) break; // some devices pad with NUL
                    s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
                }
                String t = s.toString().trim();
                return t.isEmpty() ? null : t;
            }
            case UNCD: {
                String t = new String(b, off, len, StandardCharsets.UTF_8).replace("\u0000", "").trim();
                return t.isEmpty() ? null : t;
            }
            case UINT:
            case TIME: {
                if (len > 8) return null;
                long x = 0;
                for (int i = len - 1; i >= 0; i--) x = x << 8 | (b[off + i] & 0xFF);
                return len == 8 ? Long.toUnsignedString(x) : Long.toString(x);
            }
            case INT: {
                if (len > 8) return null;
                long x = b[off + len - 1]; // sign from the top byte
                for (int i = len - 2; i >= 0; i--) x = x << 8 | (b[off + i] & 0xFF);
                return Long.toString(x);
            }
            case FLT: {
                if (len == 4) return Float.toString(Float.intBitsToFloat(le32(b, off)));
                if (len == 8) return Double.toString(Double.longBitsToDouble((le32(b, off) & 0xFFFFFFFFL) | (long) le32(b, off + 4) << 32));
                return null;
            }
            case OSTR:
            case BSTR: {
                StringBuilder s = new StringBuilder(len * 2);
                for (int i = 0; i < len; i++) {
                    int c = b[off + i] & 0xFF;
                    s.append(Character.forDigit(c >>> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                }
                return s.toString();
            }
            default:
                return null;
        }
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
