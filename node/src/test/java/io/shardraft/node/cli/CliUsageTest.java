package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit codes and error lines that need no running node. */
class CliUsageTest {

    @TempDir
    Path dir;

    private static String deadTarget() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "frobnicate",
            "cluster",
            "index",
            "node",
            "node stop",
            "index create x --shards 3 --replicas 3",
            "index create x --shards 3 --replicas 3 --dims 4 --metric hamming",
            "index create x --shards three --replicas 3 --dims 4",
            "get idx 5d5c1f0e-0000-4000-8000-000000000001 --consistency linearizable",
            "count idx --consistency sometimes",
            "put idx --id a --props {} --vector 1,x,3",
            "put idx --id a --props {} --vector 1,,3",
            "put idx --id a --props {} --vector NaN",
            "put idx --id a --props [1]",
            "put idx --id a --props {bad",
            "put idx --props {}",
            "merge idx --id a",
            "search idx --k 3",
            "search idx --vector 1,2 --k 0",
            "search idx --vector 1,2 --filter color=red",
            "search idx --vector 1,2 --filter =1",
            "count idx --timeout 0",
            "count idx --target nohostport",
            "import idx",
            "import idx f.jsonl --batch 0",
    })
    void usageErrorsExit2(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), () -> line + " -> " + run);
        assertTrue(run.out().isEmpty(), () -> "nothing on stdout for " + line + ": " + run.out());
        assertTrue(!run.err().isBlank(), () -> "a usage message for " + line);
    }

    @Test
    void helpExits0() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("cluster"));
        assertEquals(0, CliRun.of("index", "create", "--help").exitCode());
    }

    @Test
    void unreachableNodeIsOneErrorLine() throws IOException {
        String target = deadTarget();
        CliRun run = CliRun.of("count", "idx", "--target", target, "--timeout", "5");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("shardraft: cannot reach node " + target), run::toString);
        assertTrue(run.out().isEmpty());
    }

    @Test
    void verbosePrintsTheStackTrace() throws IOException {
        CliRun run = CliRun.of("count", "idx", "--target", deadTarget(), "--verbose");
        assertEquals(1, run.exitCode());
        assertTrue(run.errLines().size() > 1, run::toString);
        assertTrue(run.errLines().get(0).startsWith("shardraft: "));
    }

    @Test
    void noLocalClusterIsOneErrorLine() {
        CliRun run = CliRun.of("index", "list", "--data", dir.resolve("none").toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("shardraft: no --target given and no local cluster in "), run::toString);
        assertEquals(1, CliRun.of("cluster", "down", "--data", dir.resolve("none").toString()).exitCode());
        assertEquals(1, CliRun.of("node", "start", "node1", "--data", dir.resolve("none").toString()).exitCode());
    }

    @Test
    void badImportLineFailsBeforeAnythingIsSent() throws IOException {
        Path file = dir.resolve("objects.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"properties\":{}}\n\n{\"id\":\"b\",\"properties\":{},\"vector\":[1,\"x\"]}\n");
        CliRun run = CliRun.of("import", "idx", file.toString(), "--target", deadTarget());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().contains("line 3: vector value 2 is not a number"), run::toString);
        assertTrue(run.err().contains("0 objects written before it"), run::toString);
    }

    @Test
    void missingImportFileIsAnError() {
        CliRun run = CliRun.of("import", "idx", dir.resolve("missing.jsonl").toString(), "--target", "127.0.0.1:1");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("shardraft: cannot read "), run::toString);
    }
}
