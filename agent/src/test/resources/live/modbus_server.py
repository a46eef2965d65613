# pymodbus 3.0 (Debian python3-pymodbus) server for the live tests, with device identification. Usage: modbus_server.py HOST PORT
import sys
from pymodbus.server import StartTcpServer
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(range(100, 200))), ir=ModbusSequentialDataBlock(0, [7]*100),
                           co=ModbusSequentialDataBlock(0, [1, 0]*50), di=ModbusSequentialDataBlock(0, [0]*100))
ident = ModbusDeviceIdentification(info_name={"VendorName": "Acme Grid", "ProductCode": "RTU-9000", "MajorMinorRevision": "v2.7.1"})
StartTcpServer(context=ModbusServerContext(slaves=store, single=True), identity=ident, address=(sys.argv[1], int(sys.argv[2])))
