package io.shardraft.bench;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code shardraft bench ...} in-process with captured stdout and stderr. */
record BenchRun(int exitCode, String out, String err) {

    static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new BenchRun(code, out.toString(), err.toString());
    }
}
