package io.shardraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerDriverProtocolTest {

    static CompareConfig config() {
        return new CompareConfig(List.of("rheakv", "shardraft"), List.of(Workload.PUT, Workload.GET_STRONG),
                List.of(1, 8), Duration.ofMillis(1500), Duration.ofMillis(250), Duration.ofMillis(750), 50, new Payload(128, 16, 9), 77,
                Duration.ofSeconds(3));
    }

    @Test
    void aConfigSurvivesTheArguments() {
        CompareConfig c = config();
        CompareConfig back = PeerDriverProtocol.parseConfig(PeerDriverProtocol.configArgs(c));
        assertEquals(c, back);
        assertEquals(List.of("shardraft", "rheakv"), back.systems(), "systems in the fixed order");
    }

    @Test
    void theJitWarmupRunsWithTheMostClientsOfTheRun() {
        assertEquals(8, config().jitWarmupClients());
        CompareConfig c = config();
        assertEquals(64, new CompareConfig(c.systems(), c.workloads(), List.of(64, 1, 8), c.duration(), c.warmup(),
                c.jitWarmup(), c.batch(), c.payload(), c.keys(), c.timeout()).jitWarmupClients());
    }

    @Test
    void aMissingOrBadArgumentIsNamed() {
        List<String> args = new ArrayList<>(PeerDriverProtocol.configArgs(config()));
        args.removeIf(a -> a.startsWith("keys="));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerDriverProtocol.parseConfig(args));
        assertTrue(e.getMessage().contains("keys="), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerDriverProtocol.parseConfig(List.of("nonsense")));
        List<String> bad = new ArrayList<>(PeerDriverProtocol.configArgs(config()));
        bad.replaceAll(a -> a.startsWith("batch=") ? "batch=x" : a);
        assertThrows(IllegalArgumentException.class, () -> PeerDriverProtocol.parseConfig(bad));
    }

    @Test
    void aResultSurvivesItsLine() {
        RunStats s = new RunStats("get-strong", 8, 1_500_000_000L, 1234, 1234, 510, 2047, 4095, 5000, 612.5,
                Map.of("UNAVAILABLE", 2L, "NOT_FOUND", 1L));
        String line = PeerDriverProtocol.resultLine(s);
        List<String> verb = PeerDriverProtocol.verb(line);
        assertEquals("result", verb.get(0));
        assertEquals(s, PeerDriverProtocol.parseResult(verb.get(1)));
        RunStats clean = new RunStats("put", 1, 10, 0, 0, 0, 0, 0, 0, 0, Map.of());
        assertEquals(clean, PeerDriverProtocol.parseResult(PeerDriverProtocol.verb(
                PeerDriverProtocol.resultLine(clean)).get(1)));
        assertThrows(IllegalArgumentException.class, () -> PeerDriverProtocol.parseResult("put\t1"));
    }
}
