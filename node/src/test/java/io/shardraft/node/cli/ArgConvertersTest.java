package io.shardraft.node.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardraft.api.v1.Consistency;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ArgConvertersTest {

    @Test
    void vectors() {
        assertArrayEquals(new float[] {1f, -0.5f, 2e3f}, ArgConverters.parseVector("1,-0.5,2e3"));
        assertArrayEquals(new float[] {0.25f, 3f}, ArgConverters.parseVector(" [0.25, 3] "));
        assertArrayEquals(new float[] {.5f}, ArgConverters.parseVector(".5"));
        for (String bad : new String[] {"", "[]", "1,,2", "1,a", "NaN", "Infinity", "1e99", "0x10", "1f", "1,2,"}) {
            assertThrows(TypeConversionException.class, () -> ArgConverters.parseVector(bad), bad);
        }
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> ArgConverters.parseVector("1,2,x"));
        assertTrue(e.getMessage().contains("value 3"), e.getMessage());
    }

    @Test
    void filters() {
        assertEquals(new PropertyFilterArg("color", "\"red\""), ArgConverters.parseFilter("color=\"red\""));
        assertEquals(new PropertyFilterArg("n", "3"), ArgConverters.parseFilter("n=3"));
        assertEquals(new PropertyFilterArg("tags", "[1,2]"), ArgConverters.parseFilter("tags= [1, 2]"));
        assertEquals(new PropertyFilterArg("eq", "\"a=b\""), ArgConverters.parseFilter("eq=\"a=b\""));
        assertEquals(new PropertyFilterArg("x", "null"), ArgConverters.parseFilter("x=null"));
        for (String bad : new String[] {"color=red", "=1", "noequals", "x=", "x={", "x=1 2"}) {
            assertThrows(TypeConversionException.class, () -> ArgConverters.parseFilter(bad), bad);
        }
    }

    @Test
    void consistencyAndMetric() {
        assertEquals(Consistency.STRONG, ArgConverters.parseConsistency("strong"));
        assertEquals(Consistency.DIRECT, ArgConverters.parseConsistency("DIRECT"));
        assertEquals(Consistency.EVENTUAL, ArgConverters.parseConsistency("eventual"));
        assertThrows(TypeConversionException.class, () -> ArgConverters.parseConsistency("weak"));
        assertEquals("l2", ArgConverters.parseMetric("L2"));
        assertEquals("dot", ArgConverters.parseMetric("dot"));
        assertThrows(TypeConversionException.class, () -> ArgConverters.parseMetric("manhattan"));
    }

    @Test
    void hostPorts() {
        assertEquals(new HostPort("127.0.0.1", 5000), HostPort.parse("127.0.0.1:5000"));
        assertEquals(new HostPort("::1", 5000), HostPort.parse("[::1]:5000"));
        assertEquals("[::1]:5000", HostPort.parse("[::1]:5000").toString());
        for (String bad : new String[] {"host", ":1", "host:", "host:x", "host:0", "host:70000"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }
}
