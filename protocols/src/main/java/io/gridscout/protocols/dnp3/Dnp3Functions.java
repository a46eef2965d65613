package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.OperationKind;

/**
 * Application function codes (IEEE 1815-2012 table 4-1) and the operation kind each request counts as.
 *
 * <pre>
 * code  name                      kind        why
 * 0     CONFIRM                   OTHER       acknowledges a fragment (counted only when the master sends it)
 * 1     READ                      READ
 * 2     WRITE                     WRITE       points, time (g50), IIN bits (g80), attributes (g0)
 * 3-6   SELECT, OPERATE,          CONTROL     act on outputs (CROB g12, analog output g41)
 *       DIRECT_OPERATE[_NR]
 * 7-12  IMMED_FREEZE[_NR],        CONTROL     change counter state (freeze/clear)
 *       FREEZE_CLEAR[_NR], FREEZE_AT_TIME[_NR]
 * 13-14 COLD_RESTART, WARM_RESTART CONTROL    restart the device
 * 15    INITIALIZE_DATA           CONTROL     (obsolete) reset data to initial values
 * 16-18 INITIALIZE/START/STOP_APPL CONTROL    run state of applications in the device
 * 19    SAVE_CONFIG               PROGRAM     (deprecated) persists configuration
 * 20-21 ENABLE/DISABLE_UNSOLICITED WRITE      change what the outstation reports
 * 22    ASSIGN_CLASS              WRITE       change event class configuration
 * 23    DELAY_MEASURE             DIAGNOSTIC  time-sync round trip measurement
 * 24    RECORD_CURRENT_TIME       DIAGNOSTIC  LAN time-sync procedure
 * 25-30 OPEN/CLOSE/DELETE_FILE,   PROGRAM     file transfer (g70): configuration, firmware, logs
 *       GET_FILE_INFO, AUTHENTICATE_FILE, ABORT_FILE
 * 31    ACTIVATE_CONFIG           PROGRAM     activates downloaded configuration
 * 32-33 AUTHENTICATE_REQ,         OTHER       Secure Authentication exchange (g120)
 *       AUTH_REQ_NO_ACK
 * 129-131 RESPONSE, UNSOLICITED_RESPONSE, AUTHENTICATE_RESP: sent by the outstation, never operations
 * </pre>
 */
public final class Dnp3Functions {
    public static final int CONFIRM = 0;
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int SELECT = 3;
    public static final int OPERATE = 4;
    public static final int DIRECT_OPERATE = 5;
    public static final int DIRECT_OPERATE_NR = 6;
    public static final int IMMED_FREEZE = 7;
    public static final int FREEZE_CLEAR_NR = 10;
    public static final int FREEZE_AT_TIME = 11;
    public static final int FREEZE_AT_TIME_NR = 12;
    public static final int COLD_RESTART = 13;
    public static final int WARM_RESTART = 14;
    public static final int ENABLE_UNSOLICITED = 20;
    public static final int DISABLE_UNSOLICITED = 21;
    public static final int ASSIGN_CLASS = 22;
    public static final int DELAY_MEASURE = 23;
    public static final int RECORD_CURRENT_TIME = 24;
    public static final int OPEN_FILE = 25;
    public static final int ABORT_FILE = 30;
    public static final int AUTHENTICATE_REQ = 32;
    public static final int AUTH_REQ_NO_ACK = 33;
    public static final int RESPONSE = 0x81;
    public static final int UNSOLICITED_RESPONSE = 0x82;
    public static final int AUTHENTICATE_RESP = 0x83;

    public static final String UNKNOWN = "UNKNOWN";

    private static final String[] NAMES = new String[256];
    private static final OperationKind[] KINDS = new OperationKind[256];

    static {
        def(0, "CONFIRM", OperationKind.OTHER);
        def(1, "READ", OperationKind.READ);
        def(2, "WRITE", OperationKind.WRITE);
        def(3, "SELECT", OperationKind.CONTROL);
        def(4, "OPERATE", OperationKind.CONTROL);
        def(5, "DIRECT_OPERATE", OperationKind.CONTROL);
        def(6, "DIRECT_OPERATE_NR", OperationKind.CONTROL);
        def(7, "IMMED_FREEZE", OperationKind.CONTROL);
        def(8, "IMMED_FREEZE_NR", OperationKind.CONTROL);
        def(9, "FREEZE_CLEAR", OperationKind.CONTROL);
        def(10, "FREEZE_CLEAR_NR", OperationKind.CONTROL);
        def(11, "FREEZE_AT_TIME", OperationKind.CONTROL);
        def(12, "FREEZE_AT_TIME_NR", OperationKind.CONTROL);
        def(13, "COLD_RESTART", OperationKind.CONTROL);
        def(14, "WARM_RESTART", OperationKind.CONTROL);
        def(15, "INITIALIZE_DATA", OperationKind.CONTROL);
        def(16, "INITIALIZE_APPL", OperationKind.CONTROL);
        def(17, "START_APPL", OperationKind.CONTROL);
        def(18, "STOP_APPL", OperationKind.CONTROL);
        def(19, "SAVE_CONFIG", OperationKind.PROGRAM);
        def(20, "ENABLE_UNSOLICITED", OperationKind.WRITE);
        def(21, "DISABLE_UNSOLICITED", OperationKind.WRITE);
        def(22, "ASSIGN_CLASS", OperationKind.WRITE);
        def(23, "DELAY_MEASURE", OperationKind.DIAGNOSTIC);
        def(24, "RECORD_CURRENT_TIME", OperationKind.DIAGNOSTIC);
        def(25, "OPEN_FILE", OperationKind.PROGRAM);
        def(26, "CLOSE_FILE", OperationKind.PROGRAM);
        def(27, "DELETE_FILE", OperationKind.PROGRAM);
        def(28, "GET_FILE_INFO", OperationKind.PROGRAM);
        def(29, "AUTHENTICATE_FILE", OperationKind.PROGRAM);
        def(30, "ABORT_FILE", OperationKind.PROGRAM);
        def(31, "ACTIVATE_CONFIG", OperationKind.PROGRAM);
        def(32, "AUTHENTICATE_REQ", OperationKind.OTHER);
        def(33, "AUTH_REQ_NO_ACK", OperationKind.OTHER);
        NAMES[0x81] = "RESPONSE";
        NAMES[0x82] = "UNSOLICITED_RESPONSE";
        NAMES[0x83] = "AUTHENTICATE_RESP";
    }

    private Dnp3Functions() {}

    private static void def(int code, String name, OperationKind kind) {
        NAMES[code] = name;
        KINDS[code] = kind;
    }

    public static String name(int code) {
        String n = NAMES[code & 0xFF];
        return n != null ? n : UNKNOWN;
    }

    /** Kind of a request function; OTHER for undefined codes. */
    public static OperationKind kind(int code) {
        OperationKind k = KINDS[code & 0xFF];
        return k != null ? k : OperationKind.OTHER;
    }

    public static boolean isResponse(int code) {
        return code >= RESPONSE && code <= AUTHENTICATE_RESP;
    }

    /** A function only a master sends (everything but CONFIRM and the responses). */
    public static boolean isRequest(int code) {
        return code != CONFIRM && !isResponse(code);
    }
}
