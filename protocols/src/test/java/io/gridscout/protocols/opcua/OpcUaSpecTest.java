package io.gridscout.protocols.opcua;

import org.junit.jupiter.api.Tag;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.testutil.Captures;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OpcUaSpecTest {
    final OpcUaSpec spec = new OpcUaSpec();

    @Tag(Captures.SHARED)
    @Test
    void recognisesChunksByContentOnAnyPort() throws Exception {
        var segs = Captures.payloads(Captures.pcap("opcua-cisagov-open62541_mainloop-not-localhost-non-standard-port.pcap"), "tcp");
        int firstOfStream = -1, matched = 0, all = 0;
        for (Captures.Payload s : segs) {
            byte[] b = s.payload();
            if (s.stream() != firstOfStream) { // the first payload of each connection: a Hello, port 48010
                firstOfStream = s.stream();
                assertThat(new String(b, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("HEL");
                assertThat(spec.matches(b, 0, b.length, false, Transport.TCP)).isTrue();
            }
            all++;
            if (spec.matches(b, 0, b.length, true, Transport.TCP)) matched++; // mid-stream pickup with the port hint
        }
        assertThat(matched).isEqualTo(all);
        assertThat(spec.name()).isEqualTo("opcua");
        assertThat(spec.isWellKnownPort(4840)).isTrue();
        assertThat(spec.supports(Transport.UDP)).isFalse();
    }

    @Test
    void rejectsOtherProtocols() {
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] modbus = {0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10};
        byte[] hugeMsg = {'M', 'S', 'G', 'F', 0, 0, 0, 0x7F, 1, 0, 0, 0, 1, 0, 0, 0};
        byte[] badChunkType = {'H', 'E', 'L', 'C', 32, 0, 0, 0, 0, 0, 0, 0};
        byte[] partialMsgOffPort = {'M', 'S', 'G', 'F', 100, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        for (byte[] b : new byte[][] {http, modbus, hugeMsg, badChunkType}) {
            assertThat(spec.matches(b, 0, b.length, true, Transport.TCP)).isFalse();
        }
        assertThat(spec.matches(partialMsgOffPort, 0, partialMsgOffPort.length, false, Transport.TCP)).isFalse();
        assertThat(spec.matches(partialMsgOffPort, 0, partialMsgOffPort.length, true, Transport.TCP)).isTrue();
        assertThat(spec.matches(http, 0, 3, true, Transport.TCP)).isFalse();
        assertThat(spec.matches(http, 0, http.length, true, Transport.UDP)).isFalse();
    }

    /** Our service table against Milo's generated encoding ids (independent source: the OPC UA NodeSet). */
    @Test
    void serviceIdsAgreeWithMilo() throws Exception {
        for (UaService s : UaService.all()) {
            assertThat(id(s.name() + "Request")).as(s.name()).isEqualTo(s.requestId());
            assertThat(id(s.name() + "Response")).as(s.name()).isEqualTo(s.responseId());
        }
        assertThat(id("ServiceFault")).isEqualTo(UaService.SERVICE_FAULT);
        assertThat(id("AnonymousIdentityToken")).isEqualTo(UaBodies.ANONYMOUS_TOKEN);
        assertThat(id("UserNameIdentityToken")).isEqualTo(UaBodies.USERNAME_TOKEN);
        assertThat(id("X509IdentityToken")).isEqualTo(UaBodies.X509_TOKEN);
        assertThat(id("IssuedIdentityToken")).isEqualTo(UaBodies.ISSUED_TOKEN);
    }

    static int id(String struct) throws Exception {
        ExpandedNodeId e = (ExpandedNodeId) Class.forName("org.eclipse.milo.opcua.stack.core.types.structured." + struct)
                .getField("BINARY_ENCODING_ID").get(null);
        return ((UInteger) e.getIdentifier()).intValue();
    }
}
