package io.shardraft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every leaf command: the common options, stdout/stderr from the {@link picocli.CommandLine} (so a caller
 * can inject writers with {@code setOut}/{@code setErr}), node connections closed at the end, and every failure
 * turned into exit code 1 with one line {@code shardraft: ...} on stderr (a stack trace only with --verbose).
 */
abstract class CliCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions options;

    private final List<NodeClient> clients = new ArrayList<>();
    private HostPort lastTarget;

    /** The command's work; returns the exit code. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (picocli.CommandLine.ParameterException e) {
            throw e; // a usage error: picocli prints it with the usage and exits 2
        } catch (CliException | JsonlLineException e) {
            return fail(e.getMessage(), e);
        } catch (StatusRuntimeException e) {
            return fail(StatusMessages.describe(e, lastTarget, options.timeout), e);
        } catch (UncheckedIOException e) {
            return fail(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        } catch (Exception e) {
            return fail(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            clients.forEach(NodeClient::close);
            clients.clear();
            out().flush();
            err().flush();
        }
    }

    final int fail(String message, Throwable cause) {
        err().println("shardraft: " + oneLine(message));
        if (options.verbose && cause != null) {
            cause.printStackTrace(err());
        }
        return 1;
    }

    static String oneLine(String message) {
        return message == null ? "failed" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints JSON on stdout (pretty for one document). */
    final void printJson(JsonNode node) {
        out().println(CliJson.pretty(node));
    }

    final LocalCluster localCluster() {
        return new LocalCluster(options.dataDir, LauncherSettings.defaults(), options.json ? s -> { } : out()::println);
    }

    /** A connection to --target, else to the first running node of the local cluster. */
    final NodeClient connect() {
        return connect(Targets.primary(options));
    }

    final NodeClient connect(HostPort address) {
        NodeClient client = new NodeClient(address, options.timeout);
        clients.add(client);
        lastTarget = address;
        return client;
    }

    /** Remembers which node a call goes to, for the error line if it fails. */
    final void calling(NodeClient client) {
        lastTarget = client.address();
    }
}
