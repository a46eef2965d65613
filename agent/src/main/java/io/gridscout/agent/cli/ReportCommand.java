package io.gridscout.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code gridscout report --report DIR [--site F] [--register F] [--standard S] CAPTURE...}: the evidence pack only.
 * {@code gridscout report --hub URL --token-file F [--site-name S] --report DIR}: the same pack built by a fleet hub over
 * one site (or the whole fleet without {@code --site-name}) from {@code /api/v1/report?format=zip}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an ISO/IEC 27019 evidence pack from capture files (same inputs as analyze; --report DIR required), "
                + "or from a fleet hub (--hub URL --token-file F [--site-name S]).")
public final class ReportCommand extends AnalyzeCommand {
    @Option(names = "--hub", paramLabel = "URL", description = "fetch the pack from this gridscout hub (e.g. http://hub:8750) instead of analysing captures")
    URI hub;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    boolean requiresReport() {
        return true;
    }

    @Override
    public Integer call() {
        if (hub == null) return super.call();
        if (report == null) return error("--report DIR is required");
        if (!captures.isEmpty()) return error("--hub takes no CAPTURE (the hub holds the inventory)");
        if (tokenFile == null) return error("--hub needs --token-file (the hub's bearer token)");
        if (site != null || register != null) return error("with --hub the hub's --sites and --register apply, not --site/--register");
        try {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            // the hub's --standard unless this command names one
            boolean std = spec.commandLine().getParseResult().hasMatchedOption("--standard");
            String q = "?format=zip" + (std ? "&standard=" + URLEncoder.encode(standard, StandardCharsets.UTF_8) : "")
                    + (siteName == null ? "" : "&site=" + URLEncoder.encode(siteName, StandardCharsets.UTF_8));
            URI uri = hub.resolve("/api/v1/report" + q);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
                }
                return error(uri + ": HTTP " + r.statusCode() + " " + body.trim());
            }
            Files.createDirectories(report);
            int files = 0;
            try (ZipInputStream z = new ZipInputStream(r.body())) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    String name = e.getName();
                    // flat pack: never let an entry name leave the directory
                    if (e.isDirectory() || name.contains("/") || name.contains("\\") || name.startsWith(".")) return error("unexpected entry in the hub's pack: " + name);
                    Files.copy(z, report.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    files++;
                }
            }
            if (files == 0) return error(uri + ": empty pack");
            System.err.println("evidence pack: " + report + " (" + files + " files from " + hub + (siteName == null ? ", whole fleet)" : ", site " + siteName + ")"));
            return 0;
        } catch (NoSuchFileException e) {
            return error(e.getFile() + ": no such file");
        } catch (IOException e) {
            return error(hub + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted");
        }
    }

    private static int error(String message) {
        System.err.println("gridscout: error: " + message);
        return 2;
    }
}
