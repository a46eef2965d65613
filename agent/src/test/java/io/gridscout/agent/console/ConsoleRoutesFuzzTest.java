package io.gridscout.agent.console;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.api.ApiToken;
import io.gridscout.agent.daemon.AgentEngine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile console requests (paths, parameters, cookies, login bodies): a status every time, never an exception. */
class ConsoleRoutesFuzzTest {
    static final String COOKIE;
    static final ConsoleRoutes ROUTES;
    static final Set<Integer> STATUSES = Set.of(200, 204, 303, 400, 401, 404, 405);
    static final String[] PREFIXES = {"/console/assets?", "/console/assets/", "/console/map.json?", "/console/events?", "/", "/login", "/console/"};

    static {
        try {
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), null);
            ConsoleModel model = ConsoleModel.live(engine, null, "fuzz");
            engine.ingestFile(TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap"));
            engine.tick(AgentEngine.wallNanos());
            Path tokenFile = Files.createTempDirectory("gridscout-console-fuzz").resolve("token");
            ApiToken token = ApiToken.loadOrCreate(tokenFile);
            COOKIE = ConsoleRoutes.COOKIE + "=" + Files.readString(tokenFile).trim();
            ROUTES = new ConsoleRoutes(model, token, false, 0);   // aggregate always: the group code runs too
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void knownNastyRequests() {
        for (String uri : List.of("/console/assets?page=0", "/console/assets?page=99999999999", "/console/assets?sort=%", "/console/assets/%zz",
                "/console/assets?q=%3Cscript%3E", "/console/map.json?expand=%zz", "/console/map.json?expand=,,,", "/console/events?type=<x>&page=-1",
                "/console/assets?" + "a=1&".repeat(40), "/console/assets?q=" + "x".repeat(2000), "/console/../../etc/passwd", "/webjars/../x")) {
            assertThat(STATUSES).as(uri).contains(ROUTES.handle(new ConsoleRoutes.Request("GET", uri, COOKIE, null, false, null)).status());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        if (data.length == 0) return;
        String s = new String(data, 1, data.length - 1, StandardCharsets.ISO_8859_1);
        String uri = PREFIXES[(data[0] & 0x07) % PREFIXES.length] + s;
        boolean post = (data[0] & 0x10) != 0;
        ConsoleRoutes.Reply r = ROUTES.handle(new ConsoleRoutes.Request(post ? "POST" : "GET", uri, (data[0] & 0x40) != 0 ? COOKIE : s, null,
                (data[0] & 0x20) != 0, data));
        if (!STATUSES.contains(r.status())) throw new AssertionError("status " + r.status() + " for " + uri);
    }
}
