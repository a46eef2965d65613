package io.gridscout.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated field device and the state of its conversation with the site's master. */
final class Device {
    enum Kind { MODBUS, DNP3, OPCUA, IEC104, GOOSE, S7, ENIP }

    final Kind kind;
    final int ip, master;
    final long mac;
    final int index;
    /** Identity attributes the device states (name -> value), as the inventory should show them. */
    final Map<String, String> identity = new LinkedHashMap<>();
    Wire.Tcp tcp;
    boolean setUp, identified;
    int counter, seq, seq2;
    int dnpAddr;

    Device(Kind kind, int index, int ip, int master) {
        this.kind = kind;
        this.index = index;
        this.ip = ip;
        this.master = master;
        this.mac = Frames.mac(ip);
    }
}
