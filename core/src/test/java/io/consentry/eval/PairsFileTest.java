package io.consentry.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairsFileTest {
    @TempDir
    Path dir;

    private void touch(String rel) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void lfwFormatWithMalformedAndMissingLines() throws Exception {
        touch("A/A_0001.jpg");
        touch("A/A_0002.jpg");
        touch("B/B_0001.jpg");
        Path pairs = dir.resolve("pairs.txt");
        Files.writeString(pairs, "2\t1\nA\t1\t2\nA\t1\tB\t1\nA\t1\t9\nbroken line here x y\n");
        PairsFile pf = PairsFile.read(pairs, dir);
        assertEquals(2, pf.folds());
        assertEquals(2, pf.pairs().size());
        assertTrue(pf.pairs().get(0).same());
        assertFalse(pf.pairs().get(1).same());
        assertEquals(0, pf.pairs().get(0).fold());
        assertEquals(2, pf.problems().size());
        assertTrue(pf.problems().get(0).contains("pairs.txt:4") && pf.problems().get(0).contains("not found"), pf.problems().get(0));
        assertTrue(pf.problems().get(1).contains("pairs.txt:5") && pf.problems().get(1).contains("malformed"), pf.problems().get(1));
    }

    @Test
    void csvWithHeaderSplitsIntoTenFoldsInOrder() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,same\n");
        for (int i = 0; i < 20; i++) {
            touch("x" + i + ".png");
            sb.append("x").append(i).append(".png,").append(dir.resolve("x" + i + ".png")).append(',').append(i % 2).append('\n');
        }
        sb.append("only,two\n");
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, sb.toString());
        PairsFile pf = PairsFile.read(csv, dir);
        assertEquals(20, pf.pairs().size());
        assertEquals(10, pf.folds());
        assertEquals(0, pf.pairs().get(1).fold());
        assertEquals(9, pf.pairs().get(19).fold());
        assertEquals(1, pf.problems().size());
    }
}
