package io.gridscout.protocols.modbus;

import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.capture.Captures;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pymodbus SunSpec peer capture through the real pipeline, judged against its .sunspec.json (tshark walk). */
class SunSpecCaptureTest {
    static final String CAPTURE = "sunspec-peer-fronius-symo-pymodbus.pcap";

    static List<Fact> analyse(Path file) throws Exception {
        List<Fact> facts = new ArrayList<>();
        Pipeline pipeline = new Pipeline(facts::add, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), FlowTable.Limits.defaults());
        try (CaptureReader r = Captures.open(file)) {
            while (r.next()) {
                pipeline.frame(r.linkType(), r.data(), r.offset(), r.capturedLength(), r.originalLength(), r.timestampNanos());
            }
        }
        pipeline.finish();
        return facts;
    }

    static Map<String, String> identity(List<Fact> facts, String server) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Identity id && id.endpoint().toString().equals(server)) {
                String prev = out.put(id.name() + "@" + id.source(), id.value());
                assertTrue(prev == null || prev.equals(id.value()), "conflicting " + id.name() + ": " + prev + " / " + id.value());
            }
        }
        return out;
    }

    @Test
    void fronius() throws Exception {
        Path file = io.gridscout.protocols.testutil.Captures.pcap(CAPTURE);
        String truth = java.nio.file.Files.readString(Path.of(file + ".sunspec.json"));
        List<Fact> facts = analyse(file);
        Map<String, String> id = identity(facts, "127.0.0.2:502");

        // common model from the truth file (tshark's walk)
        assertEquals(str(truth, "Mn"), id.get("vendor@sunspec.model1"));
        assertEquals(str(truth, "Md"), id.get("model@sunspec.model1"));
        assertEquals(str(truth, "Vr"), id.get("firmware@sunspec.model1"));
        assertEquals(str(truth, "SN"), id.get("serial@sunspec.model1"));
        assertEquals("", str(truth, "Opt"));
        assertEquals(null, id.get("options@sunspec.model1"), "all-NUL Opt is not an attribute");
        assertEquals("1", id.get("deviceAddress@sunspec.model1"));
        assertEquals("Fronius", id.get("vendor@sunspec.model1"));
        assertEquals("Symo 10.0-3-M", id.get("model@sunspec.model1"));
        assertEquals("3.16.7-1", id.get("firmware@sunspec.model1"));
        assertEquals("30123456", id.get("serial@sunspec.model1"));

        List<String> models = new ArrayList<>();
        Matcher m = Pattern.compile("\"id\": (\\d+)").matcher(truth);
        while (m.find()) if (!m.group(1).equals("65535")) models.add(m.group(1));
        assertEquals(String.join(",", models), id.get("sunspecModels@sunspec"));
        assertEquals("1,103,120,123", id.get("sunspecModels@sunspec"));
        assertEquals("inverter", id.get("deviceKind@sunspec"));

        Map<String, Long> ops = new LinkedHashMap<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Conversation c && c.protocol().equals("modbus")) {
                for (Fact.OperationCount o : c.operations()) ops.merge(o.code() + " " + o.name() + " " + o.kind(), o.count(), Long::sum);
            }
        }
        // FC16 40155..40158 (frame 87) and FC6 40159 (frame 89), as in the truth file's writes
        assertTrue(truth.contains("\"reference\": 40155") && truth.contains("\"reference\": 40159"));
        assertEquals(1L, ops.get("16 sunspec:123.WMaxLimPct " + OperationKind.CONTROL), ops.toString());
        assertEquals(1L, ops.get("16 sunspec:123.WMaxLimPct_WinTms " + OperationKind.CONTROL), ops.toString());
        assertEquals(1L, ops.get("16 sunspec:123.WMaxLimPct_RvrtTms " + OperationKind.CONTROL), ops.toString());
        assertEquals(1L, ops.get("16 sunspec:123.WMaxLimPct_RmpTms " + OperationKind.CONTROL), ops.toString());
        assertEquals(1L, ops.get("6 sunspec:123.WMaxLim_Ena " + OperationKind.CONTROL), ops.toString());
        // the Modbus function-code operations themselves are still counted once per request
        long fc16 = ops.entrySet().stream().filter(e -> e.getKey().startsWith("16 ") && !e.getKey().contains("sunspec")).mapToLong(Map.Entry::getValue).sum();
        long fc6 = ops.entrySet().stream().filter(e -> e.getKey().startsWith("6 ") && !e.getKey().contains("sunspec")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(1L, fc16, ops.toString());
        assertEquals(1L, fc6, ops.toString());
    }

    private static String str(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key);
        return m.group(1);
    }
}
