package io.gridscout.protocols.opcua;

import org.junit.jupiter.api.Tag;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every OPC UA capture decoded stream by stream (payloads from tshark, our decoder per connection) and compared
 * with the tshark truth file's opcua section.
 */
class OpcUaTruthTest {

    /** Decoded as if seen in Nov 2023, when open62541's example certificates (notAfter 2021) had expired. */
    static final long CLOCK = 1_700_000_000_000_000_000L;

    record Result(List<Fact> facts, List<RecordingSession> sessions) {}

    static Result run(String file) throws Exception {
        List<Fact> facts = new ArrayList<>();
        List<RecordingSession> sessions = new ArrayList<>();
        for (Captures.Replayed<OpcUaDecoder> d : Captures.replay(Captures.retimed(Captures.payloads(Captures.pcap(file), "tcp"), CLOCK), "opcua", OpcUaDecoder::new, Integer.MAX_VALUE)) {
            facts.addAll(d.session().facts);
            sessions.add(d.session());
        }
        return new Result(facts, sessions);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> truth(String file) throws Exception {
        return (Map<String, Object>) Captures.truth(file).get("opcua");
    }

    /** "127.0.0.1:4840" or "[::1]:4840" -> endpoint key "ip port". */
    static String key(String sentBy) {
        int c = sentBy.lastIndexOf(':');
        String ip = sentBy.substring(0, c).replace("[", "").replace("]", "");
        return IpAddr.parse(ip) + " " + sentBy.substring(c + 1);
    }

    static String key(Endpoint e) {
        return e.ip() + " " + e.port();
    }

    static String mode(String truthMode) {
        return truthMode.substring(0, truthMode.indexOf(' '));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> o, String k) {
        Object v = o.get(k);
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"opcua-cisagov-open62541_client-server_encrypted.pcap", "opcua-cisagov-open62541_discover_getendpoints_discover_urls.pcap", "opcua-cisagov-open62541_mainloop-not-localhost-non-standard-port.pcap", "opcua-cisagov-python_opcua-client-server_minimal-2.pcap"})
    void matchesTruth(String file) throws Exception {
        Result r = run(file);
        Map<String, Object> t = truth(file);
        for (RecordingSession s : r.sessions()) assertThat(s.malformed).as("malformed in %s", file).isEmpty();

        // application descriptions: each truth entry is stated (as separate attributes) by the endpoint that sent it
        Set<String> identities = new TreeSet<>();
        for (Fact.Identity i : factsOf(r, Fact.Identity.class)) identities.add(key(i.endpoint()) + "|" + i.name() + "|" + i.value());
        for (Map<String, Object> a : list(t, "application_descriptions")) {
            String who = key((String) a.get("sent_by"));
            assertThat(identities).contains(who + "|applicationUri|" + a.get("ApplicationUri"));
            if (a.get("ProductUri") instanceof String pu && !pu.isEmpty()) assertThat(identities).contains(who + "|productUri|" + pu);
            if (a.get("ApplicationName") instanceof String n && !n.isEmpty()) assertThat(identities).contains(who + "|name|" + n);
            assertThat(identities).contains(who + "|applicationType|" + mode((String) a.get("ApplicationType")));
        }

        // endpoints offered (mode + policy) and the policies of secure channels, per server: exactly the truth
        Set<String> offered = new TreeSet<>(), policies = new TreeSet<>();
        for (Fact.ServiceDetail d : factsOf(r, Fact.ServiceDetail.class)) {
            assertThat(d.role()).isEqualTo("server");
            if (d.name().equals("offeredEndpoints")) offered.add(key(d.endpoint()) + "|" + d.value());
            if (d.name().equals("securityPolicies")) policies.add(key(d.endpoint()) + "|" + d.value());
        }
        Set<String> wantOffered = new TreeSet<>(), wantPolicies = new TreeSet<>();
        for (Map<String, Object> e : list(t, "endpoints_offered")) {
            wantOffered.add(key((String) e.get("sent_by")) + "|" + mode((String) e.get("MessageSecurityMode")) + " "
                    + UaBodies.shortPolicy((String) e.get("SecurityPolicyUri")));
        }
        for (Map<String, Object> e : list(t, "secure_channel_policies")) {
            wantPolicies.add(key((String) e.get("server")) + "|" + e.get("SecurityPolicyUri"));
        }
        assertThat(offered).isEqualTo(wantOffered);
        assertThat(policies).isEqualTo(wantPolicies);

        // requested security modes of plain OPN requests
        long modes = 0;
        for (RecordingSession s : r.sessions()) {
            for (var e : s.details.entrySet()) if (e.getKey().startsWith("requestedSecurityMode=")) modes += e.getValue();
        }
        assertThat(modes).isEqualTo(list(t, "open_secure_channel_request_modes").size());

        // Hello endpoint URLs
        Set<String> hello = new TreeSet<>();
        for (Fact.Identity i : factsOf(r, Fact.Identity.class)) if (i.source().equals("opcua.hello") && i.name().equals("endpointUrl")) hello.add(i.value());
        assertThat(hello).isEqualTo(new TreeSet<>((List<String>) (List<?>) t.get("hello_endpoint_urls")));

        // roles: every truth endpoint has its role (port-less truth entries = clients on several ports)
        Set<String> roles = new TreeSet<>(), rolesByIp = new TreeSet<>();
        for (Fact.Service s : factsOf(r, Fact.Service.class)) {
            roles.add(key(s.endpoint()) + "|" + s.role());
            rolesByIp.add(s.endpoint().ip() + "|" + s.role());
        }
        for (Map<String, Object> e : list(t, "endpoints")) {
            IpAddr ip = IpAddr.parse((String) e.get("ip"));
            if (e.get("port") instanceof Number port) assertThat(roles).contains(ip + " " + port.intValue() + "|" + e.get("role"));
            else assertThat(rolesByIp).contains(ip + "|" + e.get("role"));
        }
    }

    /** The same on this project's own captures, in the README's test command. */
    @ParameterizedTest
    @ValueSource(strings = {"opcua-peer-nodeopcua-server-milo-client.pcap"})
    void matchesTruthOnOwnCaptures(String capture) throws Exception {
        matchesTruth(capture);
    }

    @Test
    void peerBuildInfoAndOperations() throws Exception {
        Result r = run("opcua-peer-nodeopcua-server-milo-client.pcap");
        Set<String> build = new TreeSet<>();
        for (Fact.Identity i : factsOf(r, Fact.Identity.class)) {
            if (i.source().equals("opcua.buildinfo")) build.add(key(i.endpoint()) + "|" + i.name() + "|" + i.value());
        }
        String srv = "127.0.0.6 4840|";
        assertThat(build).containsExactlyInAnyOrder(srv + "vendor|Phoenix Contact GmbH & Co. KG", srv + "model|PLCnext Control AXC F 2152",
                srv + "productUri|urn:phoenixcontact.com:PLCnext:AXCF2152", srv + "firmware|2023.0.3",
                srv + "buildNumber|23.0.3.129", srv + "buildDate|2023-05-10T08:00:00Z");
        RecordingSession none = r.sessions().get(2), encrypted = r.sessions().get(3);
        assertThat(none.operations).containsEntry("673 Write write", 1L).containsEntry("712 Call control", 1L)
                .containsEntry("631 Read read", 10L).containsEntry("461 CreateSession other", 1L);
        assertThat(encrypted.details).containsEntry("encrypted=1", 15L)
                .containsEntry("channelPolicy=http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256", 1L);
        assertThat(encrypted.facts).anySatisfy(f -> assertThat(f).isInstanceOfSatisfying(Fact.ServiceDetail.class,
                d -> assertThat(d.name() + "=" + d.value()).isEqualTo("securityModes=SignAndEncrypt")));
        // the server certificate (self-signed, SAN URI = ApplicationUri) and the client's, from the clear OPN headers
        Set<String> cert = new TreeSet<>();
        for (Fact f : encrypted.facts) {
            if (f instanceof Fact.Identity i && i.source().equals("opcua.certificate")) cert.add(key(i.endpoint()) + "|" + i.name() + "|" + i.value());
        }
        assertThat(cert).contains(srv + "certificateSubject|CN=AXCF2152-PVPARK07,O=Phoenix Contact GmbH & Co. KG,L=Blomberg,C=DE",
                srv + "applicationUri|urn:PVPARK07-AXCF2152:PhoenixContact:PLCnext:OpcUaServer", srv + "certificateSelfSigned|true");
        assertThat(cert).anyMatch(s -> s.matches("127\\.0\\.0\\.1 \\d+\\|certificateSubject\\|O=Grid Operations,CN=SCADA Collector"));
        assertThat(cert).noneMatch(s -> s.contains("certificateExpired"));
        assertThat(r.facts()).noneMatch(f -> f instanceof Fact.Identity i && i.value().contains("operator.k.meyer"));
    }

    @Tag(Captures.SHARED)
    @Test
    void expiredCertificatesOfOpen62541AreFlagged() throws Exception {
        Result r = run("opcua-cisagov-open62541_client-server_encrypted.pcap");
        assertThat(factsOf(r, Fact.Identity.class)).anyMatch(i -> i.name().equals("certificateExpired") && i.value().equals("true")
                && i.endpoint().port() == 4840);
        assertThat(r.sessions().get(1).details).containsKey("encrypted=1");
    }

    static <T extends Fact> List<T> factsOf(Result r, Class<T> c) {
        List<T> out = new ArrayList<>();
        for (Fact f : r.facts()) if (c.isInstance(f)) out.add(c.cast(f));
        return out;
    }
}
