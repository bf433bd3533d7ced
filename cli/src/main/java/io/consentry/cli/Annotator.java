package io.consentry.cli;

import io.consentry.engine.Face;
import io.consentry.geometry.Point;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Draws face boxes, scores and landmarks onto a copy of an image and writes it as PNG. */
final class Annotator {
    private Annotator() {
    }

    static void write(RgbImage image, List<Face> faces, Path out) throws IOException {
        BufferedImage img = ImageDecoder.toBufferedImage(image);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        float line = Math.max(2f, Math.max(image.width(), image.height()) / 500f);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(line * 8)));
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            g.setStroke(new BasicStroke(line));
            g.setColor(new Color(0, 220, 120));
            g.draw(new Rectangle2D.Double(f.box().x(), f.box().y(), f.box().width(), f.box().height()));
            g.drawString(String.format("#%d %.2f", i + 1, f.score()), (float) f.box().x(), (float) f.box().y() - line * 2);
            g.setColor(new Color(255, 200, 0));
            for (Point p : f.landmarks68()) {
                g.fill(new Ellipse2D.Double(p.x() - line, p.y() - line, 2 * line, 2 * line));
            }
            g.setColor(new Color(255, 60, 60));
            for (Point p : f.landmarks5()) {
                g.fill(new Ellipse2D.Double(p.x() - 1.5 * line, p.y() - 1.5 * line, 3 * line, 3 * line));
            }
        }
        g.dispose();
        Path abs = out.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), ".annotate-", ".png");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
