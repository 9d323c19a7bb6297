package io.shardraft.node.cli;

import io.shardraft.api.v1.ExportRequest;
import io.shardraft.api.v1.StoredObjectMessage;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shardraft export NAME}: every object as the JSONL {@code import} reads, in id order, on stdout. */
@Command(name = "export", description = "Print every object of an index as JSONL (the import format). "
        + "--timeout bounds the whole stream.")
final class ExportCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
    String index;

    @Mixin
    ConsistencyOption consistency;

    @Override
    int run() {
        Iterator<StoredObjectMessage> objects = connect().objects().export(ExportRequest.newBuilder().setIndex(index)
                .setConsistency(consistency.level).build());
        while (objects.hasNext()) {
            out().println(CliJson.write(CliJson.exportLine(objects.next())));
        }
        return 0;
    }
}
