package io.gridscout.agent.fleet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka 4.1.1 broker in KRaft mode (broker and controller in one process), from the
 * {@code kafka_2.13} artifacts on the test classpath, in a CHILD JVM: it can be killed and restarted on the same
 * ports and log directory like a real outage, and its classes cannot clash with the test's. Output goes to
 * {@code broker.log} in its directory. Every wait is bounded.
 */
final class KafkaBroker implements AutoCloseable {
    final Path dir;
    final int port, controllerPort;
    private final Path config;
    private Process process;

    KafkaBroker(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
        this.config = dir.resolve("server.properties");
        Path logs = dir.resolve("data");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logs,
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=2000",
                "") );
        int rc = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()))
                .redirectOutput(dir.resolve("format.log").toFile()).redirectErrorStream(true).start().waitFor();
        if (rc != 0) throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and waits (at most {@code timeoutSeconds}) until it answers metadata requests. */
    void start(int timeoutSeconds) throws IOException, InterruptedException {
        process = java(List.of("kafka.Kafka", config.toString()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) throw new IllegalStateException("kafka exited with " + process.exitValue() + ", see " + dir.resolve("broker.log"));
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) return;
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("kafka not up within " + timeoutSeconds + " s, see " + dir.resolve("broker.log"));
                Thread.sleep(300);
            }
        }
    }

    /** Kills the broker like a power cut (SIGKILL) and waits for the process to be gone. */
    void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("kafka did not die");
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        process = null;
    }

    static ProcessBuilder java(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", testClassPath()));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd);
    }

    /** Surefire runs tests from a manifest-only jar; the real classpath is in this property. */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
