package io.shardraft.node.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of the node's classpath inside the cluster directory. Nodes run from it, so rebuilding
 * the project (which rewrites node/target) while a cluster runs cannot pull classes out from under a
 * running node — a JVM that later loads a class from a replaced jar fails with NoClassDefFoundError.
 */
final class RuntimeCopy {
    static final String DIR = "runtime";

    private RuntimeCopy() {
    }

    /** Copies every entry of {@code classPath} under {@code clusterDir/runtime}; returns the copy's classpath. */
    static String copy(String classPath, Path clusterDir) {
        Path root = clusterDir.resolve(DIR);
        List<String> out = new ArrayList<>();
        try {
            Files.createDirectories(root);
            int n = 0;
            for (String entry : classPath.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                n++;
                if (entry.endsWith("*")) {
                    Path dir = Path.of(entry.substring(0, entry.length() - 1));
                    Path target = root.resolve(n + "-lib");
                    Files.createDirectories(target);
                    try (Stream<Path> jars = Files.list(dir)) {
                        for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                            Files.copy(jar, target.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    out.add(target.toAbsolutePath() + File.separator + "*");
                    continue;
                }
                Path src = Path.of(entry);
                if (Files.isDirectory(src)) {
                    Path target = root.resolve(n + "-classes");
                    copyTree(src, target);
                    out.add(target.toAbsolutePath().toString());
                } else if (Files.isRegularFile(src)) {
                    Path target = root.resolve(n + "-" + src.getFileName());
                    Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
                    out.add(target.toAbsolutePath().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the node's classpath into " + root, e);
        }
        return String.join(File.pathSeparator, out);
    }

    private static void copyTree(Path src, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                Path t = target.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
