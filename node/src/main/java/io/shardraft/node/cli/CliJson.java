package io.shardraft.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ReplicaStatus;
import io.shardraft.api.v1.SearchHitMessage;
import io.shardraft.api.v1.SearchResponse;
import io.shardraft.api.v1.ShardCheck;
import io.shardraft.api.v1.ShardPlacement;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import java.io.UncheckedIOException;

/**
 * The CLI's JSON: strict parsing that keeps numbers exact, and the JSON shape of every reply the CLI prints
 * with {@code --json} (field names in camelCase; object properties embedded as JSON, not as a string).
 */
final class CliJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private CliJson() {
    }

    /** Parses one JSON value; an empty text is an error. */
    static JsonNode parse(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("empty JSON text");
        }
        return node;
    }

    /** Compact form of valid JSON text. */
    static String compact(String json) {
        try {
            return write(parse(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson's own message of a parse error, without the source excerpt. */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
            message += " (column " + e.getLocation().getColumnNr() + ")";
        }
        return message.replace('\n', ' ');
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Properties as stored; text the server sent that is not JSON is kept as a string rather than lost. */
    static JsonNode properties(String json) {
        if (json == null || json.isEmpty()) {
            return NODES.objectNode();
        }
        try {
            return parse(json);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return TextNode.valueOf(json);
        }
    }

    static ArrayNode vector(Vector vector) {
        ArrayNode values = NODES.arrayNode(vector.getValuesCount());
        for (float v : vector.getValuesList()) {
            values.add(v);
        }
        return values;
    }

    /** One line of the JSONL that {@code export} writes and {@code import} reads. */
    static ObjectNode exportLine(StoredObjectMessage object) {
        ObjectNode line = NODES.objectNode();
        line.put("id", object.getId());
        line.set("properties", properties(object.getPropertiesJson()));
        if (object.hasVector()) {
            line.set("vector", vector(object.getVector()));
        }
        return line;
    }

    /** An object with its version and times. */
    static ObjectNode storedObject(StoredObjectMessage object) {
        ObjectNode node = exportLine(object);
        node.put("version", object.getVersion());
        node.put("createdAtMillis", object.getCreatedAtMillis());
        node.put("updatedAtMillis", object.getUpdatedAtMillis());
        return node;
    }

    static ObjectNode itemResult(ItemResult result) {
        ObjectNode node = NODES.objectNode();
        node.put("id", result.getId());
        node.put("status", ItemStatuses.name(result.getStatus()));
        node.put("version", result.getVersion());
        if (!result.getMessage().isEmpty()) {
            node.put("message", result.getMessage());
        }
        return node;
    }

    static ObjectNode indexInfo(IndexInfo info) {
        ObjectNode node = NODES.objectNode();
        node.put("name", info.getSpec().getName());
        node.put("shards", info.getSpec().getShards());
        node.put("replicas", info.getSpec().getReplicationFactor());
        node.put("dims", info.getSpec().getDimensions());
        node.put("metric", info.getSpec().getMetric());
        node.put("replicated", !info.getSpec().getUnreplicated());
        node.put("incarnation", info.getIncarnation());
        ArrayNode shards = node.putArray("placement");
        for (ShardPlacement placement : info.getShardsList()) {
            ObjectNode shard = shards.addObject();
            shard.put("shard", placement.getShard());
            ArrayNode replicas = shard.putArray("replicas");
            placement.getReplicasList().forEach(replicas::add);
            shard.put("leader", placement.getLeader());
        }
        return node;
    }

    static ObjectNode clusterStatus(ClusterStatusResponse status) {
        ObjectNode node = NODES.objectNode();
        node.put("metadataLeader", status.getMetadataLeader());
        ArrayNode nodes = node.putArray("nodes");
        for (NodeStatus n : status.getNodesList()) {
            ObjectNode entry = nodes.addObject();
            entry.put("id", n.getNodeId());
            entry.put("clientAddress", n.getClientAddress());
            entry.put("raftAddress", n.getRaftAddress());
            entry.put("reachable", n.getReachable());
            if (!n.getError().isEmpty()) {
                entry.put("error", n.getError());
            }
        }
        ArrayNode replicas = node.putArray("replicas");
        for (ReplicaStatus r : status.getReplicasList()) {
            ObjectNode entry = replicas.addObject();
            entry.put("index", r.getIndex());
            entry.put("shard", r.getShard());
            entry.put("node", r.getNodeId());
            entry.put("role", r.getRole());
            entry.put("leader", r.getLeader());
            entry.put("term", r.getTerm());
            entry.put("committed", r.getCommittedIndex());
            entry.put("applied", r.getAppliedIndex());
        }
        return node;
    }

    static ObjectNode consistencyCheck(ConsistencyCheckResponse check) {
        ObjectNode node = NODES.objectNode();
        node.put("index", check.getIndex());
        node.put("consistent", check.getConsistent());
        ArrayNode shards = node.putArray("shards");
        for (ShardCheck shard : check.getShardsList()) {
            ObjectNode entry = shards.addObject();
            entry.put("shard", shard.getShard());
            entry.put("consistent", shard.getConsistent());
            ArrayNode replicas = entry.putArray("replicas");
            for (ReplicaChecksum r : shard.getReplicasList()) {
                ObjectNode replica = replicas.addObject();
                replica.put("node", r.getNodeId());
                replica.put("checksum", r.getChecksum());
                replica.put("applied", r.getAppliedIndex());
                if (!r.getError().isEmpty()) {
                    replica.put("error", r.getError());
                }
            }
        }
        return node;
    }

    static ArrayNode searchHits(SearchResponse response) {
        ArrayNode hits = NODES.arrayNode();
        for (SearchHitMessage hit : response.getHitsList()) {
            ObjectNode entry = storedObject(hit.getObject());
            entry.put("distance", hit.getDistance());
            hits.add(entry);
        }
        return hits;
    }
}
