package io.shardraft.node.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the CLI in-process with captured stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ShardraftCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }
}
