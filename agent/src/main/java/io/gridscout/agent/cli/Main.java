package io.gridscout.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the gridscout command line. Exit codes: 0 ok, 1 partial results, 2 usage or input errors. */
@Command(name = "gridscout", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Passive asset inventory for utility control networks.",
        subcommands = {AnalyzeCommand.class, ReportCommand.class, ControlsCommand.class, AgentCommand.class, WatchCommand.class,
                ExportCommand.class, HubCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("gridscout: " + ex.getMessage());
            System.err.println("try 'gridscout " + (ex.getCommandLine().getCommandName().equals("gridscout") ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'");
            return 2;
        });
        return cl.execute(args);
    }
}
