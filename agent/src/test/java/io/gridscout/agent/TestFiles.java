package io.gridscout.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's testdata from any module's test run. */
public final class TestFiles {
    private TestFiles() {}

    public static Path root() {
        String p = System.getProperty("gridscout.root");
        Path root = p != null ? Path.of(p) : Path.of("..");
        if (!Files.isDirectory(root.resolve("testdata")) && Files.isDirectory(Path.of("testdata"))) root = Path.of(".");
        return root.toAbsolutePath().normalize();
    }

    /** See {@link io.gridscout.protocols.testutil.Captures#pcap}: own captures, else ../shared in the acceptance step. */
    public static Path pcap(String name) {
        return io.gridscout.protocols.testutil.Captures.pcap(name);
    }

    public static Path sharedDir() {
        return io.gridscout.protocols.testutil.Captures.sharedDir();
    }
}
