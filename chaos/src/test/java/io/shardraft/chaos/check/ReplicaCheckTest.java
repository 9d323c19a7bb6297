package io.shardraft.chaos.check;

import io.shardraft.api.v1.ConsistencyCheckResponse;
import io.shardraft.api.v1.ReplicaChecksum;
import io.shardraft.api.v1.ShardCheck;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaCheckTest {

    @Test
    void reportsOnlyShardsWhoseReplicasDiffer() {
        Map<String, Map<String, String>> checksums = new LinkedHashMap<>();
        checksums.put("s0", Map.of("n1", "aa", "n2", "aa", "n3", "aa"));
        checksums.put("s1", Map.of("n1", "aa", "n2", "bb", "n3", "aa"));
        Map<String, String> unavailable = new HashMap<>();
        unavailable.put("n1", "cc");
        unavailable.put("n2", null);
        checksums.put("s2", unavailable);
        checksums.put("s3", Map.of());

        ReplicaResult result = ReplicaCheck.check(checksums);

        assertEquals(4, result.shards());
        assertEquals(List.of("s1", "s2", "s3"), result.divergent().stream().map(ReplicaDivergence::shard).toList());
        assertNull(result.divergent().get(1).checksums().get("n2"));
    }

    @Test
    void equalReplicasPass() {
        assertTrue(ReplicaCheck.check(Map.of("s0", Map.of("n1", "x", "n2", "x"))).passed());
        assertTrue(ReplicaCheck.check(Map.of()).passed());
    }

    @Test
    void readsTheAdminApiAnswer() {
        ConsistencyCheckResponse response = ConsistencyCheckResponse.newBuilder()
                .setIndex("chaos")
                .addShards(ShardCheck.newBuilder().setShard("s0")
                        .addReplicas(ReplicaChecksum.newBuilder().setNodeId("n1").setChecksum("aa"))
                        .addReplicas(ReplicaChecksum.newBuilder().setNodeId("n2").setError("unreachable")))
                .build();

        Map<String, Map<String, String>> checksums = ReplicaCheck.checksums(response);

        Map<String, String> expected = new HashMap<>();
        expected.put("n1", "aa");
        expected.put("n2", null);
        assertEquals(Map.of("s0", expected), checksums);
        assertEquals(List.of("s0"),
                ReplicaCheck.check(checksums).divergent().stream().map(ReplicaDivergence::shard).toList());
    }

    @Test
    void reportRendersEveryFailedCheck() {
        HistoryBuilder h = new HistoryBuilder();
        h.write(1, "k", "a", 0, 10);
        h.read(2, "k", null, 20, 30);
        CheckReport report = new Checker().check(h.history(), Map.of("k", "b"),
                Map.of("s1", new LinkedHashMap<>(Map.of("n1", "aa"))));
        assertTrue(report.passed() == false && report.anomalies() == 2, report.render());

        Map<String, String> diverged = new LinkedHashMap<>();
        diverged.put("n1", "aa");
        diverged.put("n2", "bb");
        report = new Checker().check(h.history(), Map.of("k", "b"), Map.of("s1", diverged));
        String text = report.render();
        assertEquals(3, report.anomalies(), text);
        assertTrue(text.startsWith("FAIL: 2 operations, 3 anomalies"), text);
        assertTrue(text.contains("lost: #0 p1 write k := a OK"), text);
        assertTrue(text.contains("final value b"), text);
        assertTrue(text.contains("key k: not linearizable"), text);
        assertTrue(text.contains("shard s1 differs: n1=aa n2=bb"), text);
    }
}
