package io.gridscout.protocols.modbus;

import io.gridscout.protocols.fact.OperationKind;

/** Names and kinds of Modbus function codes, Schneider UMAS sub-functions and diagnostics sub-functions. */
public final class ModbusFunctions {
    static final String[] NAMES = new String[128];
    static final OperationKind[] KINDS = new OperationKind[128];
    /** Exception code names, prebuilt so an exception response costs no string building. */
    static final String[] EXCEPTIONS = new String[256];
    static final String[] UMAS_NAMES = new String[256];
    static final OperationKind[] UMAS_KINDS = new OperationKind[256];

    private ModbusFunctions() {}

    private static void fc(int code, String name, OperationKind kind) {
        NAMES[code] = name;
        KINDS[code] = kind;
    }

    private static void umas(int code, String name, OperationKind kind) {
        UMAS_NAMES[code] = "umas:" + name;
        UMAS_KINDS[code] = kind;
    }

    static {
        for (int i = 0; i < 128; i++) fc(i, "fc_" + i, OperationKind.OTHER);
        fc(1, "read_coils", OperationKind.READ);
        fc(2, "read_discrete_inputs", OperationKind.READ);
        fc(3, "read_holding_registers", OperationKind.READ);
        fc(4, "read_input_registers", OperationKind.READ);
        fc(5, "write_single_coil", OperationKind.WRITE);
        fc(6, "write_single_register", OperationKind.WRITE);
        fc(7, "read_exception_status", OperationKind.READ);
        fc(8, "diagnostics", OperationKind.DIAGNOSTIC);
        fc(11, "get_comm_event_counter", OperationKind.DIAGNOSTIC);
        fc(12, "get_comm_event_log", OperationKind.DIAGNOSTIC);
        fc(15, "write_multiple_coils", OperationKind.WRITE);
        fc(16, "write_multiple_registers", OperationKind.WRITE);
        fc(17, "report_server_id", OperationKind.READ);
        fc(20, "read_file_record", OperationKind.READ);
        fc(21, "write_file_record", OperationKind.WRITE);
        fc(22, "mask_write_register", OperationKind.WRITE);
        fc(23, "read_write_multiple_registers", OperationKind.WRITE);
        fc(24, "read_fifo_queue", OperationKind.READ);
        fc(43, "encapsulated_interface_transport", OperationKind.OTHER);
        fc(90, "umas", OperationKind.OTHER);
        // Schneider programming function codes used by Concept/ProWORX-era tools
        fc(125, "schneider_program_125", OperationKind.PROGRAM);
        fc(126, "schneider_program_126", OperationKind.PROGRAM);

        String[] ex = {null, "01 illegal function", "02 illegal data address", "03 illegal data value",
                "04 server device failure", "05 acknowledge", "06 server device busy", "07 negative acknowledge",
                "08 memory parity error", null, "0a gateway path unavailable", "0b gateway target failed to respond"};
        for (int i = 0; i < 256; i++) EXCEPTIONS[i] = i < ex.length && ex[i] != null ? ex[i] : String.format("%02x unknown", i);

        for (int i = 0; i < 256; i++) umas(i, String.format("0x%02x", i), OperationKind.OTHER);
        umas(0x01, "init_comm", OperationKind.READ);
        umas(0x02, "read_id", OperationKind.READ);
        umas(0x03, "read_project_info", OperationKind.READ);
        umas(0x04, "read_plc_info", OperationKind.READ);
        umas(0x06, "read_card_info", OperationKind.READ);
        umas(0x0A, "repeat", OperationKind.READ);
        umas(0x10, "take_plc_reservation", OperationKind.CONTROL);
        umas(0x11, "release_plc_reservation", OperationKind.CONTROL);
        umas(0x12, "keep_alive", OperationKind.OTHER);
        umas(0x20, "read_memory_block", OperationKind.READ);
        umas(0x22, "read_variables", OperationKind.READ);
        umas(0x23, "write_variables", OperationKind.WRITE);
        umas(0x24, "read_coils_registers", OperationKind.READ);
        umas(0x25, "write_coils_registers", OperationKind.WRITE);
        umas(0x30, "initialize_upload", OperationKind.PROGRAM);
        umas(0x31, "upload_block", OperationKind.PROGRAM);
        umas(0x32, "end_strategy_upload", OperationKind.PROGRAM);
        umas(0x33, "initialize_download", OperationKind.PROGRAM);
        umas(0x34, "download_block", OperationKind.PROGRAM);
        umas(0x35, "end_strategy_download", OperationKind.PROGRAM);
        umas(0x36, "read_eth_master_data", OperationKind.READ);
        umas(0x40, "start_plc", OperationKind.CONTROL);
        umas(0x41, "stop_plc", OperationKind.CONTROL);
        umas(0x50, "monitor_plc", OperationKind.READ);
        umas(0x58, "check_plc", OperationKind.READ);
        umas(0x70, "read_io_object", OperationKind.READ);
        umas(0x71, "write_io_object", OperationKind.WRITE);
        umas(0x73, "get_status_module", OperationKind.READ);
    }

    public static String name(int fc) {
        return NAMES[fc & 0x7F];
    }

    public static OperationKind kind(int fc) {
        return KINDS[fc & 0x7F];
    }

    /** Diagnostics (FC 8) sub-functions that change the device's behaviour rather than read counters. */
    static String diagnosticName(int sub) {
        return switch (sub) {
            case 0x00 -> "diagnostics:return_query_data";
            case 0x01 -> "diagnostics:restart_communications";
            case 0x02 -> "diagnostics:return_diagnostic_register";
            case 0x03 -> "diagnostics:change_ascii_delimiter";
            case 0x04 -> "diagnostics:force_listen_only";
            case 0x0A -> "diagnostics:clear_counters";
            default -> "diagnostics:counters";
        };
    }

    static OperationKind diagnosticKind(int sub) {
        return switch (sub) {
            case 0x01, 0x03, 0x04 -> OperationKind.CONTROL;
            default -> OperationKind.DIAGNOSTIC;
        };
    }
}
