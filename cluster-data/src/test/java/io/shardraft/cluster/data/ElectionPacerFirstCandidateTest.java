package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Who elects first in a new group: every node must pick the same member, and an index's shards take turns. */
class ElectionPacerFirstCandidateTest {

    private static final List<String> NODES = List.of("node1", "node2", "node3");

    @Test
    void theShardsOfAnIndexTakeTheMembersInTurnWhateverTheMembersOrder() {
        for (String index : List.of("bench-1a2b", "orders_17", "x", "products_123456")) {
            for (int shards : new int[] {3, 12}) {
                Map<String, Integer> firsts = new TreeMap<>();
                for (int s = 0; s < shards; s++) {
                    List<String> members = new ArrayList<>(NODES);
                    Collections.rotate(members, s); // placement may list a shard's members in any order
                    String picked = ElectionPacer.firstCandidate(Names.groupId(index, "shard-" + s), members);
                    firsts.merge(picked, 1, Integer::sum);
                }
                assertEquals(Map.of("node1", shards / 3, "node2", shards / 3, "node3", shards / 3), firsts,
                        index + " with " + shards + " shards");
            }
        }
    }

    @Test
    void everyNodePicksTheSameMemberAndOtherIdsGoByTheirHash() {
        String group = Names.groupId("idx", "shard-4");
        List<String> reversed = new ArrayList<>(NODES);
        Collections.reverse(reversed);
        assertEquals(ElectionPacer.firstCandidate(group, NODES), ElectionPacer.firstCandidate(group, reversed));
        assertEquals(ElectionPacer.firstCandidate("g_meta__meta", NODES),
                ElectionPacer.firstCandidate("g_meta__meta", reversed));
        assertEquals("node1", ElectionPacer.firstCandidate(group, List.of("node1")));
    }
}
