package io.gridscout.bench;

import java.util.ArrayList;
import java.util.List;

/** One substation: a SCADA front end (.2), an engineering workstation (.3) and its field devices (.10 up). */
final class Site {
    final int index, master, workstation;
    final List<Device> devices = new ArrayList<>();
    Wire.Tcp smb;

    Site(int index) {
        this.index = index;
        int base = (10 << 24) | (((index >> 8) & 0xFF) << 16) | ((index & 0xFF) << 8);
        this.master = base | 2;
        this.workstation = base | 3;
    }

    int deviceIp(int d) {
        return (master & ~0xFF) | (10 + d);
    }
}
