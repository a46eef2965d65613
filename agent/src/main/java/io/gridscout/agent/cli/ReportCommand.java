package io.gridscout.agent.cli;

import picocli.CommandLine.Command;

/** {@code gridscout report --report DIR [--site F] [--register F] [--standard S] CAPTURE...}: the evidence pack only. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an ISO/IEC 27019 evidence pack from capture files (same inputs as analyze; --report DIR required).")
public final class ReportCommand extends AnalyzeCommand {
    @Override
    boolean requiresReport() {
        return true;
    }
}
