package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per message type, with chunks taken from the node-opcua/Milo peer capture (and chunks re-framed per Part 6). */
class OpcUaDecoderTest {
    static List<Captures.Payload> segs;

    @BeforeAll
    static void load() throws Exception {
        segs = Captures.payloads(Captures.pcap("opcua-peer-nodeopcua-server-milo-client.pcap"), "tcp");
    }

    /** Concatenated payloads of one direction of one stream (client = sender of the first payload). */
    static byte[] direction(int stream, boolean client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int clientPort = -1;
        for (Captures.Payload s : segs) {
            if (s.stream() != stream) continue;
            if (clientPort < 0) clientPort = s.srcPort();
            if ((s.srcPort() == clientPort) == client) out.writeBytes(s.payload());
        }
        return out.toByteArray();
    }

    /** The chunks of one direction, split by their headers. */
    static List<byte[]> chunks(int stream, boolean client) {
        byte[] b = direction(stream, client);
        List<byte[]> out = new ArrayList<>();
        for (int p = 0; p + 8 <= b.length; ) {
            int size = UaBytes.i32(b, p + 4);
            out.add(Arrays.copyOfRange(b, p, p + size));
            p += size;
        }
        return out;
    }

    /** The first symmetric chunk of a direction whose body is of this type. */
    static byte[] message(int stream, boolean client, int type) {
        for (byte[] c : chunks(stream, client)) {
            if (UaChunk.type(c, 0) == UaChunk.MSG && UaBytes.ns0Numeric(c, 24, c.length) == type) return c;
        }
        throw new AssertionError("no message " + type);
    }

    static List<String> identities(RecordingSession s) {
        List<String> out = new ArrayList<>();
        for (Fact.Identity i : s.factsOf(Fact.Identity.class)) out.add(i.endpoint().port() + " " + i.name() + "=" + i.value() + " " + i.source());
        return out;
    }

    static List<String> details(RecordingSession s) {
        List<String> out = new ArrayList<>();
        for (Fact.ServiceDetail d : s.factsOf(Fact.ServiceDetail.class)) out.add(d.endpoint().port() + " " + d.name() + "=" + d.value());
        return out;
    }

    @Test
    void helloNamesTheServerAndSetsRoles() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        byte[] hel = chunks(2, true).get(0);
        d.onData(0, hel, 0, hel.length, 1);
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(identities(s)).containsExactly("4840 endpointUrl=opc.tcp://127.0.0.6:4840 opcua.hello");
        assertThat(s.factsOf(Fact.Service.class)).extracting(Fact.Service::role).containsExactlyInAnyOrder("client", "server");
        assertThat(s.details).containsEntry("helloBufferSizes=65535/65535", 1L);
        byte[] ack = chunks(2, false).get(0);
        d.onData(1, ack, 0, ack.length, 2);
        assertThat(s.details).containsKey("ackBufferSizes=65535/65535");
        assertThat(OpcUaDecoder.host("opc.tcp://Maui-16714:4840/")).isEqualTo("Maui-16714");
        assertThat(OpcUaDecoder.host("opc.tcp://[::1]:4840")).isNull();
        assertThat(OpcUaDecoder.host("opc.tcp://10.1.2.3:4840")).isNull();
    }

    @Test
    void errorMessageDetail() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 4 + 9).order(ByteOrder.LITTLE_ENDIAN);
        b.put("ERRF".getBytes()).putInt(25).putInt(0x807F0000).putInt(9).put("too large".getBytes());
        new OpcUaDecoder(s).onData(1, b.array(), 0, 25, 1);
        assertThat(s.details).containsEntry("error=0x807F0000 too large", 1L);
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void openSecureChannelNoneGivesPolicyModeAndChannel() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        byte[] req = chunks(2, true).get(1), resp = chunks(2, false).get(1);
        d.onData(0, req, 0, req.length, 1);
        d.onData(1, resp, 0, resp.length, 2);
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(details(s)).containsExactly("4840 securityPolicies=http://opcfoundation.org/UA/SecurityPolicy#None", "4840 securityModes=None");
        assertThat(s.details).containsEntry("requestedSecurityMode=None", 1L);
        assertThat(s.operations).containsEntry("446 OpenSecureChannel other", 1L);
        assertThat(d.bodies().channelId).isPositive();
        assertThat(d.bodies().tokenId).isPositive();
    }

    @Test
    void openSecureChannelWithCertificatesWhenEncrypted() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        byte[] req = chunks(3, true).get(1);
        d.onData(0, req, 0, req.length, 1_700_000_000_000_000_000L);
        assertThat(identities(s)).contains("40000 certificateSubject=O=Grid Operations,CN=SCADA Collector opcua.certificate",
                "40000 applicationUri=urn:scada-gw01:eclipse:milo:collector opcua.certificate",
                "40000 certificateSelfSigned=true opcua.certificate");
        assertThat(identities(s)).anyMatch(x -> x.matches("40000 certificateThumbprint=[0-9A-F]{40} opcua.certificate"));
        assertThat(s.details).containsKey("channelPolicy=http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256");
        assertThat(s.details).doesNotContainKey("requestedSecurityMode=None");
    }

    @Test
    void getEndpointsResponseMidStreamWithoutHello() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        byte[] m = message(1, false, UaService.GET_ENDPOINTS_RESPONSE);
        new OpcUaDecoder(s).onData(1, m, 0, m.length, 1);
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(identities(s)).contains("4840 applicationUri=urn:PVPARK07-AXCF2152:PhoenixContact:PLCnext:OpcUaServer opcua.endpoints",
                "4840 productUri=urn:phoenixcontact.com:PLCnext:AXCF2152 opcua.endpoints",
                "4840 name=PLCnext OPC UA Server (PVPARK07) opcua.endpoints", "4840 applicationType=Server opcua.endpoints");
        assertThat(details(s)).contains("4840 offeredEndpoints=None None", "4840 offeredEndpoints=SignAndEncrypt Basic256Sha256",
                "4840 userTokenTypes=anonymous");
    }

    @Test
    void findServersResponse() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        byte[] m = message(0, false, UaService.FIND_SERVERS_RESPONSE);
        new OpcUaDecoder(s).onData(1, m, 0, m.length, 1);
        assertThat(identities(s)).contains("4840 applicationUri=urn:PVPARK07-AXCF2152:PhoenixContact:PLCnext:OpcUaServer opcua.endpoints");
        assertThat(details(s)).contains("4840 discoveryUrls=opc.tcp://127.0.0.6:4840");
    }

    @Test
    void createAndActivateSession() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        for (int type : new int[] {UaService.CREATE_SESSION, UaService.ACTIVATE_SESSION}) {
            byte[] m = message(2, true, type);
            d.onData(0, m, 0, m.length, 1);
        }
        byte[] m = message(2, false, UaService.CREATE_SESSION_RESPONSE);
        d.onData(1, m, 0, m.length, 2);
        assertThat(identities(s)).contains("40000 applicationUri=urn:scada-gw01:eclipse:milo:collector opcua.session",
                "40000 name=SCADA Collector (Eclipse Milo) opcua.session", "40000 applicationType=Client opcua.session",
                "4840 endpointUrl=opc.tcp://127.0.0.6:4840 opcua.session",
                "4840 certificateSubject=CN=AXCF2152-PVPARK07,O=Phoenix Contact GmbH & Co. KG,L=Blomberg,C=DE opcua.certificate");
        assertThat(details(s)).contains("4840 userTokenTypesUsed=anonymous");
        assertThat(s.details).containsEntry("serverNonce=present", 1L);
    }

    @Test
    void segmentationByteByByteGivesTheSameFacts() {
        RecordingSession bulk = RecordingSession.tcp("opcua", 4840), bytes = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder a = new OpcUaDecoder(bulk), b = new OpcUaDecoder(bytes);
        for (Captures.Payload s : segs) {
            if (s.stream() != 2) continue;
            int side = s.srcPort() == 4840 ? 1 : 0;
            a.onData(side, s.payload(), 0, s.payload().length, 1);
            for (int i = 0; i < s.payload().length; i++) b.onData(side, s.payload(), i, 1, 1);
        }
        assertThat(bytes.facts).isEqualTo(bulk.facts);
        assertThat(bytes.operations).isEqualTo(bulk.operations);
        assertThat(bulk.factsOf(Fact.Identity.class)).anyMatch(i -> i.name().equals("vendor"));
    }

    @Test
    void gapAndGarbageResync() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        byte[] m = message(1, false, UaService.GET_ENDPOINTS_RESPONSE);
        d.onData(1, m, 0, 100, 1);               // first part of the chunk, then bytes are lost
        d.onGap(1, 2);
        byte[] junk = new byte[300];
        Arrays.fill(junk, (byte) 0x5A);
        byte[] tail = Arrays.copyOfRange(m, 100, m.length);
        d.onData(1, tail, 0, tail.length, 3);    // rest of the lost chunk: skipped by the scan
        d.onData(1, junk, 0, junk.length, 4);
        assertThat(s.factsOf(Fact.Identity.class)).isEmpty();
        d.onData(1, m, 0, m.length, 5);          // next chunk is found and decoded
        assertThat(identities(s)).contains("4840 applicationType=Server opcua.endpoints");

        RecordingSession s2 = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d2 = new OpcUaDecoder(s2);
        byte[] both = new byte[junk.length + m.length];
        System.arraycopy(m, 0, both, junk.length, m.length);
        d2.onData(1, both, 0, both.length, 1);   // zeros are no header: malformed once, then resync
        assertThat(s2.malformed).containsExactly("bad chunk header");
        assertThat(identities(s2)).contains("4840 applicationType=Server opcua.endpoints");
    }

    /** Re-frames one F chunk as C chunks of at most n body bytes each (Part 6 6.7.2), same sequence header. */
    static byte[] rechunk(byte[] f, int n, char last) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p = 24; p < f.length; p += n) {
            int len = Math.min(n, f.length - p);
            boolean fin = p + len >= f.length;
            ByteBuffer c = ByteBuffer.allocate(24 + len).order(ByteOrder.LITTLE_ENDIAN);
            c.put(f, 0, 3).put((byte) (fin ? last : 'C')).putInt(24 + len).put(f, 8, 16).put(f, p, len);
            out.writeBytes(c.array());
        }
        return out.toByteArray();
    }

    @Test
    void multiChunkMessageIsReassembled() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        byte[] m = rechunk(message(1, false, UaService.GET_ENDPOINTS_RESPONSE), 200, 'F');
        assertThat(UaChunk.type(m, 0)).isEqualTo(UaChunk.MSG);
        assertThat((char) m[3]).isEqualTo('C');
        new OpcUaDecoder(s).onData(1, m, 0, m.length, 1);
        assertThat(details(s)).contains("4840 offeredEndpoints=SignAndEncrypt Basic256Sha256");
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void abortedMessageIsDropped() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        byte[] m = rechunk(message(1, false, UaService.GET_ENDPOINTS_RESPONSE), 200, 'A');
        d.onData(1, m, 0, m.length, 1);
        assertThat(s.details).containsEntry("aborted=1", 1L);
        assertThat(s.factsOf(Fact.Identity.class)).isEmpty();
        byte[] ok = message(1, false, UaService.GET_ENDPOINTS_RESPONSE);
        d.onData(1, ok, 0, ok.length, 2);
        assertThat(s.factsOf(Fact.Identity.class)).isNotEmpty();
    }

    @Test
    void signModeBodyIsReadAndSignatureIgnored() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        for (int i = 0; i < 2; i++) {
            byte[] c = chunks(3, true).get(i);        // HEL, OPN Basic256Sha256
            d.onData(0, c, 0, c.length, 1);
        }
        byte[] plain = message(1, false, UaService.GET_ENDPOINTS_RESPONSE);
        byte[] signed = Arrays.copyOf(plain, plain.length + 32); // HMAC-SHA256 signature after the body
        ByteBuffer.wrap(signed).order(ByteOrder.LITTLE_ENDIAN).putInt(4, signed.length);
        d.onData(1, signed, 0, signed.length, 2);
        assertThat(d.mode()).isEqualTo(OpcUaDecoder.MODE_SIGN);
        assertThat(details(s)).contains("4840 securityModes=Sign", "4840 offeredEndpoints=None None");
        assertThat(s.details).doesNotContainKey("encrypted=1");
    }

    @Test
    void encryptedMessagesAreCountedOnly() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        for (byte[] c : chunks(3, true)) d.onData(0, c, 0, c.length, 1);
        for (byte[] c : chunks(3, false)) d.onData(1, c, 0, c.length, 1);
        assertThat(d.mode()).isEqualTo(OpcUaDecoder.MODE_ENCRYPT);
        assertThat(s.details.get("encrypted=1")).isGreaterThan(5L);
        assertThat(details(s)).contains("4840 securityModes=SignAndEncrypt");
        assertThat(s.operations).containsOnlyKeys("446 OpenSecureChannel other");
        assertThat(s.malformed).isEmpty();
    }

    /** Copy of a ReadRequest chunk with another RequestHandle. */
    static byte[] withHandle(byte[] req, int handle) {
        byte[] c = req.clone();
        int p = UaBytes.skipNodeId(c, 24, c.length);   // type id
        p = UaBytes.skipNodeId(c, p, c.length);        // authentication token
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(p + 8, handle);
        return c;
    }

    @Test
    void readOfBuildInfoIsMatchedThroughTheRequestHandleAndOverflowIsCounted() {
        byte[] req = null, resp = null;
        List<byte[]> reqs = new ArrayList<>(), resps = new ArrayList<>();
        for (byte[] c : chunks(2, true)) if (UaBytes.ns0Numeric(c, 24, c.length) == UaService.READ) reqs.add(c);
        for (byte[] c : chunks(2, false)) if (UaBytes.ns0Numeric(c, 24, c.length) == UaService.READ_RESPONSE) resps.add(c);
        for (byte[] r : reqs) { // the Read of i=2260 (BuildInfo) is the first one that reads a BuildInfo node
            OpcUaDecoder probe = new OpcUaDecoder(RecordingSession.tcp("opcua", 4840));
            probe.onData(0, r, 0, r.length, 1);
            if (probe.pending().size() == 1) {
                req = r;
                break;
            }
        }
        for (byte[] r : resps) if (UaBytes.i32(r, 24 + 4 + 8) == handleOf(req)) resp = r;
        assertThat(resp).isNotNull();
        // the real pair matches
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        d.onData(0, req, 0, req.length, 1);
        assertThat(d.pending().size()).isEqualTo(1);
        d.onData(1, resp, 0, resp.length, 2);
        assertThat(d.pending().size()).isZero();
        assertThat(identities(s)).contains("4840 vendor=Phoenix Contact GmbH & Co. KG opcua.buildinfo",
                "4840 firmware=2023.0.3 opcua.buildinfo");

        // a response without its request teaches nothing; 33 unanswered requests evict the oldest
        RecordingSession s2 = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d2 = new OpcUaDecoder(s2);
        d2.onData(1, resp, 0, resp.length, 1);
        assertThat(s2.factsOf(Fact.Identity.class)).isEmpty();
        int realHandle = handleOf(req);
        d2.onData(0, req, 0, req.length, 2);
        for (int i = 1; i <= PendingRequests.CAPACITY; i++) {
            byte[] r = withHandle(req, realHandle + 1000 + i);
            d2.onData(0, r, 0, r.length, 3);
        }
        assertThat(d2.pending().overflow()).isEqualTo(1);
        assertThat(d2.pending().size()).isEqualTo(PendingRequests.CAPACITY);
        assertThat(s2.details).containsEntry("pendingOverflow=1", 1L);
        d2.onData(1, resp, 0, resp.length, 4); // its request was evicted
        assertThat(s2.factsOf(Fact.Identity.class)).isEmpty();
    }

    static int handleOf(byte[] req) {
        int p = UaBytes.skipNodeId(req, 24, req.length);
        p = UaBytes.skipNodeId(req, p, req.length);
        return UaBytes.i32(req, p + 8);
    }

    @Test
    void writeAndCallAreCountedWithTheirKind() {
        RecordingSession s = RecordingSession.tcp("opcua", 4840);
        OpcUaDecoder d = new OpcUaDecoder(s);
        for (int type : new int[] {673, UaService.CALL}) {
            byte[] m = message(2, true, type);
            d.onData(0, m, 0, m.length, 1);
        }
        assertThat(s.operations).containsEntry("673 Write write", 1L).containsEntry("712 Call control", 1L);
        assertThat(s.serverSide()).isEqualTo(1);
    }
}
