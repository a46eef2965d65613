package io.gridscout.mapping.classify;

import java.util.List;

/** The closed set of device classes, in tie-break priority: the more specific field device wins a tie. */
public final class DeviceClasses {
    public static final String UNKNOWN = "unknown";

    /** Classes a rule may name, highest priority first. {@link #UNKNOWN} is only ever the result of no rule. */
    public static final List<String> PRIORITY = List.of("der-controller", "smart-meter", "ied", "rtu", "plc",
            "engineering-workstation", "scada-server", "historian", "hmi", "network-device", "it-host");

    private DeviceClasses() {}

    public static boolean isRuleClass(String c) {
        return PRIORITY.contains(c);
    }

    static int priority(String c) {
        int i = PRIORITY.indexOf(c);
        return i < 0 ? PRIORITY.size() : i;
    }
}
