package io.shardraft.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.CountRequest;
import io.shardraft.api.v1.DeleteRequest;
import io.shardraft.api.v1.GetRequest;
import io.shardraft.api.v1.GetResponse;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.MergeRequest;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutRequest;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The single-object commands: {@code put}, {@code merge}, {@code get}, {@code delete}, and {@code count}. */
final class ObjectCommands {

    private ObjectCommands() {
    }

    static Vector vector(float[] values) {
        Vector.Builder vector = Vector.newBuilder();
        for (float v : values) {
            vector.addValues(v);
        }
        return vector.build();
    }

    static int printWrite(CliCommand command, String verb, String index, ItemResult result) {
        if (command.options.json) {
            command.printJson(CliJson.itemResult(result));
        } else {
            command.out().println(verb + " " + result.getId() + " in '" + index + "' (version " + result.getVersion() + ")");
        }
        return 0;
    }

    @Command(name = "put", description = "Create or replace an object.")
    static final class Put extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
        String index;

        @Option(names = "--id", required = true, paramLabel = "UUID")
        String id;

        @Option(names = "--props", required = true, paramLabel = "JSON", converter = JsonObjectConverter.class,
                description = "The properties, a JSON object.")
        String props;

        @Option(names = "--vector", paramLabel = "V1,V2,...", converter = ArgConverters.VectorConverter.class)
        VectorArg vector;

        @Option(names = "--expected-version", paramLabel = "N",
                description = "Write only if the stored version is N (0: only if the object does not exist).")
        Long expectedVersion;

        @Override
        int run() {
            ObjectData.Builder object = ObjectData.newBuilder().setId(id).setPropertiesJson(props);
            if (vector != null) {
                object.setVector(vector(vector.values()));
            }
            PutRequest.Builder request = PutRequest.newBuilder().setIndex(index).setObject(object);
            if (expectedVersion != null) {
                request.setExpectedVersion(expectedVersion);
            }
            ItemResult result = connect().objects().put(request.build()).getResult();
            WriteOutcome.require(result, index, id);
            return printWrite(this, "put", index, result);
        }
    }

    @Command(name = "merge", description = "Patch an existing object: --props is a JSON merge patch (null removes a key).")
    static final class Merge extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
        String index;

        @Option(names = "--id", required = true, paramLabel = "UUID")
        String id;

        @Option(names = "--props", paramLabel = "JSON", converter = JsonObjectConverter.class,
                description = "A JSON merge patch of the properties (RFC 7386).")
        String props;

        @Option(names = "--vector", paramLabel = "V1,V2,...", converter = ArgConverters.VectorConverter.class,
                description = "Replaces the stored vector.")
        VectorArg vector;

        @Option(names = "--expected-version", paramLabel = "N", description = "Write only if the stored version is N.")
        Long expectedVersion;

        @Override
        int run() {
            if (props == null && vector == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "merge needs --props or --vector (or both)");
            }
            MergeObject.Builder merge = MergeObject.newBuilder().setId(id);
            if (props != null) {
                merge.setPropertiesJson(props);
            }
            if (vector != null) {
                merge.setVector(vector(vector.values()));
            }
            if (expectedVersion != null) {
                merge.setExpectedVersion(expectedVersion);
            }
            ItemResult result = connect().objects()
                    .merge(MergeRequest.newBuilder().setIndex(index).setMerge(merge).build()).getResult();
            WriteOutcome.require(result, index, id);
            return printWrite(this, "merged", index, result);
        }
    }

    @Command(name = "get", description = "Read one object.")
    static final class Get extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
        String index;

        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Mixin
        ConsistencyOption consistency;

        @Override
        int run() {
            GetResponse response = connect().objects().get(GetRequest.newBuilder().setIndex(index).setId(id)
                    .setConsistency(consistency.level).build());
            if (!response.getFound()) {
                throw new CliException("object " + id + " does not exist in index '" + index + "'");
            }
            StoredObjectMessage object = response.getObject();
            if (options.json) {
                printJson(CliJson.storedObject(object));
                return 0;
            }
            out().println("id:         " + object.getId());
            out().println("version:    " + object.getVersion());
            out().println("created:    " + Instant.ofEpochMilli(object.getCreatedAtMillis()));
            out().println("updated:    " + Instant.ofEpochMilli(object.getUpdatedAtMillis()));
            out().println("properties: " + CliJson.write(CliJson.properties(object.getPropertiesJson())));
            out().println("vector:     " + (object.hasVector() ? CliJson.write(CliJson.vector(object.getVector())) : "-"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete one object.")
    static final class Delete extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
        String index;

        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Option(names = "--expected-version", paramLabel = "N", description = "Delete only if the stored version is N.")
        Long expectedVersion;

        @Override
        int run() {
            DeleteRequest.Builder request = DeleteRequest.newBuilder().setIndex(index).setId(id);
            if (expectedVersion != null) {
                request.setExpectedVersion(expectedVersion);
            }
            ItemResult result = connect().objects().delete(request.build()).getResult();
            WriteOutcome.require(result, index, id);
            return printWrite(this, "deleted", index, result);
        }
    }

    @Command(name = "count", description = "Count the objects of an index.")
    static final class Count extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Index name.")
        String index;

        @Mixin
        ConsistencyOption consistency;

        @Override
        int run() {
            long count = connect().objects().count(CountRequest.newBuilder().setIndex(index)
                    .setConsistency(consistency.level).build()).getCount();
            if (options.json) {
                ObjectNode json = CliJson.object();
                json.put("index", index);
                json.put("count", count);
                printJson(json);
            } else {
                out().println(count);
            }
            return 0;
        }
    }
}
