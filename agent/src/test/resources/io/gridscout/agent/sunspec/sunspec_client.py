"""SunSpec test peer: a scanner as SunSpec clients do it (marker, header walk, Common Model, controls write).

usage: sunspec_client.py PORT ; prints what it found, exits non-zero when the device is not SunSpec.
"""
import sys

from pymodbus.client import ModbusTcpClient


def regs(c, addr, n):
    rr = c.read_holding_registers(addr, n, slave=1)
    if rr.isError():
        raise SystemExit(f"read {addr}/{n} failed: {rr}")
    return rr.registers


def text(values):
    return b"".join(v.to_bytes(2, "big") for v in values).rstrip(b"\0").decode("ascii")


def main():
    port = int(sys.argv[1])
    c = ModbusTcpClient("127.0.0.1", port=port, timeout=3)
    if not c.connect():
        raise SystemExit("cannot connect")
    if regs(c, 40000, 2) != [0x5375, 0x6E53]:
        raise SystemExit("no SunS marker")
    addr, models = 40002, {}
    while True:
        mid, length = regs(c, addr, 2)
        if mid == 0xFFFF:
            break
        models[mid] = addr
        addr += 2 + length
    common = regs(c, models[1] + 2, 66)
    print("Mn", text(common[0:16]), "Md", text(common[16:32]), "Vr", text(common[40:48]), "SN", text(common[48:64]))
    regs(c, models[103] + 2, 50)
    ctl = models[123] + 2
    w = c.write_registers(ctl + 3, [5000, 0, 0, 10], slave=1)          # WMaxLimPct .. WMaxLimPct_RmpTms
    if w.isError():
        raise SystemExit(f"write failed: {w}")
    w = c.write_register(ctl + 7, 1, slave=1)                           # WMaxLim_Ena
    if w.isError():
        raise SystemExit(f"write failed: {w}")
    regs(c, ctl, 24)
    c.close()
    print("models", ",".join(str(m) for m in models))


if __name__ == "__main__":
    main()
