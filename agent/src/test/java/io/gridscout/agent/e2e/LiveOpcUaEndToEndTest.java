package io.gridscout.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.e2e.LiveCapture.Child;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.gridscout.agent.e2e.LiveCapture.analyze;
import static io.gridscout.agent.e2e.LiveCapture.asset;
import static io.gridscout.agent.e2e.LiveCapture.awaitPort;
import static io.gridscout.agent.e2e.LiveCapture.freePort;
import static io.gridscout.agent.e2e.LiveCapture.hasAttribute;
import static io.gridscout.agent.e2e.LiveCapture.run;
import static io.gridscout.agent.e2e.LiveCapture.startCapture;
import static io.gridscout.agent.e2e.LiveCapture.stopCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Two independent OPC UA stacks end to end on 127.0.0.1, each way round: an Eclipse Milo 1.1.2 server (in this JVM)
 * with a node-opcua 2.186.4 client, and a node-opcua server with a Milo client. Each run: GetEndpoints, an anonymous
 * session under policy None that reads BuildInfo (i=2260..2266) and writes once, then anonymous Basic256Sha256
 * sessions, Sign (readable: signature trimmed) and SignAndEncrypt (only counted), reading one value each. Captured with {@code tcpdump -i lo}, then analysed: the inventory must name
 * both applications by URI, carry the server's build info, count the operations tshark sees, and show the secure
 * session as encrypted. node-opcua comes from npm ({@code .ci/run} installs it into ~/.cache/gridscout-node; the
 * system property gridscout.nodeModules or env GRIDSCOUT_NODE_MODULES point elsewhere); without it, node, tcpdump
 * (root) or tshark the test fails, it never skips.
 */
class LiveOpcUaEndToEndTest {
    static final String NODE_OPCUA_VERSION = "2.186.4";
    static final String BASIC256SHA256 = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
    static final String NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";
    static final int READ = 631, WRITE = 673, CREATE_SESSION = 461, ACTIVATE_SESSION = 467, GET_ENDPOINTS = 428,
            OPEN_SECURE_CHANNEL = 446;

    // the Milo server's identity (BuildInfo as set in OpcUaServerConfig) and the node-opcua client's URI
    static final String MILO_SERVER_URI = "urn:gridscout:e2e:milo-server";
    static final String MILO_PRODUCT_URI = "urn:gridscout:e2e:milo-product";
    static final Map<String, String> MILO_BUILD = Map.of(
            "vendor", "Gridscout Milo Vendor", "model", "GS-Milo-Server-3", "firmware", "3.2.1", "buildNumber", "3210",
            "buildDate", "2023-11-05T08:30:00Z", "productUri", MILO_PRODUCT_URI);
    static final String NODE_CLIENT_URI = "urn:gridscout:e2e:node-opcua-client";

    // as in opcua_server.js, and the Milo client's URI
    static final String NODE_SERVER_URI = "urn:gridscout:e2e:node-opcua-server";
    static final Map<String, String> NODE_BUILD = Map.of(
            "vendor", "Gridscout Node Vendor", "model", "GS-Node-Server-7", "firmware", "7.3.1", "buildNumber", "7310",
            "buildDate", "2024-05-17T12:00:00Z", "productUri", "urn:gridscout:e2e:node-opcua-product");
    static final String MILO_CLIENT_URI = "urn:gridscout:e2e:milo-client";

    static final List<NodeId> BUILD_INFO_NODES = List.of(2260, 2261, 2262, 2263, 2264, 2265, 2266).stream()
            .map(i -> new NodeId(0, i)).toList();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------------------------
    // Milo server, node-opcua client

    @Test
    void miloServerAndNodeOpcuaClientAppearInTheInventory() throws Exception {
        Path modules = nodeModules();
        run(30, "tcpdump", "--version");
        Path client = resource("opcua_client.js");
        int port = freePort();
        String url = "opc.tcp://127.0.0.1:" + port + "/gridscout";
        Path pcap = tmp.resolve("milo-server.pcap");
        OpcUaServer server = miloServer(port);
        Child tcpdump = null, node = null;
        try {
            awaitPort(port, null, 20_000); // before tcpdump starts: the probe is not part of the capture
            tcpdump = startCapture(port, pcap);
            // ServiceLevel (i=2267) is read-only: the Write goes on the wire all the same and is answered with a Bad code
            node = startNode(modules, null, client.toString(), url, tmp.resolve("client-pki").toString(), NODE_CLIENT_URI, "ns=0;i=2267");
            if (!node.process.waitFor(120, TimeUnit.SECONDS)) fail("node-opcua client did not finish in 120 s:%n%s", node.output);
            Thread.sleep(100);
            assertThat(node.process.exitValue()).as("node-opcua client exit code, output:%n%s", node.output).isZero();
            String out = node.output.toString();
            assertThat(out).as("node-opcua client output").contains("DONE", "RESULT secure Good:" + MILO_BUILD.get("model"),
                    "RESULT signed Good:" + MILO_BUILD.get("vendor"),
                    "RESULT buildinfo Good:", MILO_BUILD.get("vendor"), "RESULT write Bad");
            stopCapture(tcpdump);
        } finally {
            if (node != null) node.kill();
            if (tcpdump != null) tcpdump.kill();
            server.shutdown().get(10, TimeUnit.SECONDS);
        }
        checkInventory(pcap, port, MILO_SERVER_URI, MILO_BUILD, NODE_CLIENT_URI);
    }

    static OpcUaServer miloServer(int port) throws Exception {
        KeyPair kp = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate cert = new SelfSignedCertificateBuilder(kp).setCommonName("gridscout e2e milo server")
                .setApplicationUri(MILO_SERVER_URI).addDnsName("localhost").addIpAddress("127.0.0.1").build();
        var trust = new MemoryTrustListManager();
        var quarantine = new MemoryCertificateQuarantine();
        var factory = new RsaSha256CertificateFactory() {
            @Override
            protected KeyPair createRsaSha256KeyPair() {
                return kp;
            }

            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair k) {
                return new X509Certificate[] {cert};
            }
        };
        // test only: accept the client certificate node-opcua generates (it is unknown until the client runs)
        var group = DefaultApplicationGroup.createAndInitialize(trust, new MemoryCertificateStore(), factory,
                new CertificateValidator.InsecureCertificateValidator());
        Set<EndpointConfig> endpoints = Set.of(
                endpoint(port, cert, SecurityPolicy.None, MessageSecurityMode.None),
                endpoint(port, cert, SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign),
                endpoint(port, cert, SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt));
        BuildInfo build = new BuildInfo(MILO_PRODUCT_URI, MILO_BUILD.get("vendor"), MILO_BUILD.get("model"),
                MILO_BUILD.get("firmware"), MILO_BUILD.get("buildNumber"), new DateTime(Instant.parse(MILO_BUILD.get("buildDate"))));
        OpcUaServer server = new OpcUaServer(OpcUaServerConfig.builder()
                .setApplicationUri(MILO_SERVER_URI).setApplicationName(LocalizedText.english("gridscout-e2e-milo-server"))
                .setProductUri(MILO_PRODUCT_URI).setBuildInfo(build).setEndpoints(endpoints)
                .setCertificateManager(new DefaultCertificateManager(quarantine, group))
                .setIdentityValidator(AnonymousIdentityValidator.INSTANCE).build(),
                tp -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        server.startup().get(30, TimeUnit.SECONDS);
        return server;
    }

    static EndpointConfig endpoint(int port, X509Certificate cert, SecurityPolicy policy, MessageSecurityMode mode) {
        return EndpointConfig.newBuilder().setBindAddress("127.0.0.1").setHostname("127.0.0.1").setPath("/gridscout")
                .setCertificate(cert).setSecurityPolicy(policy).setSecurityMode(mode)
                .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY).setBindPort(port).build();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // node-opcua server, Milo client

    @Test
    void nodeOpcuaServerAndMiloClientAppearInTheInventory() throws Exception {
        Path modules = nodeModules();
        run(30, "tcpdump", "--version");
        Path script = resource("opcua_server.js");
        int port = freePort();
        String url = "opc.tcp://127.0.0.1:" + port + "/UA/GridscoutE2E";
        Path pcap = tmp.resolve("node-server.pcap");
        Child node = null, tcpdump = null;
        try {
            node = startNode(modules, "LISTENING", script.toString(), String.valueOf(port), tmp.resolve("server-pki").toString());
            if (!node.seen.await(60, TimeUnit.SECONDS)) fail("node-opcua server did not start within 60 s:%n%s", node.output);
            awaitPort(port, node, 20_000);
            tcpdump = startCapture(port, pcap);

            KeyPair kp = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            X509Certificate cert = new SelfSignedCertificateBuilder(kp).setCommonName("gridscout e2e milo client")
                    .setApplicationUri(MILO_CLIENT_URI).addDnsName("localhost").addIpAddress("127.0.0.1").build();

            List<EndpointDescription> offered = DiscoveryClient.getEndpoints(url).get(30, TimeUnit.SECONDS);
            assertThat(offered).extracting(EndpointDescription::getSecurityPolicyUri).contains(NONE, BASIC256SHA256);

            OpcUaClient plain = miloClient(url, kp, cert, SecurityPolicy.None, MessageSecurityMode.None);
            plain.connect();
            try {
                List<DataValue> values = plain.readValues(0, TimestampsToReturn.Both, BUILD_INFO_NODES);
                assertThat(values).hasSize(7);
                assertThat(values.get(3).getValue().getValue()).isEqualTo(NODE_BUILD.get("vendor"));
                NodeId setpoint = NodeId.parse("ns=1;s=Setpoint");
                List<StatusCode> written = plain.writeValues(List.of(setpoint), List.of(DataValue.valueOnly(new Variant(42.5))));
                assertThat(written.get(0).isGood()).as("write status %s", written.get(0)).isTrue();
            } finally {
                plain.disconnect();
            }
            OpcUaClient signed = miloClient(url, kp, cert, SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign);
            signed.connect();
            try {
                assertThat(signed.readValue(0, TimestampsToReturn.Both, new NodeId(0, 2263)).getValue().getValue())
                        .isEqualTo(NODE_BUILD.get("vendor"));
            } finally {
                signed.disconnect();
            }
            OpcUaClient secure = miloClient(url, kp, cert, SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt);
            secure.connect();
            try {
                assertThat(secure.readValue(0, TimestampsToReturn.Both, new NodeId(0, 2261)).getValue().getValue())
                        .isEqualTo(NODE_BUILD.get("model"));
            } finally {
                secure.disconnect();
            }
            stopCapture(tcpdump);
        } finally {
            if (tcpdump != null) tcpdump.kill();
            if (node != null) node.kill();
        }
        checkInventory(pcap, port, NODE_SERVER_URI, NODE_BUILD, MILO_CLIENT_URI);
    }

    static OpcUaClient miloClient(String url, KeyPair kp, X509Certificate cert, SecurityPolicy policy, MessageSecurityMode mode)
            throws Exception {
        Function<List<EndpointDescription>, Optional<EndpointDescription>> pick = eps -> eps.stream()
                .filter(e -> e.getSecurityPolicyUri().equals(policy.getUri()) && e.getSecurityMode() == mode).findFirst();
        return OpcUaClient.create(url, pick, t -> { }, b -> b
                .setApplicationUri(MILO_CLIENT_URI).setApplicationName(LocalizedText.english("gridscout-e2e-milo-client"))
                .setProductUri("urn:gridscout:e2e:milo-client-product")
                .setKeyPair(kp).setCertificate(cert).setCertificateChain(new X509Certificate[] {cert})
                // test only: accept the certificate node-opcua generated for its server
                .setCertificateValidator(new CertificateValidator.InsecureCertificateValidator()));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the inventory, and tshark as an independent count

    void checkInventory(Path pcap, int port, String serverUri, Map<String, String> build, String clientUri)
            throws Exception {
        assertThat(pcap).exists();
        Path json = tmp.resolve(pcap.getFileName() + ".json");
        JsonNode inv = analyze(pcap, json);
        String keep = System.getProperty("gridscout.e2e.keepDir"); // to look at (or benchmark) the capture afterwards
        if (keep != null && !keep.isBlank()) {
            Files.createDirectories(Path.of(keep));
            Files.copy(pcap, Path.of(keep).resolve(pcap.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(json, Path.of(keep).resolve(json.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }

        JsonNode asset = asset(inv, "127.0.0.1");
        JsonNode attrs = asset.get("attributes");
        assertThat(hasAttribute(asset, "applicationUri", serverUri, "opcua.endpoints"))
                .as("server applicationUri %s from opcua.endpoints in %s", serverUri, attrs).isTrue();
        assertThat(hasAttribute(asset, "applicationUri", clientUri, "opcua.session"))
                .as("client applicationUri %s from opcua.session in %s", clientUri, attrs).isTrue();
        assertThat(hasAttribute(asset, "applicationUri", clientUri, "opcua.certificate"))
                .as("client applicationUri %s from its certificate in %s", clientUri, attrs).isTrue();
        for (Map.Entry<String, String> e : build.entrySet()) {
            assertThat(hasAttribute(asset, e.getKey(), e.getValue(), "opcua.buildinfo"))
                    .as("attribute %s = '%s' from opcua.buildinfo in %s", e.getKey(), e.getValue(), attrs).isTrue();
        }
        assertThat(asset.get("vendor").asText()).isEqualTo(build.get("vendor"));
        assertThat(asset.get("model").asText()).isEqualTo(build.get("model"));
        assertThat(asset.get("firmware").asText()).isEqualTo(build.get("firmware"));

        JsonNode service = null;
        boolean clientRole = false;
        for (JsonNode s : asset.get("services")) {
            if (!s.get("protocol").asText().equals("opcua")) continue;
            if (s.get("role").asText().equals("server")) service = s;
            if (s.get("role").asText().equals("client")) clientRole = true;
        }
        assertThat(clientRole).as("opcua client service in %s", asset.get("services")).isTrue();
        assertThat(service).as("opcua server service in %s", asset.get("services")).isNotNull();
        assertThat(service.get("port").asInt()).isEqualTo(port);
        assertThat(texts(service.get("securityPolicies"))).as("securityPolicies of %s", service).contains(NONE, BASIC256SHA256);
        assertThat(texts(service.get("securityModes"))).as("securityModes of %s", service).containsExactlyInAnyOrder("None", "Sign", "SignAndEncrypt");
        assertThat(texts(service.get("offeredEndpoints"))).as("offeredEndpoints of %s", service)
                .contains("None None", "Sign Basic256Sha256", "SignAndEncrypt Basic256Sha256");
        assertThat(texts(service.get("userTokenTypesUsed"))).as("userTokenTypesUsed of %s", service).containsExactly("anonymous");

        JsonNode comm = null;
        for (JsonNode c : inv.get("communications")) {
            if (c.get("protocol").asText().equals("opcua") && c.get("port").asInt() == port) comm = c;
        }
        assertThat(comm).as("opcua communication to port %d in %s", port, inv.get("communications")).isNotNull();
        Map<String, Long> details = new TreeMap<>();
        for (JsonNode d : comm.get("details")) details.merge(d.get("name").asText() + "=" + d.get("value").asText(), d.get("count").asLong(), Long::sum);
        assertThat(details).as("details of %s", comm).containsKeys("channelPolicy=" + NONE, "channelPolicy=" + BASIC256SHA256);
        assertThat(details.get("encrypted=1")).as("encrypted messages in %s", comm).isNotNull().isPositive();
        Map<Integer, Long> operations = new TreeMap<>();
        for (JsonNode o : comm.get("operations")) operations.put(o.get("code").asInt(), o.get("count").asLong());
        assertThat(operations).as("operations of %s", comm).containsKeys(GET_ENDPOINTS, CREATE_SESSION, ACTIVATE_SESSION, READ, WRITE);
        assertThat(operations.get(WRITE)).as("Write requests (the secure sessions do not write)").isEqualTo(1L);
        // two sessions are readable (None and Sign): each creates and activates one; the encrypted one stays hidden
        assertThat(operations.get(CREATE_SESSION)).as("CreateSession requests seen in %s", comm).isEqualTo(2L);
        assertThat(operations.get(ACTIVATE_SESSION)).as("ActivateSession requests seen in %s", comm).isGreaterThanOrEqualTo(2L);

        // tshark, told the port is OPC UA, counts the readable requests by their type NodeId: every service the
        // inventory counts must agree with it
        String fields = run(60, "tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",opcua",
                "-Y", "opcua && tcp.dstport==" + port, "-T", "fields", "-e", "opcua.servicenodeid.numeric");
        Map<Integer, Long> tshark = new TreeMap<>();
        fields.lines().flatMap(l -> List.of(l.split(",")).stream()).filter(l -> l.matches("[0-9]{1,6}"))   // tshark reads random ids out of encrypted bodies
                .forEach(l -> tshark.merge(Integer.parseInt(l), 1L, Long::sum));
        for (int code : operations.keySet()) {
            // tshark cannot read the two Basic256Sha256 OpenSecureChannel requests (asymmetrically encrypted); the
            // decoder counts them from their unencrypted security header
            long expected = tshark.getOrDefault(code, 0L) + (code == OPEN_SECURE_CHANNEL ? 2 : 0);
            assertThat(operations.get(code)).as("count of request %d vs tshark %s, inventory %s", code, tshark, operations)
                    .isEqualTo(expected);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) for (JsonNode n : array) out.add(n.asText());
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // processes

    /** node_modules holding node-opcua at the pinned version; fails with the install command when absent. */
    static Path nodeModules() throws Exception {
        String configured = System.getProperty("gridscout.nodeModules", System.getenv("GRIDSCOUT_NODE_MODULES"));
        Path modules = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "gridscout-node", "node_modules");
        Path pkg = modules.resolve("node-opcua").resolve("package.json");
        if (!Files.isRegularFile(pkg)) {
            fail("node-opcua is not installed in %s: run .ci/run, or `npm install --prefix %s node-opcua@%s`"
                    + " (or point -Dgridscout.nodeModules / GRIDSCOUT_NODE_MODULES at a node_modules holding it)",
                    modules, modules.getParent(), NODE_OPCUA_VERSION);
        }
        JsonNode manifest = new ObjectMapper().readTree(pkg.toFile());
        assertThat(manifest.path("version").asText()).as("node-opcua version in %s", pkg).isEqualTo(NODE_OPCUA_VERSION);
        return modules;
    }

    Path resource(String name) throws IOException {
        Path file = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    static Child startNode(Path modules, String marker, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE_PATH", modules.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Child(p, p.getInputStream(), marker);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + cmd + " (Node.js 20+ is needed; CI has it): " + e.getMessage(), e);
        }
    }
}
