package io.gridscout.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic substation traffic: {@code sites} × {@code devicesPerSite} field devices with a
 * realistic protocol mix, polled by each site's SCADA front end, with background IT traffic, written as a pcap
 * of exactly {@code packets} packets (streamed: memory does not grow with the packet count). Beside it,
 * {@code FILE.expected.json} lists the assets, roles and identity strings the inventory must contain.
 *
 * <p>Same seed, same arguments: byte-identical output.
 */
public final class SubstationGenerator {
    public static final long START = 1_704_067_200_000_000_000L;   // 2024-01-01T00:00:00Z

    public record Result(long packets, long bytes, int devices, int identified) {}

    private static final Device.Kind[] MIX = {
            Device.Kind.MODBUS, Device.Kind.MODBUS, Device.Kind.MODBUS, Device.Kind.DNP3, Device.Kind.DNP3,
            Device.Kind.IEC104, Device.Kind.OPCUA, Device.Kind.GOOSE, Device.Kind.S7, Device.Kind.ENIP};

    private static final String[][] MODBUS_IDS = {
            {"Schneider Electric", "BMX P34 2020", "v3.10"}, {"Wago", "750-881", "01.09.18"},
            {"Phoenix Contact", "ILC 151 ETH", "4.42"}, {"ABB", "AC500 PM573", "2.8.4"}};
    private static final String[][] DNP3_IDS = {
            {"SEL", "SEL-3530 RTAC", "R148"}, {"GE Grid Solutions", "D20MX", "3.21"},
            {"Schweitzer Engineering Laboratories", "SEL-751", "R402"}, {"Triangle MicroWorks", "SCADA Data Gateway", "5.1"}};

    public static Result generate(Path pcap, long seed, int sites, int devicesPerSite, long packets) throws IOException {
        if (devicesPerSite < 1 || devicesPerSite > 240) throw new IllegalArgumentException("devices per site: 1..240");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Site> all = new ArrayList<>(sites);
        List<Device> devices = new ArrayList<>(sites * devicesPerSite);
        for (int s = 0; s < sites; s++) {
            Site site = new Site(s);
            all.add(site);
            for (int d = 0; d < devicesPerSite; d++) {
                Device.Kind k = MIX[rng.nextInt(MIX.length)];
                Device dev = new Device(k, devices.size(), site.deviceIp(d), site.master);
                identity(dev, rng);
                site.devices.add(dev);
                devices.add(dev);
            }
        }
        Result r;
        try (PcapOut out = new PcapOut(pcap)) {
            Wire w = new Wire(out, packets, START, rng);
            IcsTraffic ics = new IcsTraffic(w, rng);
            ItTraffic it = new ItTraffic(w, rng);
            int identified = 0;
            // every device is associated and identified first, as after an agent starts on a running network
            for (Device d : devices) {
                if (w.full()) break;
                if (ics.setup(d)) {
                    d.identified = true;
                    identified++;
                }
            }
            while (!w.full()) {
                if (rng.nextInt(100) < 12) it.step(all.get(rng.nextInt(all.size())));
                else ics.poll(devices.get(rng.nextInt(devices.size())));
            }
            r = new Result(out.packets(), out.bytes(), devices.size(), identified);
        }
        writeExpected(expectedPath(pcap), seed, sites, devicesPerSite, r, all);
        return r;
    }

    public static Path expectedPath(Path pcap) {
        return pcap.resolveSibling(pcap.getFileName() + ".expected.json");
    }

    private static void identity(Device d, SplittableRandom rng) {
        Map<String, String> id = d.identity;
        int n = d.index;
        d.dnpAddr = 10 + n % 60_000;
        switch (d.kind) {
            case MODBUS -> {
                String[] v = MODBUS_IDS[rng.nextInt(MODBUS_IDS.length)];
                id.put("vendor", v[0]);
                id.put("productCode", v[1]);
                id.put("firmware", v[2]);
            }
            case DNP3 -> {
                String[] v = DNP3_IDS[rng.nextInt(DNP3_IDS.length)];
                id.put("vendor", v[0]);
                id.put("model", v[1]);
                id.put("firmware", v[2]);
                id.put("serial", "SN" + (100_000 + n));
            }
            case OPCUA -> {
                id.put("applicationUri", "urn:substation:gateway:" + n);
                id.put("productUri", "urn:example:opcua-gateway");
                id.put("name", "Gateway" + n);
            }
            case S7 -> {
                id.put("name", "PLC_" + n);
                id.put("serial", "S C-X4U" + (10_000_000 + n));
            }
            case ENIP -> {
                id.put("vendorId", "1");
                id.put("productCode", Integer.toString(50 + rng.nextInt(100)));
                id.put("firmware", (20 + rng.nextInt(15)) + "." + (1 + rng.nextInt(30)));
                id.put("serial", String.format("0x%08x", 0x00C0FFEE + n));
                id.put("model", "1756-EN2T/D");
            }
            case GOOSE -> id.put("name", "IED" + n);
            case IEC104 -> { }
        }
    }

    private static void writeExpected(Path file, long seed, int sites, int perSite, Result r, List<Site> all) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("schema", "gridscout.bench.expected/1");
            g.writeNumberField("seed", seed);
            g.writeNumberField("sites", sites);
            g.writeNumberField("devicesPerSite", perSite);
            g.writeNumberField("packets", r.packets());
            g.writeArrayFieldStart("assets");
            for (Site s : all) {
                boolean[] clientOf = new boolean[Device.Kind.values().length];
                for (Device d : s.devices) if (d.identified && d.kind != Device.Kind.GOOSE) clientOf[d.kind.ordinal()] = true;
                g.writeStartObject();
                g.writeStringField("ip", Frames.ip(s.master));
                g.writeStringField("mac", Frames.macString(Frames.mac(s.master)));
                g.writeArrayFieldStart("services");
                for (Device.Kind k : Device.Kind.values()) {
                    if (clientOf[k.ordinal()]) service(g, protocol(k), k == Device.Kind.DNP3 ? "master" : "client");
                }
                g.writeEndArray();
                g.writeEndObject();
                // the engineering workstation: IT traffic only, an asset with no industrial role
                g.writeStartObject();
                g.writeStringField("ip", Frames.ip(s.workstation));
                g.writeStringField("mac", Frames.macString(Frames.mac(s.workstation)));
                g.writeArrayFieldStart("services");
                g.writeEndArray();
                g.writeEndObject();
                for (Device d : s.devices) {
                    if (!d.identified) continue;
                    g.writeStartObject();
                    if (d.kind != Device.Kind.GOOSE) g.writeStringField("ip", Frames.ip(d.ip));
                    g.writeStringField("mac", Frames.macString(d.mac));
                    g.writeArrayFieldStart("services");
                    service(g, protocol(d.kind), d.kind == Device.Kind.DNP3 ? "outstation" : d.kind == Device.Kind.GOOSE ? "publisher" : "server");
                    g.writeEndArray();
                    g.writeObjectFieldStart("identity");
                    for (Map.Entry<String, String> e : d.identity.entrySet()) {
                        if (d.kind == Device.Kind.GOOSE) g.writeStringField("logicalDevice", e.getValue() + "LD0");
                        else g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            for (int it : new int[] {ItTraffic.DNS, ItTraffic.HTTP, ItTraffic.SMB}) {   // the IT servers the workstations use
                g.writeStartObject();
                g.writeStringField("ip", Frames.ip(it));
                g.writeArrayFieldStart("services");
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void service(JsonGenerator g, String protocol, String role) throws IOException {
        g.writeStartObject();
        g.writeStringField("protocol", protocol);
        g.writeStringField("role", role);
        g.writeEndObject();
    }

    static String protocol(Device.Kind k) {
        return switch (k) {
            case MODBUS -> "modbus";
            case DNP3 -> "dnp3";
            case OPCUA -> "opcua";
            case IEC104 -> "iec104";
            case GOOSE -> "goose";
            case S7 -> "s7comm";
            case ENIP -> "enip";
        };
    }

    /** {@code generate OUT.pcap PACKETS [SITES DEVICES_PER_SITE [SEED]]} */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long packets = Long.parseLong(args[1].replace("_", ""));
        int sites = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int per = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        long t0 = System.nanoTime();
        Result r = generate(out, seed, sites, per, packets);
        System.out.printf("%s: %d packets, %d bytes, %d devices (%d identified) in %.1f s%n", out, r.packets(), r.bytes(),
                r.devices(), r.identified(), (System.nanoTime() - t0) / 1e9);
    }
}
