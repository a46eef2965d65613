package io.gridscout.agent.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.api.ApiTest;
import io.gridscout.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tcpreplay of a testdata capture into one end of a veth pair whose other end lives in a network namespace of
 * this test; the agent (own JVM, shipped sample config + flag overrides) captures on the host end. The API
 * inventory must equal {@code analyze --json} of the same file (times aside: live frames carry capture time),
 * and the capture interface must not have sent a single frame. The host end has no address, no ARP, no IPv6.
 */
class ReplayTest {
    static final String CAPTURE = "modbus-peer-mei-schneider-m340-pymodbus.pcap";   // 127.0.0.x only
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static void sh(String... cmd) throws Exception {
        try (Processes.Running r = new Processes.Running(List.of(cmd))) {
            assertThat(r.waitFor(60)).as(String.join(" ", cmd) + ": " + r.output()).isZero();
        }
    }

    static void shQuiet(String... cmd) {
        try (Processes.Running r = new Processes.Running(List.of(cmd))) {
            r.process.waitFor();
        } catch (Exception e) {
            // cleanup: best effort
        }
    }

    static long txPackets(String iface) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", iface, "statistics/tx_packets")).trim());
    }

    /** The inventory without what legitimately differs between a file and a live replay: times, capture list, counters. */
    static JsonNode comparable(JsonNode inv) {
        ObjectNode o = inv.deepCopy();
        o.remove(List.of("captures", "counters", "generator"));
        for (JsonNode a : (ArrayNode) o.get("assets")) {
            ((ObjectNode) a).remove(List.of("firstSeen", "lastSeen"));
            for (JsonNode at : a.get("attributes")) ((ObjectNode) at).remove(List.of("firstSeen", "lastSeen"));
        }
        for (JsonNode c : (ArrayNode) o.get("communications")) ((ObjectNode) c).remove(List.of("firstSeen", "lastSeen"));
        return o;
    }

    @Test
    void replayedCaptureGivesTheSameInventoryAsAnalyzeAndNothingIsSent() throws Exception {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String ns = "gsreplay" + tag, host = "gsr" + tag + "h", peer = "gsr" + tag + "n";
        Path analyzed = tmp.resolve("analyze.json");
        assertThat(Main.run("analyze", "--quiet", "--json=" + analyzed, TestFiles.pcap(CAPTURE).toString())).isZero();
        JsonNode expected = comparable(JSON.readTree(analyzed.toFile()));
        try {
            sh("ip", "netns", "add", ns);
            sh("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            sh("ip", "link", "set", peer, "netns", ns);
            Files.writeString(Path.of("/proc/sys/net/ipv6/conf", host, "disable_ipv6"), "1");
            sh("ip", "link", "set", host, "arp", "off");
            sh("ip", "link", "set", host, "up");
            // the namespace end stays silent too (no IPv6 router solicitations or DAD in the inventory)
            sh("ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + peer + "/disable_ipv6");
            sh("ip", "netns", "exec", ns, "ip", "link", "set", peer, "arp", "off");
            sh("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
            Path token = tmp.resolve("token");
            try (Processes.Agent agent = new Processes.Agent(List.of("--config", AgentCommandTest.sampleConfig().toString(), "--interface", host,
                    "--store", tmp.resolve("replay.db").toString(), "--listen", "127.0.0.1:0", "--token-file", token.toString(),
                    "--checkpoint-seconds", "1"))) {
                long txBefore = txPackets(host);
                sh("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", peer, TestFiles.pcap(CAPTURE).toString());
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/api/v1/inventory"))
                        .header("Authorization", "Bearer " + Files.readString(token).trim()).build();
                JsonNode live = null;
                long end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end) {
                    live = comparable(JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body()));
                    if (live.equals(expected)) break;
                    Thread.sleep(250);
                }
                assertThat(live.toPrettyString()).isEqualTo(expected.toPrettyString());
                assertThat(txPackets(host)).as("frames sent on the capture interface").isEqualTo(txBefore);
                long frames = JSON.readTree(analyzed.toFile()).get("captures").get(0).get("packets").asLong();
                HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/metrics"))
                        .header("Authorization", "Bearer " + Files.readString(token).trim()).build();
                assertThat(ApiTest.parsePrometheus(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body()).get("gridscout_packets_total"))
                        .isEqualTo((double) frames);

                // a burst at top speed: every frame decoded, none dropped by the kernel or the queue
                int loops = 3000;
                sh("ip", "netns", "exec", ns, "tcpreplay", "-q", "--topspeed", "--loop=" + loops, "-i", peer, TestFiles.pcap(CAPTURE).toString());
                Map<String, Double> m = Map.of();
                end = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < end) {
                    m = ApiTest.parsePrometheus(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
                    if (m.get("gridscout_packets_total") >= frames * (1 + loops)) break;
                    Thread.sleep(250);
                }
                assertThat(m.get("gridscout_packets_total")).isEqualTo((double) frames * (1 + loops));
                assertThat(m.get("gridscout_drops_total{cause=\"kernel\",interface=\"" + host + "\"}")).isZero();
                assertThat(m.get("gridscout_drops_total{cause=\"queue\"}")).isZero();
                assertThat(txPackets(host)).as("frames sent on the capture interface").isEqualTo(txBefore);

                // the interface goes down: /healthz says so; it comes back: capture resumes by itself
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/healthz")).build();
                sh("ip", "link", "set", host, "down");
                HttpResponse<String> h = null;
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end && (h == null || h.statusCode() != 503)) {
                    Thread.sleep(200);
                    h = http.send(health, HttpResponse.BodyHandlers.ofString());
                }
                assertThat(h.statusCode()).as(h.body()).isEqualTo(503);
                assertThat(JSON.readTree(h.body()).get("problems").get(0).asText()).startsWith("capture on " + host + " stopped");
                sh("ip", "link", "set", host, "up");
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end && h.statusCode() != 200) {
                    Thread.sleep(200);
                    h = http.send(health, HttpResponse.BodyHandlers.ofString());
                }
                assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
                double before = m.get("gridscout_packets_total");
                sh("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", peer, TestFiles.pcap(CAPTURE).toString());
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end) {
                    m = ApiTest.parsePrometheus(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
                    if (m.get("gridscout_packets_total") >= before + frames) break;
                    Thread.sleep(250);
                }
                assertThat(m.get("gridscout_packets_total")).isEqualTo(before + frames);
                assertThat(m.get("gridscout_capture_up{interface=\"" + host + "\"}")).isEqualTo(1.0);
                assertThat(txPackets(host)).as("frames sent on the capture interface").isEqualTo(txBefore);

                // the interface disappears and comes back (a USB NIC replugged): the capture reopens it
                sh("ip", "link", "del", host);
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end && h.statusCode() != 503) {
                    Thread.sleep(200);
                    h = http.send(health, HttpResponse.BodyHandlers.ofString());
                }
                assertThat(h.statusCode()).as(h.body()).isEqualTo(503);
                sh("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
                sh("ip", "link", "set", peer, "netns", ns);
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", host, "disable_ipv6"), "1");
                sh("ip", "link", "set", host, "arp", "off");
                sh("ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + peer + "/disable_ipv6");
                sh("ip", "netns", "exec", ns, "ip", "link", "set", peer, "arp", "off");
                sh("ip", "link", "set", host, "up");
                sh("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end && h.statusCode() != 200) {
                    Thread.sleep(200);
                    h = http.send(health, HttpResponse.BodyHandlers.ofString());
                }
                assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
                long txAfterRecreate = txPackets(host);
                before = m.get("gridscout_packets_total");
                sh("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", peer, TestFiles.pcap(CAPTURE).toString());
                end = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < end) {
                    m = ApiTest.parsePrometheus(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
                    if (m.get("gridscout_packets_total") >= before + frames) break;
                    Thread.sleep(250);
                }
                assertThat(m.get("gridscout_packets_total")).isEqualTo(before + frames);
                assertThat(m.get("gridscout_capture_reopened_total{interface=\"" + host + "\"}")).isGreaterThanOrEqualTo(1.0);
                assertThat(txPackets(host)).as("frames sent on the recreated capture interface").isEqualTo(txAfterRecreate);
                txBefore = txAfterRecreate;
                agent.run.process.toHandle().destroy();
                assertThat(agent.run.waitFor(30)).isIn(0, 143);
                assertThat(txPackets(host)).isEqualTo(txBefore);
            }
        } finally {
            shQuiet("ip", "link", "del", host);
            shQuiet("ip", "netns", "del", ns);
        }
    }
}
