package io.gridscout.agent.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Real processes for the live tests: the agent as a separate JVM, the pymodbus peer, mbpoll. */
final class Processes {
    private Processes() {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path script(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = Processes.class.getResourceAsStream("/live/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** A started process whose output lines are collected. */
    static final class Running implements AutoCloseable {
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Running(List<String> cmd) throws IOException {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread t = reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException e) {
                    // process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        int waitFor(int seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("process ended in time; output:\n" + output()).isTrue();
            reader.join(5000);   // the last lines
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static Running pymodbusServer(Path dir, String host, int port) throws Exception {
        Running r = new Running(List.of("/usr/bin/python3", script(dir, "modbus_server.py").toString(), host, Integer.toString(port)));
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return r;
            } catch (IOException e) {
                assertThat(r.process.isAlive()).as("pymodbus server runs: " + r.output()).isTrue();
                Thread.sleep(100);
            }
        }
        throw new AssertionError("pymodbus server did not listen: " + r.output());
    }

    /** Device identification (MEI) then {@code reads} holding-register reads, with the pymodbus client. */
    static Running pymodbusClient(Path dir, String host, int port, int reads) throws IOException {
        Path p = dir.resolve("modbus_client.py");
        if (!Files.exists(p)) script(dir, "modbus_client.py");
        return new Running(List.of("/usr/bin/python3", p.toString(), host, Integer.toString(port), Integer.toString(reads)));
    }

    static void mbpoll(String host, int port) throws Exception {
        try (Running r = new Running(List.of("mbpoll", "-m", "tcp", "-a", "1", "-r", "1", "-c", "5", "-t", "4", "-1", "-p", Integer.toString(port), host))) {
            assertThat(r.waitFor(20)).as(r.output()).isZero();
        }
    }

    private static final Pattern API = Pattern.compile("API on https?://([^ ;]+):(\\d+)[ ;]");

    /** The agent as its own JVM, exactly as an operator starts it; returns once the API port is announced. */
    static final class Agent implements AutoCloseable {
        final Running run;
        final int apiPort;

        Agent(List<String> args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", classpath(), "io.gridscout.agent.cli.Main", "agent"));
            cmd.addAll(args);
            run = new Running(cmd);
            long end = System.currentTimeMillis() + 60_000;
            int port = -1;
            while (port < 0 && System.currentTimeMillis() < end) {
                Matcher m = API.matcher(run.output());
                if (m.find()) port = Integer.parseInt(m.group(2));
                else if (!run.process.isAlive()) throw new AssertionError("agent exited: " + run.output());
                else Thread.sleep(100);
            }
            if (port < 0) throw new AssertionError("agent did not announce its API: " + run.output());
            apiPort = port;
        }

        static String classpath() {
            String cp = System.getProperty("surefire.test.class.path");
            return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
        }

        @Override
        public void close() throws InterruptedException {
            run.close();
        }
    }

}
