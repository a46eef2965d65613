package io.gridscout.protocols.opcua;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hostile bytes through the chunk splitter and, wrapped in valid chunks, through Milo's body decoding. */
class OpcUaFuzzTest {
    private static final int[] TYPES = {UaService.GET_ENDPOINTS_RESPONSE, UaService.FIND_SERVERS_RESPONSE,
            UaService.CREATE_SESSION, UaService.CREATE_SESSION_RESPONSE, UaService.ACTIVATE_SESSION, UaService.READ,
            UaService.READ_RESPONSE, UaService.CALL, 673, 527};

    @FuzzTest(maxDuration = "10s")
    void chunkStream(byte[] data) {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        new OpcUaSpec().matches(data, 0, data.length, data.length % 2 == 0, Transport.TCP);
        int half = data.length / 2;
        d.onData(0, data, 0, half, 1);
        d.onGap(1, 2);
        d.onData(1, data, half, data.length - half, 3);
        d.onData(0, data, 0, data.length, 4);
        d.onClose(5);
    }

    @FuzzTest(maxDuration = "10s")
    void serviceBodies(FuzzedDataProvider in) {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        int handle = 7;
        // a pending Read of BuildInfo so that ReadResponse bodies reach Milo too
        d.onData(0, chunk(UaService.READ, readBuildInfo(handle)), 0, 24 + 4 + readBuildInfo(handle).length, 1);
        int n = in.consumeInt(1, 4);
        for (int i = 0; i < n && in.remainingBytes() > 0; i++) {
            int type = TYPES[in.consumeInt(0, TYPES.length - 1)];
            byte[] body = in.consumeBytes(in.consumeInt(0, 4096));
            if (type == UaService.READ_RESPONSE && body.length >= 12) ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(8, handle);
            byte[] c = chunk(type, body);
            int side = type % 2 == 1 && type != UaService.READ_RESPONSE ? 1 : 0;
            d.onData(side, c, 0, c.length, 2);
        }
    }

    /** MSG F chunk: channel 1, token 1, sequence header, four-byte type NodeId, body. */
    static byte[] chunk(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(28 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'M', 'S', 'G', 'F'}).putInt(28 + body.length).putInt(1).putInt(1).putInt(1).putInt(1);
        b.put((byte) 1).put((byte) 0).putShort((short) type).put(body);
        return b.array();
    }

    /** ReadRequest body after its type id: header with handle, then one ReadValueId of i=2260 Value. */
    static byte[] readBuildInfo(int handle) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) 0);                       // authentication token i=0
        b.putLong(0).putInt(handle).putInt(0).putInt(-1).putInt(0); // timestamp, handle, diagnostics, audit, timeout
        b.put((byte) 0).put((byte) 0).put((byte) 0);         // additional header: null ExtensionObject
        b.putDouble(0).putInt(0).putInt(1);                  // maxAge, timestamps, 1 node
        b.put((byte) 1).put((byte) 0).putShort((short) UaBodies.BUILD_INFO).putInt(UaBodies.ATTRIBUTE_VALUE);
        b.putInt(-1).putShort((short) 0).putInt(-1);          // index range, data encoding
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
