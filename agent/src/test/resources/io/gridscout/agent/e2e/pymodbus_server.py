"""Modbus/TCP server for LiveModbusEndToEndTest: Debian's python3-pymodbus (3.0.x) with device identification set.

Usage: python3 pymodbus_server.py PORT UNIT
Serves one unit id on 127.0.0.1:PORT until killed. Prints nothing on success; the test waits for the port.
"""
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer

IDENTITY = {
    "VendorName": "Gridscout Test Vendor",
    "ProductCode": "GS-PC-4711",
    "MajorMinorRevision": "3.1.4",
    "VendorUrl": "https://example.org/gridscout",
    "ProductName": "E2E Test Server",
    "ModelName": "E2E-Model-9",
    "UserApplicationName": "live-e2e",
}


def main():
    port, unit = int(sys.argv[1]), int(sys.argv[2])
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    store = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [0] * 100),
        co=ModbusSequentialDataBlock(0, [1, 0] * 50),
        hr=ModbusSequentialDataBlock(0, list(range(100))),
        ir=ModbusSequentialDataBlock(0, [0] * 100),
        zero_mode=True,  # protocol address n is block index n
    )
    context = ModbusServerContext(slaves={unit: store}, single=False)
    identity = ModbusDeviceIdentification(info_name=IDENTITY)
    StartTcpServer(context=context, identity=identity, address=("127.0.0.1", port))


if __name__ == "__main__":
    main()
