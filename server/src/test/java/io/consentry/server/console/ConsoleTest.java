package io.consentry.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.store.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.consentry.server.console.ConsoleServer.BUSH_A;
import static io.consentry.server.console.ConsoleServer.BUSH_B;
import static io.consentry.server.console.ConsoleServer.BUSH_C;
import static io.consentry.server.console.ConsoleServer.GROUP;
import static io.consentry.server.console.ConsoleServer.check;
import static io.consentry.server.console.ConsoleServer.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console end to end: a real server (real model pack, real SQLite) and headless Chromium. The tests run in
 * order and build on each other's data, like a working day: an admin creates collections and a watchlist
 * authorisation, an enroller records consent and enrols, an operator identifies, two reviewers confirm a watchlist
 * hit, the enroller erases, an auditor verifies and exports the log. Every page is screenshot, checked for labelled
 * controls and named actions, and shown only to the roles that may use it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {
    ConsoleServer s;
    Browser b;
    String officeId;
    String watchlistId;
    String subjectId;
    String caseId;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        s = new ConsoleServer(dir);
        b = Browser.open(s.url(""));
    }

    @AfterAll
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (s != null) {
            s.close();
        }
    }

    String key(Role r) {
        return s.keys.get(r);
    }

    void accessible(String where) {
        assertEquals(List.of(), b.unlabelledControls(), where + ": every control has a label");
        assertEquals(List.of(), b.unnamedActions(), where + ": every action is a named button or link");
        assertEquals(List.of(), b.strayText(), where + ": no stray null/undefined text");
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void servedFromTheJarWithSecurityHeaders() {
        var index = s.get("/", null);
        assertEquals(200, index.status(), index.body());
        assertTrue(index.contentType().startsWith("text/html"), index.contentType());
        String csp = index.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", index.headers().firstValue("Referrer-Policy").orElse(""));
        assertFalse(index.body().contains("<script>"), "no inline script");
        assertFalse(index.body().matches("(?s).*https?://.*"), "nothing fetched from another origin");
        var js = s.get("/js/app.js", null);
        assertEquals(200, js.status());
        assertTrue(js.contentType().contains("javascript"), js.contentType());
        assertEquals(200, s.get("/img/lfw-roc-default.png", null).status(), "accuracy plots are in the jar");

        var noRoute = s.get("/api/v1/no-such-route", key(Role.ADMIN));
        assertEquals(404, noRoute.status());
        assertTrue(noRoute.contentType().startsWith("application/problem+json"), noRoute.contentType());
        assertEquals("NOT_FOUND", noRoute.json().get("code").asText());
        var anonymous = s.get("/api/v1/me", null);
        assertEquals(401, anonymous.status(), "the console's files are public, the API is not");
        JsonNode me = check(s.get("/api/v1/me", key(Role.REVIEWER)), 200).json();
        assertEquals("reviewer", me.get("role").asText());
        assertEquals("Rita Reviewer", me.get("name").asText());
        assertFalse(me.toString().contains(key(Role.REVIEWER)), "no secret in /me");
    }

    @Test
    @Order(2)
    void signInWithTheKeyboard() throws Exception {
        b.go("/");
        b.js("sessionStorage.clear()");
        b.go("/");
        b.waitFor("#login-key");
        accessible("sign-in");
        b.screenshot("login");

        // a wrong key is refused with the server's message
        b.$("#login-key").sendKeys("csk_0000000000000000_notarealkey", Keys.ENTER);
        b.waitText("#login-message", "not accepted");

        // Tab from the top of the page reaches the key field, Enter submits
        b.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)");
        Actions keys = new Actions(b.driver);
        for (int i = 0; i < 6 && !"login-key".equals(b.js("return document.activeElement.id")); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertEquals("login-key", b.js("return document.activeElement.id"), "the key field is reachable by Tab");
        keys.sendKeys(Keys.TAB).perform();
        assertEquals("login-submit", b.js("return document.activeElement.id"), "then the sign-in button");
        keys.keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        keys.sendKeys(key(Role.ADMIN)).sendKeys(Keys.ENTER).perform();
        assertEquals("admin", b.waitFor("#who .role").getText().toLowerCase());
        assertNull(b.js("return location.search || null"), "the key is never in the URL");
        assertFalse(b.driver.getCurrentUrl().contains(key(Role.ADMIN)));
        assertEquals(key(Role.ADMIN), b.js("return sessionStorage.getItem('consentry.key')"), "kept in this tab only");
        assertNull(b.js("return localStorage.getItem('consentry.key')"));
    }

    @Test
    @Order(3)
    void adminCreatesCollectionsAndAWatchlistAuthorisation() throws Exception {
        b.signIn(key(Role.ADMIN));
        b.page("collections");
        WebElement form = b.waitFor("#create-collection");
        form.findElement(org.openqa.selenium.By.name("name")).sendKeys("Office doors");
        new Select(form.findElement(org.openqa.selenium.By.name("purpose"))).selectByValue("access-control");
        WebElement retention = form.findElement(org.openqa.selenium.By.name("retentionDays"));
        retention.clear();
        retention.sendKeys("365");
        WebElement threshold = form.findElement(org.openqa.selenium.By.name("matchThreshold"));
        b.until(x -> !threshold.getDomProperty("value").isEmpty(), "threshold pre-filled from /calibration");
        threshold.clear();
        threshold.sendKeys("0.92");
        form.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
        b.waitText("#create-collection .status", "Created collection");

        form.findElement(org.openqa.selenium.By.name("name")).sendKeys("Persons of interest");
        new Select(form.findElement(org.openqa.selenium.By.name("purpose"))).selectByValue("watchlist");
        threshold.clear();
        threshold.sendKeys("0.92");
        form.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
        b.until(x -> x.all("#collection-list tbody tr").size() == 2, "two collections listed");

        JsonNode cols = check(s.get("/api/v1/collections", key(Role.ADMIN)), 200).json();
        for (JsonNode c : cols) {
            if (c.get("name").asText().equals("Office doors")) {
                officeId = c.get("id").asText();
                assertEquals(365, c.get("retentionDays").asInt());
                assertEquals(0.92, c.get("matchThreshold").asDouble(), 1e-9);
            } else {
                watchlistId = c.get("id").asText();
                assertEquals("watchlist", c.get("purpose").asText());
            }
        }
        accessible("collections (admin)");
        b.screenshot("collections");

        // watchlist authorisation through the console
        b.page("access");
        WebElement auth = b.waitFor("#create-authorisation");
        auth.findElement(org.openqa.selenium.By.name("issuer")).sendKeys("District court");
        auth.findElement(org.openqa.selenium.By.name("legalReference")).sendKeys("Order 2025/17");
        auth.findElement(org.openqa.selenium.By.name("sources")).sendKeys("gate-3");
        b.js("arguments[0].value = arguments[1]", auth.findElement(org.openqa.selenium.By.name("expiresAt")),
                Instant.now().plus(30, ChronoUnit.DAYS).toString().substring(0, 10));
        b.waitFor("#create-authorisation input[name=collectionIds][value='" + watchlistId + "']").click();
        auth.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
        b.waitText("#authorisations", "District court");
        assertEquals(1, check(s.get("/api/v1/authorisations", key(Role.ADMIN)), 200).json().size());
        accessible("keys & authorisations");
        b.screenshot("access");
    }

    @Test
    @Order(4)
    void enrolOnlyAfterConsentWithPerPhotoQuality() throws Exception {
        b.signIn(key(Role.ENROLLER));
        assertEquals("subjects", b.$("#main").getDomAttribute("data-page"), "the enroller starts on Subjects");
        WebElement create = b.waitFor("#create-subject");
        create.findElement(org.openqa.selenium.By.name("displayName")).sendKeys("George W Bush");
        create.findElement(org.openqa.selenium.By.name("externalId")).sendKeys("EMP-0042");
        create.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
        b.waitText("#subject-title", "George W Bush");
        subjectId = check(s.get("/api/v1/subjects?externalId=EMP-0042", key(Role.ENROLLER)), 200).json().get(0).get("id").asText();

        // no consent yet: the enrol button is disabled and says why
        new Select(b.$("select[name=collectionId]")).selectByValue(officeId);
        b.$("input[name=photos]").sendKeys(shared(BUSH_A).toString());
        b.waitFor("#photos li[data-x], #photos li .checks li[data-check=blur]");
        assertFalse(b.$("#enrol").isEnabled(), "enrol is disabled before consent");
        assertTrue(b.$("#enrol-gate").getText().contains("consent"), b.$("#enrol-gate").getText());

        // the consent form: purpose, basis, expiry, evidence upload (hashed in the browser)
        Path evidence = Files.writeString(Browser.DOWNLOADS.resolve("signed-consent-form.txt"), "I agree. G. W. Bush, 2025-06-01");
        WebElement consent = b.$("#consent-form");
        WebElement access = consent.findElement(org.openqa.selenium.By.cssSelector("input[name=purposes][value=access-control]"));
        if (!access.isSelected()) {
            access.click();
        }
        new Select(consent.findElement(org.openqa.selenium.By.name("basis"))).selectByValue("signed-form");
        b.js("arguments[0].value = arguments[1]", consent.findElement(org.openqa.selenium.By.name("expiresAt")),
                Instant.now().plus(365, ChronoUnit.DAYS).toString().substring(0, 10));
        consent.findElement(org.openqa.selenium.By.name("evidence")).sendKeys(evidence.toString());
        b.waitText("#consent-form output", "SHA-256 ");
        b.$("#record-consent").click();
        b.until(x -> !x.all("#subject-detail .badge[data-state=valid]").isEmpty(), "a valid consent listed");
        JsonNode consents = check(s.get("/api/v1/subjects/" + subjectId + "/consents", key(Role.ENROLLER)), 200).json();
        assertEquals(1, consents.size());
        assertEquals(64, consents.get(0).get("evidenceSha256").asText().length(), "the evidence hash was recorded");
        assertTrue(consents.get(0).has("expiresAt"));

        // photos: two good ones and a group photo, which the server refuses
        new Select(b.$("select[name=collectionId]")).selectByValue(officeId);
        b.$("input[name=photos]").sendKeys(Stream.of(BUSH_A, BUSH_C, GROUP).map(p -> shared(p).toString()).collect(Collectors.joining("\n")));
        b.until(x -> x.all("#photos .checks li[data-check=blur]").size() == 3, "client-side checks of three photos");
        b.until(x -> x.$("#enrol").isEnabled(), "enrol enabled once consent is recorded");
        accessible("subjects");
        b.$("#enrol").click();
        b.until(x -> x.all("#photos .result[data-state=enrolled], #photos .result[data-state=failed]").size() == 3, "three photos answered");
        assertEquals(2, b.all("#photos .result[data-state=enrolled]").size());
        assertEquals(2, b.all("#photos li[data-check=face][data-ok=true]").size(), "face found on the two portraits");
        assertEquals(2, b.all("#photos li[data-check=face-size]").size(), "face size reported");
        assertEquals(2, b.all("#photos li[data-check=face-blur]").size(), "face sharpness reported");
        String refused = b.$("#photos .result[data-state=failed]").getText();
        assertTrue(refused.contains("MULTIPLE_FACES"), refused);
        b.js("window.scrollTo(0, document.querySelector('#photos').getBoundingClientRect().top + window.scrollY - 300)");
        b.screenshot("subjects");
    }

    @Test
    @Order(5)
    void identifyFromAnUploadedPhotoAndShowTheServersErrors() throws Exception {
        b.signIn(key(Role.OPERATOR));
        assertEquals("identify", b.$("#main").getDomAttribute("data-page"));
        b.waitFor("#identify-form select[name=collectionId] option[value='" + officeId + "']");
        new Select(b.$("#identify-form select[name=collectionId]")).selectByValue(officeId);

        // a text file is refused by the server; its problem detail is shown
        Path notImage = Files.writeString(Browser.DOWNLOADS.resolve("notes.jpg"), "this is not an image");
        b.$("#identify-form input[name=image]").sendKeys(notImage.toString());
        b.$("#identify-form button[type=submit]").click();
        String error = b.waitText("#identify-form .status.error", "BAD_IMAGE");
        assertTrue(error.contains("request "), "request id shown: " + error);

        b.$("#identify-form input[name=image]").sendKeys(shared(BUSH_B).toString());
        b.$("#identify-form button[type=submit]").click();
        String verdict = b.waitText("#identify-verdict", "Match");
        assertTrue(verdict.contains(subjectId), verdict);
        assertEquals("true", b.$("#identify-verdict").getDomAttribute("data-match"));
        assertFalse(b.all("#identify-result tr[data-subject='" + subjectId + "']").isEmpty());
        accessible("identify");
        b.screenshot("identify");
    }

    @Test
    @Order(6)
    void watchlistHitConfirmedByTwoReviewers() throws Exception {
        // the watchlist subject is enrolled through the API (legal basis); the console does the rest
        String poi = check(s.postJson("/api/v1/subjects", key(Role.ENROLLER), Map.of("displayName", "Person of interest")), 201)
                .json().get("id").asText();
        check(s.postJson("/api/v1/subjects/" + poi + "/consents", key(Role.ENROLLER),
                Map.of("purposes", List.of("watchlist"), "basis", "legal-basis", "legalReference", "Court order 2025/17")), 201);
        check(s.postImage("/api/v1/subjects/" + poi + "/faces", key(Role.ENROLLER), Map.of("collectionId", watchlistId), shared(BUSH_A)), 201);

        b.signIn(key(Role.OPERATOR));
        b.waitFor("#identify-form select[name=collectionId] option[value='" + watchlistId + "']");
        new Select(b.$("#identify-form select[name=collectionId]")).selectByValue(watchlistId);
        b.$("#identify-form input[name=source]").sendKeys("gate-3");
        b.$("#identify-form input[name=image]").sendKeys(shared(BUSH_B).toString());
        b.$("#identify-form button[type=submit]").click();
        b.waitText("#identify-verdict", "review case");
        caseId = b.$("#identify-verdict").getDomAttribute("data-review");
        assertFalse(caseId.isEmpty());
        assertEquals("false", b.$("#identify-verdict").getDomAttribute("data-match"), "a watchlist hit is never a match");

        b.signIn(key(Role.REVIEWER));
        assertEquals("review", b.$("#main").getDomAttribute("data-page"));
        String card = "article.case[data-id='" + caseId + "']";
        b.waitFor(card + " button[data-action=confirm]").click();
        String need = b.waitText(card + " .need-second", "second reviewer");
        assertTrue(need.contains("1 of 2"), need);
        assertTrue(b.all(card + " button[data-action=confirm]").isEmpty(), "the first reviewer cannot confirm twice");
        assertEquals("pending", check(s.get("/api/v1/review-cases/" + caseId, key(Role.REVIEWER)), 200).json().get("status").asText());
        accessible("review");
        b.screenshot("review");

        b.signIn(s.reviewer2);
        b.waitFor(card + " button[data-action=confirm]").click();
        b.until(x -> x.all(card).isEmpty(), "the confirmed case leaves the pending queue");
        new Select(b.$("select[name=status]")).selectByValue("confirmed");
        b.waitFor(card + "[data-status=confirmed]");
        JsonNode done = check(s.get("/api/v1/review-cases/" + caseId, key(Role.REVIEWER)), 200).json();
        assertEquals("confirmed", done.get("status").asText());
        assertEquals(poi, done.get("confirmedSubjectId").asText());
        assertEquals(2, done.get("decisions").size());
    }

    @Test
    @Order(7)
    void eraseShowsWhatWillBeDeleted() throws Exception {
        b.signIn(key(Role.ENROLLER));
        b.waitFor("#subject-list button[data-id='" + subjectId + "']").click();
        b.waitText("#subject-title", "George W Bush");
        b.$("#erase").click();
        String deletes = b.waitFor("dialog #erase-deletes").getText();
        assertTrue(deletes.contains("subject record") && deletes.contains("every face template"), deletes);
        assertTrue(b.$("dialog").getText().contains("1 consent record"), b.$("dialog").getText());
        b.screenshot("erase");
        b.$("dialog button.danger").click();
        String result = b.waitText("#erasure-result", "templates removed");
        assertTrue(result.contains("2 templates removed"), result);
        assertEquals(404, s.get("/api/v1/subjects/" + subjectId, key(Role.ENROLLER)).status());
        b.until(x -> x.all("#subject-list button[data-id='" + subjectId + "']").isEmpty(), "gone from the list");
    }

    @Test
    @Order(8)
    void auditVerifySearchAndExport() throws Exception {
        b.signIn(key(Role.AUDITOR));
        assertEquals("audit", b.$("#main").getDomAttribute("data-page"));
        b.until(x -> "true".equals(x.$("#audit-verify").getDomAttribute("data-intact")), "chain verified intact");
        assertTrue(b.$("#audit-verify").getText().contains("Chain intact"));
        b.waitFor("#audit-records tbody tr");
        b.$("#audit-search input[name=q]").sendKeys("subject-erase");
        b.until(x -> !x.all("#audit-records tr[data-action=subject-erase]").isEmpty()
                && x.all("#audit-records tbody tr").size() == x.all("#audit-records tr[data-action=subject-erase]").size(), "search");
        accessible("audit");
        b.screenshot("audit");

        try (Stream<Path> old = Files.list(Browser.DOWNLOADS)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                Files.delete(p);
            }
        }
        b.$("#audit-export").click();
        b.waitText("#audit-export-status", "Exported");
        Path export = b.until(x -> {
            try (Stream<Path> files = Files.list(Browser.DOWNLOADS)) {
                return files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElse(null);
            } catch (java.io.IOException e) {
                return null;
            }
        }, "the export is downloaded");
        List<String> lines = Files.readAllLines(export);
        assertTrue(lines.size() > 20, "records: " + lines.size());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.contains("\"hash\"")), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("subject-erase")));
    }

    @Test
    @Order(9)
    void evaluationShowsThresholdsAndCurves() throws Exception {
        b.signIn(key(Role.AUDITOR));
        b.page("evaluation");
        String threshold = b.waitFor("#engine-threshold").getText();
        assertEquals(s.get("/api/v1/calibration", key(Role.AUDITOR)).json().get("threshold").asDouble(), Double.parseDouble(threshold), 1e-9);
        b.waitText("#evaluation-collections", "Office doors");
        b.until(x -> Boolean.TRUE.equals(x.js("return [...document.querySelectorAll('figure img')].every(i => i.complete && i.naturalWidth > 0)"))
                && (Long) x.js("return document.querySelectorAll('figure img').length") == 4, "the four plots load");
        accessible("evaluation");
        b.screenshot("evaluation");
    }

    @Test
    @Order(10)
    void eachRoleSeesOnlyWhatItMayDo() {
        Map<Role, List<String>> expected = new LinkedHashMap<>();
        expected.put(Role.ADMIN, List.of("live", "collections", "access", "evaluation"));
        expected.put(Role.ENROLLER, List.of("subjects", "collections", "evaluation"));
        expected.put(Role.OPERATOR, List.of("identify", "live", "redact", "collections", "evaluation"));
        expected.put(Role.REVIEWER, List.of("review", "collections", "evaluation"));
        expected.put(Role.AUDITOR, List.of("audit", "collections", "evaluation"));
        List<String> all = List.of("subjects", "identify", "live", "redact", "review", "audit", "collections", "access", "evaluation");
        List<String> failures = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Role role = e.getKey();
            b.signIn(key(role));
            List<String> nav = b.all("#nav a").stream().map(a -> a.getDomAttribute("data-page")).toList();
            if (!nav.equals(e.getValue())) {
                failures.add(role + " sees " + nav);
            }
            for (String page : e.getValue()) {
                b.page(page);
                b.until(x -> x.all("#main .status.busy").isEmpty(), "page settled");
                try {
                    accessible(role + " " + page);
                } catch (AssertionError a) {
                    failures.add(a.getMessage());
                }
            }
            // admin-only actions on the shared Collections page
            b.page("collections");
            b.waitFor("#collection-list table");
            boolean manage = !b.all("#create-collection").isEmpty() || !b.all("#collection-list button.danger").isEmpty();
            if (manage != (role == Role.ADMIN)) {
                failures.add(role + (manage ? " sees" : " misses") + " collection management");
            }
            // a page of another role is not reachable by URL either
            for (String page : all) {
                if (!e.getValue().contains(page)) {
                    b.js("location.hash = arguments[0]", "#/" + page);
                    String shown = b.until(x -> {
                        String p = x.$("#main").getDomAttribute("data-page");
                        return page.equals(p) ? null : p;
                    }, "redirect from " + page);
                    if (!e.getValue().contains(shown)) {
                        failures.add(role + " reached " + shown);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Order(11)
    void aRevokedKeySignsOutCleanly() {
        JsonNode issued = check(s.postJson("/api/v1/api-keys", key(Role.ADMIN), Map.of("name", "Temp operator", "role", "operator")), 201).json();
        b.signIn(issued.get("secret").asText());
        assertTrue(b.$("#who").getText().contains("Temp operator"));
        check(s.post("/api/v1/api-keys/" + issued.get("key").get("id").asText() + "/revoke", key(Role.ADMIN)), 200);
        b.$("#nav-collections").click();
        String message = b.waitText("#login-message", "signed out");
        assertTrue(message.contains("UNAUTHENTICATED"), message);
        assertFalse(b.$("#shell").isDisplayed());
        assertNull(b.js("return sessionStorage.getItem('consentry.key')"), "the key is forgotten");
        assertEquals("", b.js("return document.querySelector('#main').textContent"), "no data of the session is left on the page");
    }

    @Test
    @Order(12)
    void phoneSizedScreen() throws Exception {
        b.size(390, 844);
        try {
            b.signIn(key(Role.OPERATOR));
            b.waitFor("#identify-form select[name=collectionId] option[value='" + officeId + "']");
            new Select(b.$("#identify-form select[name=collectionId]")).selectByValue(officeId);
            b.$("#identify-form input[name=image]").sendKeys(shared(BUSH_B).toString());
            b.$("#identify-form button[type=submit]").click();
            b.waitText("#identify-verdict", "No match"); // the subject was erased in an earlier test
            b.screenshot("phone");
            for (String page : List.of("identify", "live", "redact", "collections", "evaluation")) {
                b.page(page);
                Object overflow = b.js("return document.documentElement.scrollWidth - window.innerWidth");
                assertTrue(((Number) overflow).longValue() <= 0, page + " scrolls sideways on a phone by " + overflow + " px");
                assertTrue(b.$("#nav-" + page).isDisplayed(), "navigation reachable on a phone");
            }
        } finally {
            b.size(1280, 900);
        }
    }

    /**
     * The live view against the real pipeline: a camera is an HTTP MJPEG stream served by the test (a photo of the
     * enrolled person, 10 frames a second), watched by the server with recognition against the office collection. The
     * page shows the frame, draws the tracked box with the subject's name, lists events, and when the stream to the
     * browser drops (the admin removes and re-adds the source) says so and reconnects by itself.
     */
    @Test
    @Order(13)
    void liveViewDrawsTracksAndReconnects() throws Exception {
        byte[] jpeg = Files.readAllBytes(shared(BUSH_B));
        com.sun.net.httpserver.HttpServer cam = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        cam.createContext("/cam", ex -> {
            ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=frame");
            ex.sendResponseHeaders(200, 0);
            try (java.io.OutputStream os = ex.getResponseBody()) {
                while (true) {
                    os.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    os.write(jpeg);
                    os.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    os.flush();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                // the watcher went away
            }
        });
        cam.start();
        String camUrl = "http://127.0.0.1:" + cam.getAddress().getPort() + "/cam";
        Map<String, Object> source = Map.of("name", "Entrance", "url", camUrl, "collectionId", officeId);
        // the earlier tests erased their subject: enrol him again (with consent) so the camera has someone to recognise
        var enroller = s.gallery.authenticate(key(Role.ENROLLER), "test");
        var again = s.gallery.createSubject(enroller, io.consentry.store.SubjectSpec.of("George W. Bush"));
        s.gallery.recordConsent(enroller, io.consentry.store.ConsentSpec.inApp(again.id(), java.util.Set.of(io.consentry.store.Purpose.ACCESS_CONTROL),
                java.time.Instant.now(), java.util.Optional.empty(), java.util.Optional.empty()));
        s.gallery.enrol(enroller, again.id(), officeId, io.consentry.governance.ImageInput.encoded(Files.readAllBytes(shared(BUSH_A)), "a.jpg"));
        try {
            check(s.postJson("/api/v1/sources", key(Role.ADMIN), source), 201);
            b.signIn(key(Role.OPERATOR));
            b.page("live");
            b.waitText("#live-connection", "live");
            b.until(x -> Boolean.TRUE.equals(x.js("const i = document.querySelector('#live-frame'); return i.complete && i.naturalWidth > 0")),
                    "a frame is shown");
            b.waitText("#live-feed", "candidate");
            assertTrue(b.$("#live-feed").getText().contains("match"), b.$("#live-feed").getText());
            b.until(x -> Boolean.TRUE.equals(x.js("const c = document.querySelector('#live-overlay'); const g = c.getContext('2d');"
                    + "const d = g.getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false;")),
                    "the tracked box is drawn over the frame");
            accessible("live");
            b.screenshot("live");

            // the stream to the browser drops: the page says so and reconnects by itself once the source is back
            check(s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url("/api/v1/sources/entrance"))).DELETE(), key(Role.ADMIN)), 204);
            b.waitText("#live-connection", "reconnecting");
            check(s.postJson("/api/v1/sources", key(Role.ADMIN), source), 201);
            b.waitText("#live-connection", "live");
            b.waitText("#live-feed", "stream reconnected");

            // phone-sized: the frame and the feed stack, nothing scrolls sideways
            b.size(390, 844);
            try {
                b.until(x -> ((Number) x.js("return document.documentElement.scrollWidth - window.innerWidth")).longValue() <= 0, "no sideways scroll");
                assertTrue(b.$("#live-frame").isDisplayed() && b.$("#live-feed").isDisplayed());
                b.screenshot("live-phone");
            } finally {
                b.size(1280, 900);
            }
            b.signOut();
        } finally {
            s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url("/api/v1/sources/entrance"))).DELETE(), key(Role.ADMIN));
            cam.stop(0);
        }
    }

    /** Redaction through the real routes: an image at once, a generated video as a job with progress and a download. */
    @Test
    @Order(14)
    void redactionShowsProgressAndOffersTheResult() throws Exception {
        b.signIn(key(Role.OPERATOR));
        b.page("redact");
        b.waitFor("#redact-form");
        accessible("redact");

        // an image: redacted at once, with the number of faces
        new Select(b.$("#redact-form select[name=mode]")).selectByValue("pixelate");
        b.$("#redact-form input[name=file]").sendKeys(shared(BUSH_B).toString());
        b.$("#redact-form button[type=submit]").click();
        b.waitText("#redact-form .status", "1 face redacted");
        b.waitFor("#redacted-image");
        b.screenshot("redact");

        // a video: a job whose progress is shown until the result can be downloaded
        Path video;
        try (var engine = io.consentry.video.testing.VideoTests.engine()) {
            video = io.consentry.video.testing.SyntheticFootage.write(Browser.DOWNLOADS.resolve("clip.mp4"), 480, 270, 25, 40,
                    io.consentry.video.testing.SyntheticFootage.gate(480, 270, 40), true, engine).file();
        }
        b.$("#redact-form input[name=file]").sendKeys(video.toString());
        b.$("#redact-form button[type=submit]").click();
        b.waitText("#redact-form .status", "Done");
        b.waitFor("#redacted-video");
        b.screenshot("redact-video");
        b.signOut();
    }
}
