package io.consentry.video.search;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.FootageSearch;
import io.consentry.store.AccessDeniedException;
import io.consentry.store.Collection;
import io.consentry.store.ErrorCode;
import io.consentry.store.Purpose;
import io.consentry.store.Subject;
import io.consentry.store.audit.AuditAction;
import io.consentry.video.pipeline.ProgressListener;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.testing.SyntheticFootage;
import io.consentry.video.testing.VideoGallery;
import io.consentry.video.testing.VideoTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FootageSearcherTest {
    static FaceEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = VideoTests.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void findsTheSubjectsTimeRangesOnlyWherePurposeAllows(@TempDir Path dir) throws Exception {
        int w = 960, h = 540, n = 50;
        SyntheticFootage.Footage f = SyntheticFootage.write(dir.resolve("bodycam.mp4"), w, h, 25, n, SyntheticFootage.gate(w, h, n), false, engine);
        try (VideoGallery g = new VideoGallery(dir, engine)) {
            Collection doors = g.collection("doors", Purpose.ACCESS_CONTROL, 0.92);
            Subject atDoor = g.enrol(doors, "Donald_Rumsfeld", 3, 1);
            AccessDeniedException refused = assertThrows(AccessDeniedException.class,
                    () -> g.service.startFootageSearch(VideoGallery.OPERATOR, doors.id(), atDoor.id(), "bodycam.mp4"));
            assertEquals(ErrorCode.FORBIDDEN, refused.code());
            assertTrue(refused.getMessage().contains("access-control"), refused.getMessage());
            assertThrows(AccessDeniedException.class,
                    () -> g.service.startFootageSearch(VideoGallery.ENROLLER, doors.id(), atDoor.id(), "bodycam.mp4"), "operator only");

            Collection wanted = g.collection("wanted", Purpose.WATCHLIST, 0.92);
            Subject poi = g.enrol(wanted, "Donald_Rumsfeld", 3, 2);
            AccessDeniedException noAuth = assertThrows(AccessDeniedException.class,
                    () -> g.service.startFootageSearch(VideoGallery.OPERATOR, wanted.id(), poi.id(), "bodycam.mp4"));
            assertEquals(ErrorCode.AUTHORISATION_REQUIRED, noAuth.code());
            g.authorise(wanted, Set.of("bodycam.mp4"));

            FootageSearch grant = g.service.startFootageSearch(VideoGallery.OPERATOR, wanted.id(), poi.id(), "bodycam.mp4");
            FootageSearcher.Result r = new FootageSearcher(engine, TrackingPass.Options.defaults())
                    .search(f.file(), grant, Optional.of(dir.resolve("thumbs")), ProgressListener.NONE);
            System.out.println("segments: " + r.segments());
            assertEquals(1, r.segments().size(), "Rumsfeld is in view the whole clip: one segment");
            FootageSearcher.Segment s = r.segments().get(0);
            assertTrue(s.startSecond() <= 0.2 && s.endSecond() >= (n - 3) / 25.0, s.toString());
            assertEquals("review-candidate", s.status());
            assertTrue(r.reviewCaseId().isPresent(), "watchlist hits go to review");
            assertTrue(Files.size(s.thumbnail().orElseThrow()) > 1000);
            long audited = g.service.readAudit(VideoGallery.AUDITOR, 1, 10_000).stream()
                    .filter(a -> a.entry().action() == AuditAction.FOOTAGE_SEARCH).count();
            assertTrue(audited >= 5, "refusals, start and finish are audited: " + audited);

            Collection family = g.collection("family", Purpose.PHOTO_LIBRARY, 0.92);
            Subject blair = g.enrol(family, "Tony_Blair", 5, 2);
            FootageSearcher.Result r2 = new FootageSearcher(engine, TrackingPass.Options.defaults())
                    .search(f.file(), g.service.startFootageSearch(VideoGallery.OPERATOR, family.id(), blair.id(), "holiday.mp4"),
                            Optional.empty(), ProgressListener.NONE);
            System.out.println("blair: " + r2.segments());
            assertEquals(1, r2.segments().size());
            assertEquals("match", r2.segments().get(0).status());
            assertTrue(r2.segments().get(0).startSecond() >= (n / 3 - 8) / 25.0, "Blair enters at a third of the clip: " + r2.segments());
        }
    }
}
