package io.gridscout.mapping.classify;

/** A rules file that does not parse or validate; the message names the file and line. */
public final class RuleFileException extends IllegalArgumentException {
    private final String source;
    private final int line;

    RuleFileException(String source, int line, String message) {
        super(source + ":" + line + ": " + message);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }
}
