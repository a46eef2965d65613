import sys
from pymodbus.client import ModbusTcpClient
from pymodbus.mei_message import ReadDeviceInformationRequest
c = ModbusTcpClient(sys.argv[1], port=int(sys.argv[2]))
c.connect()
r = c.execute(ReadDeviceInformationRequest(read_code=1, object_id=0, slave=1))
print(r.information if hasattr(r, "information") else r)
for i in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
    c.read_holding_registers(0, 10, slave=1)
c.close()
