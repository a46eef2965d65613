package io.gridscout.protocols.mms;

import io.gridscout.protocols.fact.OperationKind;

/** ISO 9506 MMS confirmed service tags (ConfirmedServiceRequest CHOICE numbers) with names and kinds. */
final class MmsServices {
    static final int STATUS = 0, GET_NAME_LIST = 1, IDENTIFY = 2, READ = 4, WRITE = 5;
    /** Operation codes of unconfirmed services: 0x100 + UnconfirmedService tag (kept apart from confirmed tags). */
    static final int UNCONFIRMED_BASE = 0x100;
    static final String INFORMATION_REPORT = "informationReport";
    static final String UNSOLICITED_STATUS = "unsolicitedStatus";
    static final String EVENT_NOTIFICATION = "eventNotification";

    private static final String[] NAMES = new String[84];
    private static final OperationKind[] KINDS = new OperationKind[84];

    static {
        OperationKind r = OperationKind.READ, w = OperationKind.WRITE, p = OperationKind.PROGRAM,
                c = OperationKind.CONTROL, o = OperationKind.OTHER;
        s(0, "status", r); s(1, "getNameList", r); s(2, "identify", r); s(3, "rename", w); s(4, "read", r);
        s(5, "write", w); s(6, "getVariableAccessAttributes", r); s(7, "defineNamedVariable", w);
        s(8, "defineScatteredAccess", w); s(9, "getScatteredAccessAttributes", r); s(10, "deleteVariableAccess", w);
        s(11, "defineNamedVariableList", w); s(12, "getNamedVariableListAttributes", r);
        s(13, "deleteNamedVariableList", w); s(14, "defineNamedType", w); s(15, "getNamedTypeAttributes", r);
        s(16, "deleteNamedType", w); s(17, "input", r); s(18, "output", w); s(19, "takeControl", c);
        s(20, "relinquishControl", c); s(21, "defineSemaphore", w); s(22, "deleteSemaphore", w);
        s(23, "reportSemaphoreStatus", r); s(24, "reportPoolSemaphoreStatus", r); s(25, "reportSemaphoreEntryStatus", r);
        s(26, "initiateDownloadSequence", p); s(27, "downloadSegment", p); s(28, "terminateDownloadSequence", p);
        s(29, "initiateUploadSequence", p); s(30, "uploadSegment", p); s(31, "terminateUploadSequence", p);
        s(32, "requestDomainDownload", p); s(33, "requestDomainUpload", p); s(34, "loadDomainContent", p);
        s(35, "storeDomainContent", p); s(36, "deleteDomain", p); s(37, "getDomainAttributes", r);
        s(38, "createProgramInvocation", p); s(39, "deleteProgramInvocation", p); s(40, "start", c); s(41, "stop", c);
        s(42, "resume", c); s(43, "reset", c); s(44, "kill", c); s(45, "getProgramInvocationAttributes", r);
        s(46, "obtainFile", p); s(47, "defineEventCondition", w); s(48, "deleteEventCondition", w);
        s(49, "getEventConditionAttributes", r); s(50, "reportEventConditionStatus", r);
        s(51, "alterEventConditionMonitoring", w); s(52, "triggerEvent", c); s(53, "defineEventAction", w);
        s(54, "deleteEventAction", w); s(55, "getEventActionAttributes", r); s(56, "reportEventActionStatus", r);
        s(57, "defineEventEnrollment", w); s(58, "deleteEventEnrollment", w); s(59, "alterEventEnrollment", w);
        s(60, "reportEventEnrollmentStatus", r); s(61, "getEventEnrollmentAttributes", r);
        s(62, "acknowledgeEventNotification", o); s(63, "getAlarmSummary", r); s(64, "getAlarmEnrollmentSummary", r);
        s(65, "readJournal", r); s(66, "writeJournal", w); s(67, "initializeJournal", w);
        s(68, "reportJournalStatus", r); s(69, "createJournal", w); s(70, "deleteJournal", w);
        s(71, "getCapabilityList", r); s(72, "fileOpen", p); s(73, "fileRead", p); s(74, "fileClose", p);
        s(75, "fileRename", p); s(76, "fileDelete", p); s(77, "fileDirectory", p);
    }

    private MmsServices() {}

    private static void s(int tag, String name, OperationKind kind) {
        NAMES[tag] = name;
        KINDS[tag] = kind;
    }

    static String name(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : null;
    }

    static OperationKind kind(int tag) {
        return tag >= 0 && tag < KINDS.length ? KINDS[tag] : null;
    }
}
