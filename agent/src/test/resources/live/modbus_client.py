# Modbus client for the live tests: device identification (MEI, FC 43/14), then N holding-register reads
# (N = -1: until killed). Usage: modbus_client.py HOST PORT [N]
import itertools
import sys
from pymodbus.client import ModbusTcpClient
from pymodbus.mei_message import ReadDeviceInformationRequest
c = ModbusTcpClient(sys.argv[1], port=int(sys.argv[2]))
c.connect()
r = c.execute(ReadDeviceInformationRequest(read_code=1, object_id=0, slave=1))
print(r.information if hasattr(r, "information") else r, flush=True)
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
for i in (itertools.count() if n < 0 else range(n)):
    c.read_holding_registers(0, 10, slave=1)
c.close()
