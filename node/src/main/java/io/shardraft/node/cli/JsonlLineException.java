package io.shardraft.node.cli;

/** A line of an import file that is not a valid object; carries its 1-based line number. */
final class JsonlLineException extends RuntimeException {

    private final long line;

    JsonlLineException(long line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    long line() {
        return line;
    }
}
