package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.OperationKind;

/**
 * An OPC UA service as identified by the numeric id of its request/response DefaultBinary encoding NodeId
 * (namespace 0), e.g. Read = 631/634. The operation code reported is the request encoding id.
 */
record UaService(int requestId, int responseId, String name, OperationKind kind) {
    static final int OPEN_SECURE_CHANNEL = 446;
    static final int OPEN_SECURE_CHANNEL_RESPONSE = 449;
    static final int CLOSE_SECURE_CHANNEL = 452;
    static final int FIND_SERVERS_RESPONSE = 425;
    static final int GET_ENDPOINTS_RESPONSE = 431;
    static final int CREATE_SESSION = 461;
    static final int CREATE_SESSION_RESPONSE = 464;
    static final int ACTIVATE_SESSION = 467;
    static final int READ = 631;
    static final int READ_RESPONSE = 634;
    static final int CALL = 712;
    static final int SERVICE_FAULT = 397;

    private static final UaService[] ALL = {
            s(422, 425, "FindServers", OperationKind.OTHER),
            s(12208, 12209, "FindServersOnNetwork", OperationKind.OTHER),
            s(428, 431, "GetEndpoints", OperationKind.OTHER),
            s(437, 440, "RegisterServer", OperationKind.OTHER),
            s(12211, 12212, "RegisterServer2", OperationKind.OTHER),
            s(446, 449, "OpenSecureChannel", OperationKind.OTHER),
            s(452, 455, "CloseSecureChannel", OperationKind.OTHER),
            s(461, 464, "CreateSession", OperationKind.OTHER),
            s(467, 470, "ActivateSession", OperationKind.OTHER),
            s(473, 476, "CloseSession", OperationKind.OTHER),
            s(479, 482, "Cancel", OperationKind.OTHER),
            s(488, 491, "AddNodes", OperationKind.PROGRAM),
            s(494, 497, "AddReferences", OperationKind.PROGRAM),
            s(500, 503, "DeleteNodes", OperationKind.PROGRAM),
            s(506, 509, "DeleteReferences", OperationKind.PROGRAM),
            s(527, 530, "Browse", OperationKind.READ),
            s(533, 536, "BrowseNext", OperationKind.READ),
            s(554, 557, "TranslateBrowsePathsToNodeIds", OperationKind.READ),
            s(560, 563, "RegisterNodes", OperationKind.READ),
            s(566, 569, "UnregisterNodes", OperationKind.READ),
            s(615, 618, "QueryFirst", OperationKind.READ),
            s(621, 624, "QueryNext", OperationKind.READ),
            s(631, 634, "Read", OperationKind.READ),
            s(664, 667, "HistoryRead", OperationKind.READ),
            s(673, 676, "Write", OperationKind.WRITE),
            s(700, 703, "HistoryUpdate", OperationKind.WRITE),
            s(712, 715, "Call", OperationKind.CONTROL),
            s(751, 754, "CreateMonitoredItems", OperationKind.READ),
            s(763, 766, "ModifyMonitoredItems", OperationKind.READ),
            s(769, 772, "SetMonitoringMode", OperationKind.READ),
            s(775, 778, "SetTriggering", OperationKind.READ),
            s(781, 784, "DeleteMonitoredItems", OperationKind.READ),
            s(787, 790, "CreateSubscription", OperationKind.READ),
            s(793, 796, "ModifySubscription", OperationKind.READ),
            s(799, 802, "SetPublishingMode", OperationKind.READ),
            s(826, 829, "Publish", OperationKind.READ),
            s(832, 835, "Republish", OperationKind.READ),
            s(841, 844, "TransferSubscriptions", OperationKind.READ),
            s(847, 850, "DeleteSubscriptions", OperationKind.READ),
    };

    private static UaService s(int req, int resp, String name, OperationKind kind) {
        return new UaService(req, resp, name, kind);
    }

    /** The service whose request (or, if response is true, response) encoding id is id; null if unknown. */
    static UaService byRequest(long id) {
        for (UaService s : ALL) if (s.requestId == id) return s;
        return null;
    }

    static UaService byResponse(long id) {
        for (UaService s : ALL) if (s.responseId == id) return s;
        return null;
    }

    static UaService[] all() {
        return ALL.clone();
    }

    /** A message body type we recognise: a request, a response or a ServiceFault. */
    static boolean known(long id) {
        return id == SERVICE_FAULT || byRequest(id) != null || byResponse(id) != null;
    }

    // Standard method NodeIds that change what a device runs or stores (Part 5 FileType, FileDirectoryType,
    // Part 10 ProgramStateMachineType): Call of these is a PROGRAM operation rather than CONTROL.
    private static final int[] PROGRAM_METHODS = {
            11580, 11583, 11588, 11593,          // FileType Open, Close, Write, SetPosition
            13355, 13358, 13361, 13363,          // FileDirectoryType CreateDirectory, CreateFile, Delete, MoveOrCopy
            2426, 2427, 2428, 2429, 2430,        // ProgramStateMachineType Start, Suspend, Resume, Halt, Reset
    };

    static boolean isProgramMethod(long methodId) {
        for (int m : PROGRAM_METHODS) if (m == methodId) return true;
        return false;
    }
}
