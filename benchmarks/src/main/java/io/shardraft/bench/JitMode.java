package io.shardraft.bench;

import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Which JIT compilers the JVMs that {@code bench compare} starts run with (shardraft's nodes and RheaKV's nodes and
 * load driver alike; etcd is compiled ahead of time). C2 is what a long-running server runs: the figures of a warm
 * database. C1 alone compiles sooner and with less CPU, and runs slower code; on a 2-core machine it was the
 * choice that kept C2's compiling out of short runs, at the price of measuring every JVM system below its speed.
 */
enum JitMode {
    /** The JVM's default tiered compilation, C1 then C2. */
    C2(List.of("-XX:TieredStopAtLevel=4")),
    /** C1 only. */
    C1(List.of("-XX:TieredStopAtLevel=1"));

    private final List<String> jvmFlags;

    JitMode(List<String> jvmFlags) {
        this.jvmFlags = jvmFlags;
    }

    /** The flags that select it; they come after any other JIT flag of a command line, so they decide. */
    List<String> jvmFlags() {
        return jvmFlags;
    }

    /** {@code c2} or {@code c1}, any case, for picocli. */
    static final class Converter implements ITypeConverter<JitMode> {
        @Override
        public JitMode convert(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected c2 or c1, got '" + value + "'");
            }
        }
    }
}
