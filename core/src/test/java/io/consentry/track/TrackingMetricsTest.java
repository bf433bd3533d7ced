package io.consentry.track;

import io.consentry.geometry.Box;
import io.consentry.track.TrackingMetrics.Match;
import io.consentry.track.TrackingMetrics.TruthBox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.consentry.track.TrackingMetrics.NO_TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrackingMetricsTest {
    private static TrackState track(long id, Box box) {
        return new TrackState(id, box, box, true, 3, 0, 0, 0, 0);
    }

    @Test
    void countsSwitchesAndFragmentations() {
        List<List<Match>> frames = List.of(
                List.of(new Match(1, 10), new Match(2, 20)),
                List.of(new Match(1, 10), new Match(2, NO_TRACK)),   // 2 missed
                List.of(new Match(1, 20), new Match(2, 20 + 1)),     // 1 switches to 20; 2 resumes on a new track
                List.of(new Match(2, 21)),                           // 1 absent (left the image): nothing counted
                List.of(new Match(1, 20), new Match(2, 21)));
        TrackingMetrics.Counts c = TrackingMetrics.count(frames);
        assertEquals(2, c.objects());
        assertEquals(9, c.objectFrames());
        assertEquals(8, c.matchedFrames());
        assertEquals(2, c.idSwitches());
        assertEquals(1, c.fragmentations());
        assertEquals(8.0 / 9, c.coverage(), 1e-12);
    }

    @Test
    void rejectsAnObjectListedTwiceOnAFrame() {
        assertThrows(IllegalArgumentException.class,
                () -> TrackingMetrics.count(List.of(List.of(new Match(1, 10), new Match(1, 11)))));
    }

    @Test
    void matchByIouPairsOneToOneAtTheThreshold() {
        List<TruthBox> truth = List.of(new TruthBox(1, new Box(0, 0, 10, 10)), new TruthBox(2, new Box(6, 0, 10, 10)),
                new TruthBox(3, new Box(100, 100, 10, 10)));
        // track 7 overlaps object 1 best, but taking it for 1 leaves 2 with nothing: more pairs win
        List<TrackState> tracks = List.of(track(7, new Box(3, 0, 10, 10)), track(8, new Box(0, 0, 10, 10)));
        List<Match> m = TrackingMetrics.matchByIou(truth, tracks, 0.5);
        assertEquals(List.of(new Match(1, 8), new Match(2, 7), new Match(3, NO_TRACK)), m);
    }
}
