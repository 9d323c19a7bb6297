package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JRaftEnvironmentTest {
    private static final String[] KEYS = {JRaftEnvironment.SOFA_LOG_DISABLE, JRaftEnvironment.PROTOBUF_PRE22_SILENCE,
            JRaftEnvironment.PROTOBUF_PRE22_ERROR};
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void clear() {
        for (String k : KEYS) {
            saved.put(k, System.getProperty(k));
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        for (String k : KEYS) {
            if (saved.get(k) == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, saved.get(k));
            }
        }
    }

    @Test
    void jraftsPre22MessagesAreParsedWithoutBuildingProtobufsWarningEachTime() throws Exception {
        JRaftEnvironment.prepare();

        assertEquals("true", System.getProperty(JRaftEnvironment.PROTOBUF_PRE22_SILENCE));
        assertEquals("true", System.getProperty(JRaftEnvironment.SOFA_LOG_DISABLE));
        // and JRaft's messages still parse
        PingRequest ping = PingRequest.newBuilder().setSendTimestamp(42).build();
        assertEquals(42, PingRequest.parseFrom(ping.toByteArray()).getSendTimestamp());
    }

    @Test
    void anOperatorsOwnSettingsAreKept() {
        System.setProperty(JRaftEnvironment.PROTOBUF_PRE22_ERROR, "true");
        System.setProperty(JRaftEnvironment.SOFA_LOG_DISABLE, "false");

        JRaftEnvironment.prepare();

        assertNull(System.getProperty(JRaftEnvironment.PROTOBUF_PRE22_SILENCE),
                "an operator who asked for errors on pre-22 gencode is not overridden");
        assertEquals("false", System.getProperty(JRaftEnvironment.SOFA_LOG_DISABLE));
    }
}
