package io.shardraft.node.api;

import io.shardraft.api.v1.Consistency;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import io.shardraft.cluster.data.ReadConsistency;
import io.shardraft.node.store.StoredObject;

/** Conversions between wire messages and the host's types. */
final class Messages {
    private Messages() {
    }

    static ReadConsistency consistency(Consistency c) {
        return switch (c) {
            case DIRECT -> ReadConsistency.DIRECT;
            case EVENTUAL -> ReadConsistency.EVENTUAL;
            case STRONG, CONSISTENCY_UNSPECIFIED, UNRECOGNIZED -> ReadConsistency.STRONG;
        };
    }

    static StoredObjectMessage object(StoredObject o) {
        StoredObjectMessage.Builder b = StoredObjectMessage.newBuilder()
                .setId(o.id())
                .setPropertiesJson(o.propertiesJson())
                .setVersion(o.version())
                .setCreatedAtMillis(o.createdAtMillis())
                .setUpdatedAtMillis(o.updatedAtMillis());
        if (o.hasVector()) {
            b.setVector(vector(o.vector()));
        }
        return b.build();
    }

    static Vector vector(float[] v) {
        Vector.Builder b = Vector.newBuilder();
        for (float f : v) {
            b.addValues(f);
        }
        return b.build();
    }

    static float[] floats(Vector v) {
        float[] out = new float[v.getValuesCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getValues(i);
        }
        return out;
    }
}
