package io.gridscout.agent.export;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.inventory.Inventory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** NetBox and CycloneDX exports of real captures: schema validation, bulk-import files, and a push over real HTTP. */
class ExportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MEI = "modbus-peer-mei-schneider-m340-pymodbus.pcap";
    static final String S7 = "s7comm-cisagov-s7ident.pcap";
    static final String MMS = "mms-peer-libiec61850-identify-siprotec.pcap";
    static JsonSchema bom16;

    @TempDir
    Path tmp;

    @BeforeAll
    static void schema() {
        // the official schemas shipped in cyclonedx-core-java; their $refs (spdx, jsf) resolve from the same jar
        JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
                b -> b.schemaMappers(m -> m.mapPrefix("http://cyclonedx.org/schema/", "classpath:")));
        SchemaValidatorsConfig cfg = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        bom16 = f.getSchema(SchemaLocation.of("http://cyclonedx.org/schema/bom-1.6.schema.json"), cfg);
    }

    static String[] pcaps(String... names) {
        return java.util.Arrays.stream(names).map(n -> TestFiles.pcap(n).toString()).toArray(String[]::new);
    }

    static String[] args(String[] head, String... tail) {
        List<String> l = new ArrayList<>(List.of(head));
        l.addAll(List.of(tail));
        return l.toArray(String[]::new);
    }

    @Tag(Captures.SHARED)
    @Test
    void cycloneDxIsValidAgainstTheOfficialSchema() throws Exception {
        Path bom = tmp.resolve("bom.json");
        assertThat(Main.run(args(new String[] {"export", "cyclonedx", "--site", "north-substation", "--out", bom.toString()}, pcaps(MEI, S7, MMS)))).isZero();
        JsonNode doc = JSON.readTree(bom.toFile());
        Set<ValidationMessage> errors = bom16.validate(doc);
        assertThat(errors).isEmpty();
        assertThat(doc.path("specVersion").asText()).isEqualTo("1.6");
        JsonNode plc = find(doc, "BMX P34 2020");
        assertThat(plc.path("type").asText()).isEqualTo("device");
        assertThat(plc.path("manufacturer").path("name").asText()).isEqualTo("Schneider Electric");
        JsonNode fw = plc.path("components").get(0);
        assertThat(fw.path("type").asText()).isEqualTo("firmware");
        assertThat(fw.path("version").asText()).isEqualTo("v3.10");
        assertThat(fw.path("evidence").path("identity").get(0).path("methods").get(0).path("value").asText()).contains("modbus").contains(MEI);
        JsonNode ied = find(doc, "7SJ82");
        assertThat(ied.path("manufacturer").path("name").asText()).isEqualTo("Siemens");
        assertThat(props(ied, "gridscout:ip")).containsExactly("127.0.0.10");
        JsonNode s7 = find(doc, "6ES7 315-2EH14-0AB0");
        assertThat(s7.path("components").get(0).path("version").asText()).isEqualTo("V3.2.6");
        // the same inventory gives the same serial number
        Path bom2 = tmp.resolve("bom2.json");
        assertThat(Main.run(args(new String[] {"export", "cyclonedx", "--site", "north-substation", "--out", bom2.toString()}, pcaps(MEI, S7, MMS)))).isZero();
        assertThat(JSON.readTree(bom2.toFile()).path("serialNumber")).isEqualTo(doc.path("serialNumber"));
    }

    @Test
    void theSchemaCheckRejectsABrokenBom() throws Exception {
        Path bom = tmp.resolve("bom.json");
        assertThat(Main.run(args(new String[] {"export", "cyclonedx", "--out", bom.toString()}, pcaps(MEI)))).isZero();
        ObjectNode doc = (ObjectNode) JSON.readTree(bom.toFile());
        ((ObjectNode) doc.path("components").get(0)).put("type", "gadget");
        assertThat(bom16.validate(doc)).isNotEmpty();
    }

    @Test
    void exportsFromASavedInventoryEqualExportsFromCaptures() throws Exception {
        Inventory inv = Inventories.analyze(List.of(TestFiles.pcap(MEI), TestFiles.pcap(MMS)));
        Path saved = tmp.resolve("inv.json");
        try (var o = Files.newOutputStream(saved)) {
            InventoryJson.write(inv, "test", o);
        }
        Inventory back = InventoryJsonReader.read(saved);
        ByteArrayOutputStream a = new ByteArrayOutputStream(), b = new ByteArrayOutputStream();
        InventoryJson.write(inv, "test", a);
        InventoryJson.write(back, "test", b);
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo(a.toString(StandardCharsets.UTF_8));
        assertThat(Main.run("export", "netbox", "--site", "S1", "--inventory", saved.toString(), "--out", tmp.resolve("a/devices.csv").toString())).isZero();
        assertThat(Main.run(args(new String[] {"export", "netbox", "--site", "S1", "--out", tmp.resolve("b/devices.csv").toString()}, pcaps(MEI, MMS)))).isZero();
        assertThat(Files.readString(tmp.resolve("a/devices.csv"))).isEqualTo(Files.readString(tmp.resolve("b/devices.csv")));
    }

    @Tag(Captures.SHARED)
    @Test
    void netboxCsvHasTheBulkImportColumns() throws Exception {
        Path out = tmp.resolve("nb/devices.csv");
        assertThat(Main.run(args(new String[] {"export", "netbox", "--site", "north", "--out", out.toString()}, pcaps(MEI, S7, MMS)))).isZero();
        List<String> rows = Files.readAllLines(out);
        assertThat(rows.get(0)).isEqualTo("site,name,role,manufacturer,device_type,serial,status,cf_firmware,cf_protocols");
        assertThat(rows).hasSize(1 + 4); // 127.0.0.1 appears in two captures: one asset
        assertThat(rows).contains("north,plc-127.0.0.4,plc,Schneider Electric,BMX P34 2020,,active,v3.10,modbus",
                "north,PVP07Q02,ied,Siemens,7SJ82,BF2305123456,active,V09.40.04,mms");
        List<String> ips = Files.readAllLines(tmp.resolve("nb/ip-addresses.csv"));
        assertThat(ips.get(0)).isEqualTo("address,status,device,interface,is_primary,description");
        assertThat(ips).anyMatch(l -> l.startsWith("127.0.0.10/32,active,PVP07Q02,gridscout0,true,"));
        assertThat(Files.readAllLines(tmp.resolve("nb/device-types.csv"))).contains("Siemens,7SJ82,siemens-7sj82");
        assertThat(Files.readAllLines(tmp.resolve("nb/interfaces.csv")).get(1)).startsWith("hmi-127.0.0.1,gridscout0,other,");
        for (String f : List.of("manufacturers.csv", "device-roles.csv")) assertThat(tmp.resolve("nb").resolve(f)).exists();
    }

    @Test
    void netboxPushCreatesOnceAndIsIdempotent() throws Exception {
        Path token = tmp.resolve("token");
        Files.writeString(token, "0123456789abcdef\n");
        try (FakeNetbox nb = new FakeNetbox("0123456789abcdef")) {
            String[] cmd = args(new String[] {"export", "netbox", "--site", "north", "--push", nb.url().toString(), "--token-file", token.toString()}, pcaps(MEI, MMS));
            assertThat(Main.run(cmd)).isZero();
            assertThat(nb.all("dcim/devices")).hasSize(3);
            assertThat(nb.all("dcim/sites")).hasSize(1);
            ObjectNode ied = nb.all("dcim/devices").stream().filter(d -> d.path("name").asText().equals("PVP07Q02")).findFirst().orElseThrow();
            assertThat(ied.path("custom_fields").path("firmware").asText()).isEqualTo("V09.40.04");
            assertThat(ied.path("status").path("value").asText()).isEqualTo("active");
            long ip = ied.path("primary_ip4").path("id").asLong();
            ObjectNode addr = nb.tables.get("ipam/ip-addresses").get(ip);
            assertThat(addr.path("address").asText()).isEqualTo("127.0.0.10/32");
            ObjectNode ifc = nb.tables.get("dcim/interfaces").get(addr.path("assigned_object_id").asLong());
            assertThat(ifc.path("device").path("id").asLong()).isEqualTo(ied.path("id").asLong());
            ObjectNode type = nb.tables.get("dcim/device-types").get(ied.path("device_type").path("id").asLong());
            assertThat(type.path("model").asText()).isEqualTo("7SJ82");
            int posts = count(nb, "POST");
            // a second push finds everything and creates nothing
            assertThat(Main.run(cmd)).isZero();
            assertThat(count(nb, "POST")).isEqualTo(posts);
            assertThat(nb.all("dcim/devices")).hasSize(3);
            assertThat(nb.all("ipam/ip-addresses")).hasSize(3);
            // a wrong token is an error, not a silent success
            Files.writeString(token, "wrong");
            assertThat(Main.run(cmd)).isEqualTo(2);
        }
    }

    static int count(FakeNetbox nb, String method) {
        return (int) nb.requests.stream().filter(r -> r.method().equals(method)).count();
    }

    static JsonNode find(JsonNode bom, String name) {
        for (JsonNode c : bom.path("components")) if (c.path("name").asText().equals(name)) return c;
        throw new AssertionError("no component " + name + " in " + bom);
    }

    static List<String> props(JsonNode c, String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : c.path("properties")) if (p.path("name").asText().equals(name)) out.add(p.path("value").asText());
        return out;
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        assertThat(Main.run("export", "netbox", "--site", "x", "--out", tmp.resolve("d.csv").toString())).isEqualTo(2); // no input
        assertThat(Main.run(args(new String[] {"export", "netbox", "--site", "x"}, pcaps(MEI)))).isEqualTo(2); // neither --out nor --push
        assertThat(Main.run(args(new String[] {"export", "netbox", "--site", "x", "--push", "http://127.0.0.1:1"}, pcaps(MEI)))).isEqualTo(2); // no token
        assertThat(Main.run("export", "cyclonedx", "--inventory", tmp.resolve("missing.json").toString(), "--out", tmp.resolve("b.json").toString())).isEqualTo(2);
        Path notInventory = tmp.resolve("x.json");
        Files.writeString(notInventory, "{\"schema\":\"something/1\"}");
        assertThat(Main.run("export", "cyclonedx", "--inventory", notInventory.toString(), "--out", tmp.resolve("b.json").toString())).isEqualTo(2);
        assertThat(Main.run("export")).isEqualTo(2);
    }
}
