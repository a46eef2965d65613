package io.gridscout.agent.cli;

import picocli.CommandLine;

/** The version baked into the jar manifest by Maven (or "dev" when run from classes). */
public final class Version implements CommandLine.IVersionProvider {
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gridscout " + get()};
    }
}
