package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardraft.api.v1.ClusterStatusResponse;
import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.IndexInfo;
import io.shardraft.api.v1.IndexSpec;
import io.shardraft.api.v1.ItemResult;
import io.shardraft.api.v1.ItemStatus;
import io.shardraft.api.v1.NodeStatus;
import io.shardraft.api.v1.ObjectData;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ReplicaStatus;
import io.shardraft.api.v1.SearchHitMessage;
import io.shardraft.api.v1.SearchResponse;
import io.shardraft.api.v1.ShardCheck;
import io.shardraft.api.v1.ShardPlacement;
import io.shardraft.api.v1.StoredObjectMessage;
import io.shardraft.api.v1.Vector;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The --json shapes parse as JSON and carry what the text output shows. */
class JsonOutputTest {

    private static JsonNode reparse(JsonNode node) throws Exception {
        return CliJson.MAPPER.readTree(CliJson.pretty(node));
    }

    private static final StoredObjectMessage OBJECT = StoredObjectMessage.newBuilder()
            .setId("5d5c1f0e-0000-4000-8000-000000000001")
            .setPropertiesJson("{\"price\":10.50,\"big\":1e400,\"name\":\"x\"}")
            .setVector(Vector.newBuilder().addValues(0.1f).addValues(-2f))
            .setVersion(17).setCreatedAtMillis(1000).setUpdatedAtMillis(2000).build();

    @Test
    void objectsEmbedPropertiesExactly() throws Exception {
        JsonNode stored = reparse(CliJson.storedObject(OBJECT));
        assertEquals(17, stored.get("version").asLong());
        assertEquals("10.50", stored.get("properties").get("price").decimalValue().toPlainString());
        assertTrue(stored.get("properties").get("big").isBigDecimal());
        assertEquals(0.1f, stored.get("vector").get(0).floatValue());

        String line = CliJson.write(CliJson.exportLine(OBJECT));
        assertFalse(line.contains("\n"));
        ObjectData back = JsonlReader.parseLine(line, 1);
        assertEquals(OBJECT.getId(), back.getId());
        assertEquals(OBJECT.getVector(), back.getVector());
        assertEquals(CliJson.properties(OBJECT.getPropertiesJson()), CliJson.properties(back.getPropertiesJson()));
        assertFalse(CliJson.exportLine(OBJECT.toBuilder().clearVector().build()).has("vector"));
    }

    @Test
    void adminAndIndexShapes() throws Exception {
        ClusterStatusResponse status = ClusterStatusResponse.newBuilder().setMetadataLeader("node1")
                .addNodes(NodeStatus.newBuilder().setNodeId("node1").setClientAddress("127.0.0.1:1").setReachable(true))
                .addNodes(NodeStatus.newBuilder().setNodeId("node2").setError("connection refused"))
                .addReplicas(ReplicaStatus.newBuilder().setIndex("i").setShard("s0").setNodeId("node1").setRole("LEADER")
                        .setTerm(3).setCommittedIndex(10).setAppliedIndex(9))
                .build();
        JsonNode json = reparse(CliJson.clusterStatus(status));
        assertEquals("node1", json.get("metadataLeader").asText());
        assertFalse(json.get("nodes").get(1).get("reachable").asBoolean());
        assertEquals(9, json.get("replicas").get(0).get("applied").asLong());

        ConsistencyCheckResponse check = ConsistencyCheckResponse.newBuilder().setIndex("i").setConsistent(false)
                .addShards(ShardCheck.newBuilder().setShard("s0").setConsistent(false)
                        .addReplicas(ReplicaChecksum.newBuilder().setNodeId("node1").setChecksum("ab").setAppliedIndex(4)))
                .build();
        assertFalse(reparse(CliJson.consistencyCheck(check)).get("consistent").asBoolean());

        IndexInfo info = IndexInfo.newBuilder().setIncarnation(7)
                .setSpec(IndexSpec.newBuilder().setName("i").setShards(3).setReplicationFactor(3).setDimensions(4)
                        .setMetric("cosine"))
                .addShards(ShardPlacement.newBuilder().setShard("s0").addReplicas("node1").addReplicas("node2").setLeader("node1"))
                .build();
        JsonNode index = reparse(CliJson.indexInfo(info));
        assertEquals(3, index.get("replicas").asInt());
        assertEquals("node2", index.get("placement").get(0).get("replicas").get(1).asText());

        JsonNode item = reparse(CliJson.itemResult(ItemResult.newBuilder().setId("a").setStatus(ItemStatus.ITEM_CONFLICT)
                .setMessage("expected 3").build()));
        assertEquals("conflict", item.get("status").asText());

        JsonNode hits = reparse(CliJson.searchHits(SearchResponse.newBuilder()
                .addHits(SearchHitMessage.newBuilder().setObject(OBJECT).setDistance(0.25f)).build()));
        assertEquals(0.25, hits.get(0).get("distance").asDouble(), 1e-9);
    }

    @Test
    void tablesAlignColumns() {
        StringWriter text = new StringWriter();
        new TextTable("A", "LONGER").row("xxxx", 1).row("y", 22).print(new PrintWriter(text, true));
        assertEquals(String.join(System.lineSeparator(), "A     LONGER", "xxxx  1", "y     22", ""), text.toString());
        assertEquals("[" + "#".repeat(15) + " ".repeat(15) + "] 5/10 (50%)", new ProgressBar(null, 10, false).render(5));
    }
}
