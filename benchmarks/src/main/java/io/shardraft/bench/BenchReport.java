package io.shardraft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The results of a run as a text table, JSON, CSV and a PNG plot against concurrency. */
final class BenchReport {

    static final String SYSTEM = CompareConfig.SHARDRAFT;
    static final String CSV_HEADER = "workload,system,clients,ops_per_sec,p50_ms,p99_ms,p999_ms,max_ms,requests,items,errors";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<RunStats> results;

    BenchReport(List<RunStats> results) {
        this.results = List.copyOf(results);
    }

    List<RunStats> results() {
        return results;
    }

    void printTable(PrintWriter out) {
        String format = "%-12s %-9s %7s %12s %9s %9s %9s %9s  %s%n";
        out.printf(Locale.ROOT, format, "workload", "system", "clients", "ops/s", "p50 ms", "p99 ms", "p999 ms", "max ms",
                "errors");
        for (RunStats r : results) {
            out.printf(Locale.ROOT, format, r.workload(), SYSTEM, r.clients(), fmt(r.opsPerSec(), 1),
                    fmt(RunStats.millis(r.p50Micros()), 3), fmt(RunStats.millis(r.p99Micros()), 3),
                    fmt(RunStats.millis(r.p999Micros()), 3), fmt(RunStats.millis(r.maxMicros()), 3), r.errorSummary());
        }
    }

    /** A list of {@code {workload, system, clients, ops_per_sec, p50_ms, p99_ms, p999_ms, errors}}. */
    ArrayNode json() {
        ArrayNode list = MAPPER.createArrayNode();
        for (RunStats r : results) {
            ObjectNode o = list.addObject();
            o.put("workload", r.workload());
            o.put("system", SYSTEM);
            o.put("clients", r.clients());
            o.put("ops_per_sec", round(r.opsPerSec(), 1));
            o.put("p50_ms", round(RunStats.millis(r.p50Micros()), 3));
            o.put("p99_ms", round(RunStats.millis(r.p99Micros()), 3));
            o.put("p999_ms", round(RunStats.millis(r.p999Micros()), 3));
            o.put("errors", r.errorCount());
        }
        return list;
    }

    String jsonText() {
        try {
            return MAPPER.writeValueAsString(json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String csv() {
        StringBuilder s = new StringBuilder(CSV_HEADER).append('\n');
        for (RunStats r : results) {
            s.append(String.join(",", r.workload(), SYSTEM, Integer.toString(r.clients()), fmt(r.opsPerSec(), 1),
                    fmt(RunStats.millis(r.p50Micros()), 3), fmt(RunStats.millis(r.p99Micros()), 3),
                    fmt(RunStats.millis(r.p999Micros()), 3), fmt(RunStats.millis(r.maxMicros()), 3),
                    Long.toString(r.requests()), Long.toString(r.items()), Long.toString(r.errorCount()))).append('\n');
        }
        return s.toString();
    }

    void writeCsv(Path file) {
        write(file, csv());
    }

    static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Draws throughput (left axis, blue) and p99 latency (right axis, red) against the client count (log scale
     * when the counts span more than a factor of 10) and writes it as PNG. Headless: no display needed.
     */
    void writePlot(Path file) {
        System.setProperty("java.awt.headless", "true");
        int w = 800;
        int h = 500;
        int left = 80;
        int right = 80;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            String title = results.isEmpty() ? SYSTEM : SYSTEM + " " + results.get(0).workload()
                    + ": throughput and p99 latency against concurrency";
            g.drawString(title, left, 25);
            int pw = w - left - right;
            int ph = h - top - bottom;
            g.drawRect(left, top, pw, ph);
            if (!results.isEmpty()) {
                int minC = results.stream().mapToInt(RunStats::clients).min().orElse(1);
                int maxC = results.stream().mapToInt(RunStats::clients).max().orElse(1);
                boolean log = maxC > 10 * minC;
                double maxOps = Math.max(1e-9, results.stream().mapToDouble(RunStats::opsPerSec).max().orElse(1)) * 1.1;
                double maxP99 = Math.max(1e-3, results.stream().mapToDouble(r -> RunStats.millis(r.p99Micros())).max()
                        .orElse(1)) * 1.1;
                int[] xs = new int[results.size()];
                int[] yOps = new int[results.size()];
                int[] yP99 = new int[results.size()];
                for (int i = 0; i < results.size(); i++) {
                    RunStats r = results.get(i);
                    double fx = minC == maxC ? 0.5 : log
                            ? (Math.log(r.clients()) - Math.log(minC)) / (Math.log(maxC) - Math.log(minC))
                            : (r.clients() - minC) / (double) (maxC - minC);
                    xs[i] = left + (int) Math.round(fx * pw);
                    yOps[i] = top + ph - (int) Math.round(r.opsPerSec() / maxOps * ph);
                    yP99[i] = top + ph - (int) Math.round(RunStats.millis(r.p99Micros()) / maxP99 * ph);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(Integer.toString(r.clients()), xs[i] - 4, top + ph + 16);
                }
                for (int t = 0; t <= 4; t++) {
                    int y = top + ph - t * ph / 4;
                    g.setColor(new Color(230, 230, 230));
                    g.drawLine(left + 1, y, left + pw - 1, y);
                    g.setColor(new Color(30, 90, 200));
                    g.drawString(fmt(maxOps * t / 4, 0), 5, y + 4);
                    g.setColor(new Color(200, 40, 40));
                    g.drawString(fmt(maxP99 * t / 4, 2), left + pw + 5, y + 4);
                }
                g.setStroke(new BasicStroke(2f));
                g.setColor(new Color(30, 90, 200));
                g.drawPolyline(xs, yOps, xs.length);
                for (int i = 0; i < xs.length; i++) {
                    g.fillOval(xs[i] - 4, yOps[i] - 4, 8, 8);
                }
                g.setColor(new Color(200, 40, 40));
                g.drawPolyline(xs, yP99, xs.length);
                for (int i = 0; i < xs.length; i++) {
                    g.fillRect(xs[i] - 4, yP99[i] - 4, 8, 8);
                }
                g.setColor(Color.BLACK);
                g.drawString("clients" + (log ? " (log scale)" : ""), left + pw / 2 - 30, h - 15);
                g.setColor(new Color(30, 90, 200));
                g.drawString("ops/s", 5, top - 8);
                g.setColor(new Color(200, 40, 40));
                g.drawString("p99 ms", left + pw + 5, top - 8);
            }
        } finally {
            g.dispose();
        }
        writePng(img, file);
    }

    static void writePng(BufferedImage img, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
