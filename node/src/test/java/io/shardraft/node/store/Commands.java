package io.shardraft.node.store;

import com.google.common.primitives.Floats;
import io.shardraft.api.v1.Command;
import io.shardraft.api.v1.DeleteBatch;
import io.shardraft.api.v1.DeleteObject;
import io.shardraft.api.v1.MergeObject;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.PutBatch;
import io.shardraft.api.v1.PutObject;
import io.shardraft.api.v1.Vector;

/** Builders for the commands the tests apply. */
final class Commands {

    static final long T0 = 1_700_000_000_000L;

    private Commands() {
    }

    static Vector vector(float... values) {
        return Vector.newBuilder().addAllValues(Floats.asList(values)).build();
    }

    static PutObject putItem(String id, String props, float... vector) {
        ObjectData.Builder o = ObjectData.newBuilder().setId(id).setPropertiesJson(props);
        if (vector.length > 0) { // no components: the object has no vector
            o.setVector(vector(vector));
        }
        return PutObject.newBuilder().setObject(o).build();
    }

    static PutObject putItemExpecting(long expectedVersion, String id, String props, float... vector) {
        return putItem(id, props, vector).toBuilder().setExpectedVersion(expectedVersion).build();
    }

    static Command put(long at, String id, String props, float... vector) {
        return command(at).setPut(putItem(id, props, vector)).build();
    }

    static Command putExpecting(long at, long expected, String id, String props, float... vector) {
        return command(at).setPut(putItemExpecting(expected, id, props, vector)).build();
    }

    static Command merge(long at, String id, String patch) {
        MergeObject.Builder m = MergeObject.newBuilder().setId(id);
        if (patch != null) {
            m.setPropertiesJson(patch);
        }
        return command(at).setMerge(m).build();
    }

    static Command mergeVector(long at, String id, float... vector) {
        return command(at).setMerge(MergeObject.newBuilder().setId(id).setVector(vector(vector))).build();
    }

    static Command mergeExpecting(long at, long expected, String id, String patch) {
        return command(at).setMerge(MergeObject.newBuilder().setId(id).setPropertiesJson(patch)
                .setExpectedVersion(expected)).build();
    }

    static DeleteObject deleteItem(String id) {
        return DeleteObject.newBuilder().setId(id).build();
    }

    static DeleteObject deleteItem(String id, long expected) {
        return DeleteObject.newBuilder().setId(id).setExpectedVersion(expected).build();
    }

    static Command delete(long at, String id) {
        return command(at).setDelete(deleteItem(id)).build();
    }

    static Command deleteExpecting(long at, long expected, String id) {
        return command(at).setDelete(deleteItem(id, expected)).build();
    }

    static Command putBatch(long at, PutObject... puts) {
        return command(at).setPutBatch(PutBatch.newBuilder().addAllPuts(java.util.List.of(puts))).build();
    }

    static Command deleteBatch(long at, DeleteObject... deletes) {
        return command(at).setDeleteBatch(DeleteBatch.newBuilder().addAllDeletes(java.util.List.of(deletes))).build();
    }

    private static Command.Builder command(long at) {
        return Command.newBuilder().setRequestId("req-" + at).setProposedAtMillis(at);
    }
}
