package io.shardraft.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The comparison as PNG: one panel per workload, throughput against the client count (log scale when the counts
 * span more than a factor of 10), one line per system. Headless.
 */
final class ComparisonPlot {

    static final int PANEL_W = 420;
    static final int PANEL_H = 300;
    static final int COLUMNS = 3;
    private static final Color[] COLORS = {new Color(30, 90, 200), new Color(200, 40, 40), new Color(30, 150, 60),
            new Color(150, 80, 180)};

    private final ComparisonReport report;

    ComparisonPlot(ComparisonReport report) {
        this.report = report;
    }

    void write(Path file) {
        System.setProperty("java.awt.headless", "true");
        List<String> workloads = report.workloads();
        List<String> systems = report.systems();
        int panels = Math.max(1, workloads.size());
        int rows = (panels + COLUMNS - 1) / COLUMNS;
        int w = PANEL_W * Math.min(COLUMNS, panels);
        int h = PANEL_H * rows + 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int lx = 10;
            for (int s = 0; s < systems.size(); s++) {
                g.setColor(COLORS[s % COLORS.length]);
                g.fillRect(lx, 14, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(systems.get(s), lx + 16, 25);
                lx += 30 + g.getFontMetrics().stringWidth(systems.get(s));
            }
            g.drawString("ops/s against clients, per workload", lx + 20, 25);
            for (int i = 0; i < workloads.size(); i++) {
                panel(g, workloads.get(i), systems, (i % COLUMNS) * PANEL_W, 40 + (i / COLUMNS) * PANEL_H);
            }
        } finally {
            g.dispose();
        }
        BenchReport.writePng(img, file);
    }

    private void panel(Graphics2D g, String workload, List<String> systems, int x0, int y0) {
        int left = x0 + 70;
        int top = y0 + 25;
        int pw = PANEL_W - 90;
        int ph = PANEL_H - 65;
        g.setColor(Color.BLACK);
        g.drawString(workload, left, y0 + 15);
        g.drawRect(left, top, pw, ph);
        TreeSet<Integer> clients = new TreeSet<>();
        double maxOps = 1e-9;
        for (ComparisonReport.Row r : report.rows()) {
            if (r.stats().workload().equals(workload)) {
                clients.add(r.stats().clients());
                maxOps = Math.max(maxOps, r.stats().opsPerSec());
            }
        }
        maxOps *= 1.1;
        int minC = clients.first();
        int maxC = clients.last();
        boolean log = maxC > 10 * minC;
        for (int t = 0; t <= 4; t++) {
            int y = top + ph - t * ph / 4;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, left + pw - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(BenchReport.fmt(maxOps * t / 4, 0), x0 + 5, y + 4);
        }
        for (int c : clients) {
            g.drawString(Integer.toString(c), x(c, minC, maxC, log, left, pw) - 4, top + ph + 15);
        }
        g.drawString("clients" + (log ? " (log)" : ""), left + pw / 2 - 25, top + ph + 30);
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            int px = -1;
            int py = -1;
            for (int c : clients) {
                Optional<RunStats> r = report.find(systems.get(s), workload, c);
                if (r.isEmpty()) {
                    continue;
                }
                int x = x(c, minC, maxC, log, left, pw);
                int y = top + ph - (int) Math.round(r.get().opsPerSec() / maxOps * ph);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int x(int c, int minC, int maxC, boolean log, int left, int pw) {
        double f = minC == maxC ? 0.5 : log ? (Math.log(c) - Math.log(minC)) / (Math.log(maxC) - Math.log(minC))
                : (c - minC) / (double) (maxC - minC);
        return left + (int) Math.round(f * pw);
    }
}
