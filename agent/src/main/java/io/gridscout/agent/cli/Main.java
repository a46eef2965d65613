package io.gridscout.agent.cli;

/** Entry point of the gridscout command line. */
public final class Main {
    public static void main(String[] args) {
        System.err.println("usage: gridscout analyze [--json FILE] [--csv FILE] [--stats] CAPTURE...");
        System.exit(2);
    }
}
