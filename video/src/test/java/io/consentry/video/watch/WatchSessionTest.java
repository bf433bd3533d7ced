package io.consentry.video.watch;

import io.consentry.engine.FaceEngine;
import io.consentry.store.Collection;
import io.consentry.store.Purpose;
import io.consentry.store.Subject;
import io.consentry.store.audit.AuditAction;
import io.consentry.track.TrackState;
import io.consentry.track.TrackingMetrics;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.testing.SyntheticFootage;
import io.consentry.video.testing.VideoGallery;
import io.consentry.video.testing.VideoTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchSessionTest {
    static FaceEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = VideoTests.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** Every frame's tracks (snapshots unthrottled) and all other events. */
    static final class Recorder implements java.util.function.Consumer<WatchEvent> {
        final List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, WatchEvent.Tracks> tracksByFrame = Collections.synchronizedMap(new HashMap<>());

        @Override
        public void accept(WatchEvent e) {
            if (e instanceof WatchEvent.Tracks t) {
                tracksByFrame.put(t.frame(), t);
            } else {
                events.add(e);
            }
        }

        <T extends WatchEvent> List<T> of(Class<T> type) {
            synchronized (events) {
                return events.stream().filter(type::isInstance).map(type::cast).toList();
            }
        }
    }

    static WatchOptions everyFrame(int detectEvery) {
        WatchOptions d = WatchOptions.defaults().withDetectEvery(detectEvery);
        return new WatchOptions(d.detectEvery(), d.tileSide(), d.tracker(), d.maxRecognitions(), d.betterViewFactor(), Duration.ZERO,
                d.statsEvery(), d.dropWhenBehind(), d.initialBackoff(), d.maxBackoff(), d.maxReconnects(), d.reader());
    }

    static WatchSession run(SyntheticFootage.Footage f, Optional<Recognizer> rec, WatchOptions opts, Recorder r) throws Exception {
        WatchSession s = new WatchSession("cam-1", SourceLocation.parse(f.file().toString()), engine, rec, opts, r).start();
        assertTrue(s.await(120_000), "watch finished");
        return s;
    }

    static TrackingMetrics.Counts idMetrics(SyntheticFootage.Footage f, Recorder r) {
        List<List<TrackingMetrics.Match>> frames = new ArrayList<>();
        for (int i = 0; i < f.frames(); i++) {
            List<TrackingMetrics.TruthBox> truth = f.truth().get(i).stream()
                    .map(t -> new TrackingMetrics.TruthBox(t.walkerId(), t.face())).toList();
            WatchEvent.Tracks t = r.tracksByFrame.get((long) i);
            List<TrackState> states = t == null ? List.of() : t.tracks().stream()
                    .map(b -> new TrackState(b.trackId(), b.box(), b.box(), true, 1, 0, 0, 0, -1)).toList();
            frames.add(TrackingMetrics.matchByIou(truth, states, 0.3));
        }
        return TrackingMetrics.count(frames);
    }

    @Test
    void twoPeopleCrossingKeepTheirTrackIds(@TempDir Path dir) throws Exception {
        int w = 1280, h = 720, n = 60;
        SyntheticFootage.Footage f = SyntheticFootage.write(dir.resolve("crossing.mp4"), w, h, 25, n, SyntheticFootage.crossing(w, h, n), false, engine);
        Recorder r = new Recorder();
        WatchSession s = run(f, Optional.empty(), everyFrame(2), r);
        assertEquals(SourceState.STOPPED, s.state(), () -> s.lastError().orElse(""));
        TrackingMetrics.Counts c = idMetrics(f, r);
        System.out.println("crossing: " + c + ", coverage " + c.coverage());
        assertEquals(0, c.idSwitches(), "ID switches on the crossing test");
        assertTrue(c.coverage() >= 0.9, "faces tracked in " + c.coverage() + " of their frames");
        assertEquals(2, r.of(WatchEvent.TrackStarted.class).size(), "one track per person");
        assertEquals(2, r.of(WatchEvent.TrackEnded.class).size());
        assertEquals(n, s.stats().framesRead());
    }

    @Test
    void thirtyTwoFacesAtOnce(@TempDir Path dir) throws Exception {
        int w = 1920, h = 1080, n = 24;
        List<SyntheticFootage.Walker> crowd = SyntheticFootage.crowd(SyntheticFootage.lfwPeople(3), 32, w, h, n, 200, 5);
        // everyone present the whole time, so 32 faces share every frame
        List<SyntheticFootage.Walker> all = crowd.stream().map(x -> new SyntheticFootage.Walker(x.id(), x.lfwPerson(), x.photo(), x.size(), 0, n - 1,
                x.x0(), x.y0(), x.x1(), x.y1())).toList();
        SyntheticFootage.Footage f = SyntheticFootage.write(dir.resolve("crowd.mp4"), w, h, 25, n, all, false, engine);
        Recorder r = new Recorder();
        WatchSession s = run(f, Optional.empty(), everyFrame(3), r);
        assertEquals(SourceState.STOPPED, s.state(), () -> s.lastError().orElse(""));
        TrackingMetrics.Counts c = idMetrics(f, r);
        int maxActive = r.tracksByFrame.values().stream().mapToInt(t -> t.tracks().size()).max().orElse(0);
        System.out.println("crowd: " + c + ", coverage " + c.coverage() + ", most tracks in a frame " + maxActive);
        assertTrue(maxActive >= 30, "at least 30 simultaneous tracks, got " + maxActive);
        assertEquals(0, c.idSwitches());
    }

    @Test
    void recognisesEnrolledPeopleAboutOncePerTrackAndAuditsEverySearch(@TempDir Path dir) throws Exception {
        int w = 1280, h = 720, n = 50;
        SyntheticFootage.Footage f = SyntheticFootage.write(dir.resolve("gate.mp4"), w, h, 25, n, SyntheticFootage.gate(w, h, n), false, engine);
        try (VideoGallery g = new VideoGallery(dir, engine)) {
            Collection staff = g.collection("staff", Purpose.ACCESS_CONTROL, 0.92);
            Subject rumsfeld = g.enrol(staff, "Donald_Rumsfeld", 3, 2);
            Recorder r = new Recorder();
            WatchSession s = run(f, Optional.of(new GalleryRecognizer(g.service, VideoGallery.OPERATOR, staff.id(), "cam-1")), everyFrame(2), r);
            assertEquals(SourceState.STOPPED, s.state(), () -> s.lastError().orElse(""));
            List<WatchEvent.Candidate> cands = r.of(WatchEvent.Candidate.class);
            System.out.println("candidates: " + cands.stream().map(c -> c.trackId() + ":" + c.label().orElse("?") + "@" + c.similarity()).toList()
                    + ", recognitions " + s.stats().recognitions() + ", tracks " + s.stats().tracksStarted());
            assertTrue(cands.stream().anyMatch(c -> c.subjectId().equals(rumsfeld.id()) && c.status().equals("match")), "Rumsfeld recognised");
            assertTrue(cands.stream().allMatch(c -> c.subjectId().equals(rumsfeld.id())), "nobody else matches");
            long tracks = s.stats().tracksStarted();
            assertTrue(s.stats().recognitions() <= tracks * WatchOptions.defaults().maxRecognitions(), "recognition is per track, not per frame");
            assertTrue(s.stats().recognitions() < s.stats().framesDetected(), "fewer searches than detected frames");
            long identifies = g.service.readAudit(VideoGallery.AUDITOR, 1, 10_000).stream()
                    .filter(a -> a.entry().action() == AuditAction.IDENTIFY).count();
            assertEquals(s.stats().recognitions(), identifies, "every recognition is an audited identify");
            WatchEvent.TrackEnded ended = r.of(WatchEvent.TrackEnded.class).stream()
                    .filter(e -> e.subjectId().equals(Optional.of(rumsfeld.id()))).findFirst().orElseThrow();
            assertEquals(Optional.of("match"), ended.status());
        }
    }

    @Test
    void watchlistNeedsAnAuthorisationCoveringTheSourceAndHitsGoToReview(@TempDir Path dir) throws Exception {
        int w = 960, h = 540, n = 30;
        SyntheticFootage.Footage f = SyntheticFootage.write(dir.resolve("gate.mp4"), w, h, 25, n, SyntheticFootage.gate(w, h, n), false, engine);
        try (VideoGallery g = new VideoGallery(dir, engine)) {
            Collection wanted = g.collection("wanted", Purpose.WATCHLIST, 0.92);
            Subject rumsfeld = g.enrol(wanted, "Donald_Rumsfeld", 3, 2);
            // refused before the watch starts: no authorisation, then one for another camera
            io.consentry.store.AccessDeniedException none = org.junit.jupiter.api.Assertions.assertThrows(io.consentry.store.AccessDeniedException.class,
                    () -> new GalleryRecognizer(g.service, VideoGallery.OPERATOR, wanted.id(), "cam-1"));
            assertEquals(io.consentry.store.ErrorCode.AUTHORISATION_REQUIRED, none.code());
            g.authorise(wanted, Set.of("cam-2"));
            io.consentry.store.AccessDeniedException wrongCam = org.junit.jupiter.api.Assertions.assertThrows(io.consentry.store.AccessDeniedException.class,
                    () -> new GalleryRecognizer(g.service, VideoGallery.OPERATOR, wanted.id(), "cam-1"));
            assertTrue(wrongCam.getMessage().contains("cam-1"), "an authorisation for cam-2 does not cover cam-1: " + wrongCam.getMessage());
            assertEquals(2, g.service.readAudit(VideoGallery.AUDITOR, 1, 10_000).stream()
                    .filter(a -> a.entry().action() == AuditAction.IDENTIFY && a.entry().outcome() != io.consentry.store.audit.AuditOutcome.OK).count(),
                    "both refusals are audited");

            g.authorise(wanted, Set.of("cam-1"));
            Recorder ok = new Recorder();
            WatchSession s3 = run(f, Optional.of(new GalleryRecognizer(g.service, VideoGallery.OPERATOR, wanted.id(), "cam-1")), everyFrame(2), ok);
            assertEquals(SourceState.STOPPED, s3.state(), () -> s3.lastError().orElse(""));
            List<WatchEvent.Candidate> cands = ok.of(WatchEvent.Candidate.class);
            assertTrue(!cands.isEmpty(), "the watchlist subject is seen");
            assertTrue(cands.stream().allMatch(c -> c.status().equals("review-candidate") && c.caseId().isPresent()
                    && c.label().equals(Optional.of("review candidate"))), "never a confirmed identity: " + cands);
            assertEquals(rumsfeld.id(), cands.get(0).subjectId());
            assertTrue(!g.service.reviewCases(VideoGallery.REVIEWER, Optional.empty(), 10).isEmpty(), "hits wait in the review queue");
        }
    }
}
