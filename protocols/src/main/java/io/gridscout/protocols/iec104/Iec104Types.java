package io.gridscout.protocols.iec104;

import io.gridscout.protocols.fact.OperationKind;

/** ASDU type identifications of IEC 60870-5-101/104 (and the 62351-5 security types) with their names. */
final class Iec104Types {
    private static final String[] NAMES = new String[128];
    private static final OperationKind[] KINDS = new OperationKind[128];

    static {
        name(1, "M_SP_NA_1"); name(2, "M_SP_TA_1"); name(3, "M_DP_NA_1"); name(4, "M_DP_TA_1");
        name(5, "M_ST_NA_1"); name(6, "M_ST_TA_1"); name(7, "M_BO_NA_1"); name(8, "M_BO_TA_1");
        name(9, "M_ME_NA_1"); name(10, "M_ME_TA_1"); name(11, "M_ME_NB_1"); name(12, "M_ME_TB_1");
        name(13, "M_ME_NC_1"); name(14, "M_ME_TC_1"); name(15, "M_IT_NA_1"); name(16, "M_IT_TA_1");
        name(17, "M_EP_TA_1"); name(18, "M_EP_TB_1"); name(19, "M_EP_TC_1"); name(20, "M_PS_NA_1");
        name(21, "M_ME_ND_1"); name(30, "M_SP_TB_1"); name(31, "M_DP_TB_1"); name(32, "M_ST_TB_1");
        name(33, "M_BO_TB_1"); name(34, "M_ME_TD_1"); name(35, "M_ME_TE_1"); name(36, "M_ME_TF_1");
        name(37, "M_IT_TB_1"); name(38, "M_EP_TD_1"); name(39, "M_EP_TE_1"); name(40, "M_EP_TF_1");
        name(41, "S_IT_TC_1"); name(70, "M_EI_NA_1");
        op(45, "C_SC_NA_1", OperationKind.CONTROL); op(46, "C_DC_NA_1", OperationKind.CONTROL);
        op(47, "C_RC_NA_1", OperationKind.CONTROL); op(48, "C_SE_NA_1", OperationKind.CONTROL);
        op(49, "C_SE_NB_1", OperationKind.CONTROL); op(50, "C_SE_NC_1", OperationKind.CONTROL);
        op(51, "C_BO_NA_1", OperationKind.CONTROL); op(58, "C_SC_TA_1", OperationKind.CONTROL);
        op(59, "C_DC_TA_1", OperationKind.CONTROL); op(60, "C_RC_TA_1", OperationKind.CONTROL);
        op(61, "C_SE_TA_1", OperationKind.CONTROL); op(62, "C_SE_TB_1", OperationKind.CONTROL);
        op(63, "C_SE_TC_1", OperationKind.CONTROL); op(64, "C_BO_TA_1", OperationKind.CONTROL);
        // IEC 62351-5 / 60870-5-7 secure authentication: part of the conversation, not an operation on the process
        op(81, "S_CH_NA_1", OperationKind.OTHER); op(82, "S_RP_NA_1", OperationKind.OTHER);
        op(83, "S_AR_NA_1", OperationKind.OTHER); op(84, "S_KR_NA_1", OperationKind.OTHER);
        op(85, "S_KS_NA_1", OperationKind.OTHER); op(86, "S_KC_NA_1", OperationKind.OTHER);
        op(87, "S_ER_NA_1", OperationKind.OTHER); op(90, "S_US_NA_1", OperationKind.OTHER);
        op(91, "S_UQ_NA_1", OperationKind.OTHER); op(92, "S_UR_NA_1", OperationKind.OTHER);
        op(93, "S_UK_NA_1", OperationKind.OTHER); op(94, "S_UA_NA_1", OperationKind.OTHER);
        op(95, "S_UC_NA_1", OperationKind.OTHER);
        op(100, "C_IC_NA_1", OperationKind.READ); op(101, "C_CI_NA_1", OperationKind.READ);
        op(102, "C_RD_NA_1", OperationKind.READ); op(103, "C_CS_NA_1", OperationKind.DIAGNOSTIC);
        op(104, "C_TS_NA_1", OperationKind.DIAGNOSTIC); op(105, "C_RP_NA_1", OperationKind.CONTROL);
        op(106, "C_CD_NA_1", OperationKind.DIAGNOSTIC); op(107, "C_TS_TA_1", OperationKind.DIAGNOSTIC);
        op(110, "P_ME_NA_1", OperationKind.WRITE); op(111, "P_ME_NB_1", OperationKind.WRITE);
        op(112, "P_ME_NC_1", OperationKind.WRITE); op(113, "P_AC_NA_1", OperationKind.WRITE);
        op(120, "F_FR_NA_1", OperationKind.PROGRAM); op(121, "F_SR_NA_1", OperationKind.PROGRAM);
        op(122, "F_SC_NA_1", OperationKind.PROGRAM); op(123, "F_LS_NA_1", OperationKind.PROGRAM);
        op(124, "F_AF_NA_1", OperationKind.PROGRAM); op(125, "F_SG_NA_1", OperationKind.PROGRAM);
        op(126, "F_DR_TA_1", OperationKind.PROGRAM); op(127, "F_SC_NB_1", OperationKind.PROGRAM);
    }

    private Iec104Types() {}

    private static void name(int id, String n) {
        NAMES[id] = n;
    }

    private static void op(int id, String n, OperationKind k) {
        NAMES[id] = n;
        KINDS[id] = k;
    }

    /** Name of a type id, null when undefined. */
    static String name(int id) {
        return id > 0 && id < NAMES.length ? NAMES[id] : null;
    }

    /** Operation kind when the type is sent in control direction, null for monitor-direction types. */
    static OperationKind kind(int id) {
        return id > 0 && id < KINDS.length ? KINDS[id] : null;
    }

    /** Types only the controlled station sends (process information in monitor direction, end of init). */
    static boolean monitorOnly(int id) {
        return (id >= 1 && id <= 44) || id == 70;
    }

    /** Commands, setpoints, system commands and parameters: sent by the controlling station with COT act/deact. */
    static boolean controlDirection(int id) {
        return (id >= 45 && id <= 69) || (id >= 100 && id <= 113);
    }

    static boolean fileTransfer(int id) {
        return id >= 120 && id <= 127;
    }
}
