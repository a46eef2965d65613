package io.gridscout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryEncoder;
import org.eclipse.milo.opcua.stack.core.types.UaMessageType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ApplicationType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.SecurityTokenRequestType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ChannelSecurityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.GetEndpointsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.OpenSecureChannelRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.OpenSecureChannelResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.RequestHeader;
import org.eclipse.milo.opcua.stack.core.types.structured.ResponseHeader;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

import java.nio.charset.StandardCharsets;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * OPC UA binary (Part 6) under SecurityPolicy#None: HEL/ACK, OPN request/response, GetEndpoints whose response
 * carries the server's ApplicationDescription, then periodic Read of a value. Bodies are encoded with Eclipse
 * Milo; the session's bodies are encoded once per device, Read bodies once for all.
 */
final class OpcUaTraffic {
    static final String NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";
    private final Wire w;
    private final Frames f;
    private final byte[] readReq, readResp;

    OpcUaTraffic(Wire w) {
        this.w = w;
        this.f = w.f;
        RequestHeader rh = new RequestHeader(NodeId.NULL_VALUE, DateTime.NULL_VALUE, uint(7), uint(0), null, uint(10_000), null);
        readReq = encode(new ReadRequest(rh, 0.0, TimestampsToReturn.Both,
                new ReadValueId[]{new ReadValueId(new NodeId(2, "Line1.Feeder3.P"), uint(13), null, QualifiedName.NULL_VALUE)}));
        readResp = encode(new ReadResponse(header(7), new DataValue[]{new DataValue(new Variant(42.5), StatusCode.GOOD, DateTime.NULL_VALUE, DateTime.NULL_VALUE)}, null));
    }

    private static ResponseHeader header(int handle) {
        return new ResponseHeader(DateTime.NULL_VALUE, uint(handle), StatusCode.GOOD, null, null, null);
    }

    static byte[] encode(UaMessageType m) {
        ByteBuf buf = Unpooled.buffer();
        new OpcUaBinaryEncoder(DefaultEncodingContext.INSTANCE).setBuffer(buf).encodeMessage(null, m);
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }

    private String url(Device d) {
        return "opc.tcp://" + Frames.ip(d.ip) + ":4840/" + d.identity.get("name");
    }

    void session(Device d) {
        byte[] url = url(d).getBytes(StandardCharsets.UTF_8);
        int o = Frames.PAYLOAD_TCP;
        // HEL: version, receive/send buffer, max message, max chunks, endpoint url
        put(o, "HELF", 32 + url.length);
        f.le32(o + 8, 0); f.le32(o + 12, 65536); f.le32(o + 16, 65536); f.le32(o + 20, 0); f.le32(o + 24, 0);
        f.le32(o + 28, url.length);
        f.put(o + 32, url);
        w.data(d.tcp, true, 32 + url.length);
        put(o, "ACKF", 28);
        f.le32(o + 8, 0); f.le32(o + 12, 65536); f.le32(o + 16, 65536); f.le32(o + 20, 0); f.le32(o + 24, 0);
        w.data(d.tcp, false, 28);
        RequestHeader rh = new RequestHeader(NodeId.NULL_VALUE, DateTime.NULL_VALUE, uint(1), uint(0), null, uint(10_000), null);
        opn(d, true, encode(new OpenSecureChannelRequest(rh, uint(0), SecurityTokenRequestType.Issue, MessageSecurityMode.None,
                ByteString.NULL_VALUE, uint(3_600_000))), 0);
        opn(d, false, encode(new OpenSecureChannelResponse(header(1), uint(0),
                new ChannelSecurityToken(uint(d.ip), uint(1), DateTime.NULL_VALUE, uint(3_600_000)), ByteString.NULL_VALUE)), d.ip);
        RequestHeader rh2 = new RequestHeader(NodeId.NULL_VALUE, DateTime.NULL_VALUE, uint(2), uint(0), null, uint(10_000), null);
        msg(d, true, encode(new GetEndpointsRequest(rh2, url(d), null, null)));
        ApplicationDescription app = new ApplicationDescription(d.identity.get("applicationUri"), d.identity.get("productUri"),
                LocalizedText.english(d.identity.get("name")), ApplicationType.Server, null, null, new String[]{url(d)});
        EndpointDescription ep = new EndpointDescription(url(d), app, ByteString.NULL_VALUE, MessageSecurityMode.None, NONE,
                new UserTokenPolicy[]{new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null)},
                "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary", org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte(0));
        msg(d, false, encode(new GetEndpointsResponse(header(2), new EndpointDescription[]{ep})));
    }

    void read(Device d) {
        msg(d, true, readReq);
        msg(d, false, readResp);
    }

    private void put(int o, String type, int size) {
        for (int i = 0; i < 4; i++) f.buf[o + i] = (byte) type.charAt(i);
        f.le32(o + 4, size);
    }

    private void opn(Device d, boolean fromClient, byte[] body, int channel) {
        int o = Frames.PAYLOAD_TCP;
        byte[] policy = NONE.getBytes(StandardCharsets.US_ASCII);
        int size = 12 + 4 + policy.length + 4 + 4 + 8 + body.length;
        put(o, "OPNF", size);
        f.le32(o + 8, channel);
        f.le32(o + 12, policy.length);
        int p = f.put(o + 16, policy);
        f.le32(p, -1); f.le32(p + 4, -1);
        f.le32(p + 8, ++d.counter); f.le32(p + 12, fromClient ? d.counter : d.counter - 1);
        f.put(p + 16, body);
        w.data(d.tcp, fromClient, size);
    }

    private void msg(Device d, boolean fromClient, byte[] body) {
        int o = Frames.PAYLOAD_TCP;
        int size = 24 + body.length;
        put(o, "MSGF", size);
        f.le32(o + 8, d.ip);
        f.le32(o + 12, 1);
        if (fromClient) d.seq++;
        f.le32(o + 16, ++d.counter);
        f.le32(o + 20, d.seq);
        f.put(o + 24, body);
        w.data(d.tcp, fromClient, size);
    }
}
