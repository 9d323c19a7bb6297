package io.shardraft.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.shardraft.api.v1.BatchPutRequest;
import io.shardraft.api.v1.BatchWriteResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.PutObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardraft import NAME FILE.jsonl}: batched puts, round-robin over every running node of the local cluster
 * (or to --target). A batch is parsed whole before it is sent, so a bad line writes nothing of its batch. A node
 * that is unavailable passes its batch on to the next node (puts are idempotent).
 */
@Command(name = "import", description = "Write objects from a JSONL file ({\"id\":..,\"properties\":{..},\"vector\":[..]} "
        + "per line; - for stdin).")
final class ImportCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
    String index;

    @Parameters(index = "1", paramLabel = "FILE", description = "JSONL file, or - for stdin.")
    String file;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "200",
            description = "Objects per BatchPut call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    int run() throws IOException {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--batch must be between 1 and 10000, got " + batchSize);
        }
        boolean stdin = file.equals("-");
        Path path = stdin ? null : Path.of(file);
        if (path != null && !Files.isReadable(path)) {
            throw new CliException("cannot read " + file);
        }
        List<NodeClient> clients = Targets.all(options).stream().map(this::connect).toList();
        boolean terminal = System.console() != null && !options.json;
        ProgressBar bar = new ProgressBar(out(), terminal && path != null ? countLines(path) : -1, terminal);

        long written = 0;
        long failed = 0;
        String firstFailure = null;
        int batchNumber = 0;
        BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(path, StandardCharsets.UTF_8);
        try (JsonlReader reader = new JsonlReader(in)) {
            while (true) {
                List<PutObject> batch;
                try {
                    batch = reader.nextBatch(batchSize);
                } catch (JsonlLineException e) {
                    bar.finish();
                    throw new CliException(file + ": " + e.getMessage() + " (" + written + " objects written before it; "
                            + "nothing of its batch)");
                }
                if (batch.isEmpty()) {
                    break;
                }
                BatchWriteResponse response;
                try {
                    response = send(clients, batchNumber++, batch);
                } catch (StatusRuntimeException e) {
                    bar.finish();
                    throw new CliException(StatusMessages.describe(e, lastClient, options.timeout)
                            + " (" + written + " objects written before the error)", e);
                }
                for (ItemResult result : response.getResultsList()) {
                    if (result.getStatus() == ItemStatus.ITEM_OK) {
                        written++;
                    } else {
                        failed++;
                        if (firstFailure == null) {
                            firstFailure = result.getId() + ": " + ItemStatuses.name(result.getStatus())
                                    + (result.getMessage().isEmpty() ? "" : " (" + result.getMessage() + ")");
                        }
                    }
                }
                bar.update(written + failed);
            }
        }
        bar.finish();
        if (options.json) {
            ObjectNode json = CliJson.object();
            json.put("index", index);
            json.put("written", written);
            json.put("failed", failed);
            json.put("nodes", clients.size());
            printJson(json);
        } else {
            out().println("imported " + written + " objects into '" + index + "' through " + clients.size()
                    + (clients.size() == 1 ? " node" : " nodes"));
        }
        if (failed > 0) {
            return fail(failed + " objects were not written; first: " + firstFailure, null);
        }
        return 0;
    }

    private HostPort lastClient;

    /** Sends a batch to the next node in turn; an unavailable node hands it to the one after. */
    private BatchWriteResponse send(List<NodeClient> clients, int batchNumber, List<PutObject> batch) {
        BatchPutRequest request = BatchPutRequest.newBuilder().setIndex(index).addAllPuts(batch).build();
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt < clients.size(); attempt++) {
            NodeClient client = clients.get((batchNumber + attempt) % clients.size());
            lastClient = client.address();
            calling(client);
            try {
                return client.objects().batchPut(request);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private static long countLines(Path path) {
        try (Stream<String> lines = Files.lines(path, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
