"""SunSpec test peer: a pymodbus 3.0 TCP server holding a SunSpec map (models 1, 103, 123) at 40000, unit 1.

usage: sunspec_server.py PORT
"""
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer


def text(s, regs):
    b = s.encode("ascii").ljust(regs * 2, b"\0")
    return [(b[i] << 8) | b[i + 1] for i in range(0, regs * 2, 2)]


def sunspec_map():
    r = [0x5375, 0x6E53]
    r += [1, 66] + text("SMA", 16) + text("SB3.0-1AV-41", 16) + text("", 8) + text("3.10.10.R", 8) \
        + text("3005123456", 16) + [3, 0x8000]
    inv = [0] * 50
    inv[0] = 131                        # A, SF -2 below
    inv[2] = 0xFFFE
    inv[12] = 3000                      # W
    inv[14] = 5000                      # Hz
    inv[15] = 0xFFFE
    inv[36] = 4                         # St: MPPT
    r += [103, 50] + inv
    ctl = [0xFFFF, 0xFFFF, 1, 10000, 0, 0, 0xFFFF, 0, 10000, 0, 0, 0xFFFF, 0, 0, 0, 0, 0, 0, 0xFFFF, 2, 0,
           0xFFFE, 0xFFFC, 0]
    r += [123, 24] + ctl
    r += [0xFFFF, 0]
    return r


def main():
    port = int(sys.argv[1])
    hr = ModbusSequentialDataBlock(40000, sunspec_map())
    slave = ModbusSlaveContext(hr=hr, zero_mode=True)
    context = ModbusServerContext(slaves={1: slave}, single=False)
    StartTcpServer(context=context, address=("127.0.0.1", port))


if __name__ == "__main__":
    main()
