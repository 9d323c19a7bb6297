package io.shardraft.bench;

import io.shardraft.api.v1.ObjectData;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path of the RheaKV JVMs (nodes and load driver): the rheakv-peer module's classes, bench-core and
 * grpc-api (found where this JVM loads them from) and the third-party jars the rheakv-peer build listed in its
 * {@value #RESOURCE} resource (RheaKV, its own jraft-core, RocksDB...). Nothing of shardraft's JRaft is on it.
 */
final class RheaKvRuntime {

    static final String RESOURCE = "io/shardraft/bench/rheakv-classpath.txt";
    static final String NODE_MAIN = "io.shardraft.bench.RheaKvNodeMain";
    static final String DRIVER_MAIN = "io.shardraft.bench.RheaKvDriverMain";

    private RheaKvRuntime() {
    }

    static String classPath() {
        URL resource = RheaKvRuntime.class.getClassLoader().getResource(RESOURCE);
        if (resource == null) {
            throw new IllegalStateException("the RheaKV class path (" + RESOURCE + ") is missing: build the "
                    + "rheakv-peer module (mvn -B -ntp -pl benchmarks -am package -DskipTests)");
        }
        List<String> entries = new ArrayList<>();
        entries.add(root(resource, RESOURCE));
        entries.add(location(PeerLoad.class));
        entries.add(location(ObjectData.class));
        try (InputStream in = resource.openStream()) {
            String listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!listed.isEmpty()) {
                entries.add(listed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The jar or directory {@code c} was loaded from. */
    static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where " + c.getName() + " is loaded from", e);
        }
    }

    /** The jar or directory that holds {@code resource} at {@code name}. */
    private static String root(URL resource, String name) {
        try {
            if ("jar".equals(resource.getProtocol())) {
                return Path.of(((JarURLConnection) resource.openConnection()).getJarFileURL().toURI()).toString();
            }
            String path = Path.of(resource.toURI()).toString();
            return path.substring(0, path.length() - name.length() - 1);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + resource, e);
        }
    }
}
