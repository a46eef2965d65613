package io.gridscout.agent.cli;

import io.gridscout.agent.export.CycloneDx;
import io.gridscout.agent.export.Inventories;
import io.gridscout.agent.export.NetboxClient;
import io.gridscout.agent.export.NetboxCsv;
import io.gridscout.agent.export.NetboxDevice;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.protocols.capture.CaptureFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gridscout export netbox|cyclonedx}: the inventory in the formats a CMDB or an SBOM/HBOM tool reads. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export an inventory to NetBox or CycloneDX.",
        subcommands = {ExportCommand.Netbox.class, ExportCommand.CycloneDxCmd.class})
public final class ExportCommand implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "export needs a format: netbox or cyclonedx");
    }

    static class Source {
        @Option(names = "--inventory", paramLabel = "FILE", description = "a saved inventory (gridscout.inventory/1 JSON) instead of captures")
        Path inventory;

        @Parameters(arity = "0..*", paramLabel = "CAPTURE", description = "capture files to analyse")
        List<Path> captures = new ArrayList<>();

        @Option(names = "--debug", description = "print stack traces of errors")
        boolean debug;

        Inventory load() throws IOException {
            if (inventory == null && captures.isEmpty()) throw new IllegalArgumentException("give --inventory FILE or capture files");
            return Inventories.load(inventory, captures);
        }

        int fail(String message, Exception e) {
            System.err.println("gridscout: error: " + message);
            if (debug && e != null) e.printStackTrace();
            return 2;
        }

        int run(Body body) {
            try {
                return body.run(load());
            } catch (IllegalArgumentException e) {
                return fail(e.getMessage(), e);
            } catch (NoSuchFileException e) {
                return fail(e.getFile() + ": no such file", e);
            } catch (CaptureFormatException e) {
                return fail(e.getMessage(), e);
            } catch (IOException e) {
                return fail(e.getMessage(), e);
            }
        }
    }

    interface Body {
        int run(Inventory inv) throws IOException;
    }

    @Command(name = "netbox", mixinStandardHelpOptions = true,
            description = {"CSV files for NetBox's bulk import, or a push through NetBox's REST API (--push URL --token-file F).",
                    "Import order: manufacturers.csv, device-roles.csv, device-types.csv, devices.csv, interfaces.csv, ip-addresses.csv",
                    "(ip-addresses.csv last: it sets each device's primary IP). Custom fields 'firmware' and 'protocols' must exist."})
    static final class Netbox implements Callable<Integer> {
        @CommandLine.Mixin
        Source source = new Source();

        @Option(names = "--site", required = true, paramLabel = "NAME", description = "the NetBox site the devices belong to")
        String site;

        @Option(names = "--out", paramLabel = "FILE", description = "devices CSV; the other import files are written beside it")
        Path out;

        @Option(names = "--push", paramLabel = "URL", description = "NetBox base URL, e.g. https://netbox.example.org")
        URI push;

        @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the NetBox API token")
        Path tokenFile;

        @Override
        public Integer call() {
            if (out == null && push == null) return source.fail("give --out FILE and/or --push URL", null);
            if (push != null && tokenFile == null) return source.fail("--push needs --token-file", null);
            return source.run(inv -> {
                List<NetboxDevice> devices = NetboxDevice.of(inv, site);
                if (out != null) {
                    for (Path p : NetboxCsv.write(devices, out)) System.err.println("wrote " + p);
                }
                if (push != null) {
                    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
                    NetboxClient.Result r = new NetboxClient(push, token).push(devices);
                    System.err.println("netbox: " + devices.size() + " devices; objects created " + r.created() + ", updated " + r.updated()
                            + ", unchanged " + r.unchanged());
                }
                return 0;
            });
        }
    }

    @Command(name = "cyclonedx", mixinStandardHelpOptions = true, description = "The inventory as a CycloneDX 1.6 hardware BOM (JSON).")
    static final class CycloneDxCmd implements Callable<Integer> {
        @CommandLine.Mixin
        Source source = new Source();

        @Option(names = "--site", paramLabel = "NAME", description = "site the BOM describes (metadata.component)")
        String site;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "BOM file; '-' for stdout")
        Path out;

        @Override
        public Integer call() {
            return source.run(inv -> {
                long now = System.currentTimeMillis() * 1_000_000L;
                if (out.toString().equals("-")) {
                    CycloneDx.write(inv, site, Version.get(), now, System.out);
                } else {
                    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
                        CycloneDx.write(inv, site, Version.get(), now, o);
                    }
                }
                return 0;
            });
        }
    }
}
