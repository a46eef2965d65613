package io.gridscout.agent.evidence;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The report's topology picture as a PNG for report.pdf, drawn with Java2D (headless): the same geometry and colours as
 * the inline SVG of report.html ({@link ReportHtml#layout}), so the PDF needs no SVG renderer. Labels use the Liberation
 * Sans font that PDFBox ships (the PDF's own fallback font), not a system font: the picture looks the same on every
 * machine and needs no fontconfig. Drawn at twice the CSS size so it stays sharp when printed.
 */
final class TopologyImage {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        quietFontConfiguration();
    }

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

    /**
     * The sensor must not resolve names, and the JDK's font manager does: without a font configuration file it asks
     * fontconfig and names its cache file after {@code InetAddress.getLocalHost()} (a lookup of the machine's own
     * name, /etc/hosts and DNS; NoLookupTest saw it). Given a configuration file ({@code sun.awt.fontconfig}) it
     * reads that instead. Ours maps every logical font to the Liberation Sans that PDFBox ships, copied once per
     * process to a private temporary file, so it works on machines without system fonts too.
     */
    private static void quietFontConfiguration() {
        if (System.getProperty("sun.awt.fontconfig") != null) return;
        try (InputStream in = org.apache.pdfbox.pdmodel.font.PDFont.class.getResourceAsStream(FONT)) {
            if (in == null) return;
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gridscout-fonts");
            java.nio.file.Path ttf = dir.resolve("LiberationSans-Regular.ttf");
            java.nio.file.Files.copy(in, ttf);
            StringBuilder props = new StringBuilder("version=1\nsequence.allfonts=latin-1\n");
            for (String family : new String[] {"serif", "sansserif", "monospaced", "dialog", "dialoginput"}) {
                for (String style : new String[] {"plain", "bold", "italic", "bolditalic"}) {
                    props.append(family).append('.').append(style).append(".latin-1=Liberation Sans\n");
                }
            }
            props.append("filename.Liberation_Sans=").append(ttf.toAbsolutePath().toString().replace("\\", "/")).append('\n');
            java.nio.file.Path conf = dir.resolve("fontconfig.properties");
            java.nio.file.Files.writeString(conf, props);
            for (java.nio.file.Path p : new java.nio.file.Path[] {dir, ttf, conf}) p.toFile().deleteOnExit();
            System.setProperty("sun.awt.fontconfig", conf.toString());
        } catch (java.io.IOException | SecurityException e) {
            // no temporary directory: the JDK's own font configuration is used
        }
    }

    /** Pixels above which the picture is drawn at CSS size instead of twice it (memory of a huge site's picture). */
    static final long MAX_PIXELS_2X = 24_000_000L;
    private static final Color ZONE = new Color(0xf4f6fa), ZONE_EXTERNAL = new Color(0xfbeaea), ZONE_IT = new Color(0xfdf8e6),
            ZONE_STROKE = new Color(0x888899), DEV = new Color(0x5588aa), DEV_CONTROL = new Color(0xcc6633), DEV_STROKE = new Color(0x223355),
            TEXT = new Color(0x222222), FLOW = new Color(0x55, 0x88, 0xaa, 153), FLOW_OTHER = new Color(0x99, 0x99, 0x99, 153);
    private static final Set<String> CONTROL = Set.of("plc", "rtu", "ied");
    private static final Font BASE = loadFont();

    private TopologyImage() {}

    private static Font loadFont() {
        try (InputStream in = org.apache.pdfbox.pdmodel.font.PDFont.class.getResourceAsStream(FONT)) {
            if (in != null) return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (Exception | LinkageError e) {
            // fall through to the logical font
        }
        return new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    }

    static byte[] png(ReportHtml.Topology t) {
        int scale = (long) t.width() * t.height() * 4 <= MAX_PIXELS_2X ? 2 : 1;
        BufferedImage img = new BufferedImage(t.width() * scale, t.height() * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.scale(scale, scale);
            Font zoneFont = BASE.deriveFont(Font.BOLD, 12f), assetFont = BASE.deriveFont(Font.PLAIN, 10f);
            for (ReportHtml.Topology.Zone z : t.zones()) {
                RoundRectangle2D box = new RoundRectangle2D.Double(z.x(), z.y(), z.w(), z.h(), 16, 16);
                g.setColor(switch (z.kind()) {
                    case "external" -> ZONE_EXTERNAL;
                    case "corporate-it", "dmz" -> ZONE_IT;
                    default -> ZONE;
                });
                g.fill(box);
                g.setColor(ZONE_STROKE);
                g.setStroke(new BasicStroke(1f));
                g.draw(box);
                text(g, zoneFont, z.label(), z.x() + 10, 32);
                for (ReportHtml.Topology.Dot d : z.dots()) {
                    Ellipse2D dot = new Ellipse2D.Double(d.cx() - 7, d.cy() - 7, 14, 14);
                    g.setColor(CONTROL.contains(d.deviceClass()) ? DEV_CONTROL : DEV);
                    g.fill(dot);
                    g.setColor(DEV_STROKE);
                    g.draw(dot);
                    text(g, assetFont, d.label().text(), d.label().x(), d.label().y());
                }
                if (z.more() != null) text(g, assetFont, z.more().text(), z.more().x(), z.more().y());
            }
            BasicStroke solid = new BasicStroke(1f), dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f);
            for (ReportHtml.Topology.Flow f : t.flows()) {
                g.setColor(f.industrial() ? FLOW : FLOW_OTHER);
                g.setStroke(f.industrial() ? solid : dashed);
                g.draw(new Line2D.Double(f.x1(), f.y1(), f.x2(), f.y2()));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Wire strings may hold characters the font lacks: Java2D draws its missing-glyph box for them, never fails. */
    private static void text(Graphics2D g, Font f, String s, int x, int y) {
        g.setColor(TEXT);
        g.setFont(f);
        g.drawString(s, x, y);
    }
}
