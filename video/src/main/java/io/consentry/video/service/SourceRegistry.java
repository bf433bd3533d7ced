package io.consentry.video.service;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.Permission;
import io.consentry.image.RgbImage;
import io.consentry.store.ConflictException;
import io.consentry.store.GalleryException;
import io.consentry.store.InvalidInputException;
import io.consentry.store.NotFoundException;
import io.consentry.store.Role;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.redact.ImageRedactor;
import io.consentry.video.watch.GalleryRecognizer;
import io.consentry.video.watch.Recognizer;
import io.consentry.video.watch.WatchEvent;
import io.consentry.video.watch.WatchOptions;
import io.consentry.video.watch.WatchSession;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The service's watched sources: admins add and remove them (audited through the {@link GalleryService}), operators
 * list them, read their state and latest frame, and subscribe to their events. A source with a collection
 * recognises tracks as the operator-role actor {@code source:<id>} (so every search is an audited identify, and a
 * watchlist needs an authorisation whose scope includes the source id). Thread-safe; {@link #close()} stops every
 * watch.
 */
public final class SourceRegistry implements AutoCloseable {
    /** Most sources watched at once (each costs a decoder and detection time). */
    public static final int MAX_SOURCES = 8;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    /**
     * A source to add.
     *
     * @param id           short id, lower-case letters, digits and dashes (also the audit and authorisation source name)
     * @param name         display name (defaults to the id)
     * @param url          file path, rtsp:// or http(s):// URL, or /dev/videoN
     * @param collectionId collection to identify tracks against, if any
     * @param detectEvery  detection interval in frames (default 2)
     */
    public record SourceSpec(String id, String name, String url, Optional<String> collectionId, Optional<Integer> detectEvery) {
        /** An id derived from a display name: lower-case letters and digits, other runs of characters as one dash. */
        public static String idFrom(String name) {
            String slug = name == null ? "" : name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            return slug.length() > 40 ? slug.substring(0, 40).replaceAll("-+$", "") : slug;
        }
    }

    /** A source as listed: never the URL's password. */
    public record SourceInfo(String id, String name, String url, Optional<String> collectionId, String state, long framesRead, double fps, int activeTracks,
                             long tracksStarted, long reconnects, Optional<String> lastError, Instant addedAt, String addedBy) {
    }

    private final FaceEngine engine;
    private final GalleryService gallery;
    private final WatchOptions defaults;
    private final Map<String, Entry> sources = new LinkedHashMap<>();

    public SourceRegistry(FaceEngine engine, GalleryService gallery, WatchOptions defaults) {
        this.engine = engine;
        this.gallery = gallery;
        this.defaults = defaults;
    }

    private final class Entry {
        final SourceSpec spec;
        final SourceLocation location;
        final Instant addedAt;
        final String addedBy;
        final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
        volatile WatchSession session;
        volatile RgbImage jpegOf;
        volatile byte[] jpeg;

        Entry(SourceSpec spec, SourceLocation location, String addedBy) {
            this.spec = spec;
            this.location = location;
            this.addedAt = Instant.now();
            this.addedBy = addedBy;
        }

        void publish(WatchEvent e) {
            for (Subscription s : subscribers) {
                s.offer(e);
            }
        }

        SourceInfo info() {
            WatchEvent.Stats st = session.stats();
            return new SourceInfo(spec.id(), spec.name(), location.toString(), spec.collectionId(), st.state().wireName(), st.framesRead(), st.fps(),
                    st.activeTracks(), st.tracksStarted(), st.reconnects(), session.lastError(), addedAt, addedBy);
        }
    }

    /** Adds and starts watching a source (admin; audited). */
    public SourceInfo add(Actor actor, SourceSpec spec) throws GalleryException {
        gallery.checkPermission(actor, Permission.MANAGE_SOURCES);
        if (spec.id() == null || !ID.matcher(spec.id()).matches()) {
            throw new InvalidInputException("source id must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit");
        }
        if (spec.name() == null || spec.name().isBlank() || spec.name().length() > 200) {
            throw new InvalidInputException("source name must be 1-200 characters");
        }
        SourceLocation loc;
        try {
            loc = SourceLocation.parse(spec.url());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        int every = spec.detectEvery().orElse(defaults.detectEvery());
        if (every < 1 || every > 100) {
            throw new InvalidInputException("detectEvery must be 1..100");
        }
        Optional<Recognizer> rec = Optional.empty();
        if (spec.collectionId().isPresent()) {
            Actor sourceActor = new Actor("source:" + spec.id(), Role.OPERATOR);
            rec = Optional.of(new GalleryRecognizer(gallery, sourceActor, gallery.collection(actor, spec.collectionId().get()).id(), spec.id()));
        }
        Entry e;
        synchronized (sources) {
            if (sources.containsKey(spec.id())) {
                throw new ConflictException("a source with id '" + spec.id() + "' exists");
            }
            if (sources.size() >= MAX_SOURCES) {
                throw new ConflictException("at most " + MAX_SOURCES + " sources can be watched at once; remove one first");
            }
            gallery.recordSourceChange(actor, true, spec.id(), "source " + loc + spec.collectionId().map(c -> ", collection " + c).orElse("")
                    + ", detect every " + every);
            e = new Entry(spec, loc, actor.id());
            Entry entry = e;
            e.session = new WatchSession(spec.id(), loc, engine, rec, defaults.withDetectEvery(every), entry::publish);
            sources.put(spec.id(), e);
        }
        e.session.start();
        return e.info();
    }

    /** Stops and removes a source (admin; audited). */
    public void remove(Actor actor, String id) throws GalleryException {
        gallery.checkPermission(actor, Permission.MANAGE_SOURCES);
        Entry e;
        synchronized (sources) {
            e = sources.get(id);
            if (e == null) {
                throw new NotFoundException("no source '" + id + "'");
            }
            gallery.recordSourceChange(actor, false, id, "source " + e.location);
            sources.remove(id);
        }
        e.session.close();
        for (Subscription s : e.subscribers) {
            s.end();
        }
    }

    /** Every source (admin or operator). */
    public List<SourceInfo> list(Actor actor) throws GalleryException {
        gallery.checkPermission(actor, Permission.LIST_SOURCES);
        synchronized (sources) {
            List<SourceInfo> out = new ArrayList<>();
            for (Entry e : sources.values()) {
                out.add(e.info());
            }
            return out;
        }
    }

    /** One source (admin or operator). */
    public SourceInfo get(Actor actor, String id) throws GalleryException {
        gallery.checkPermission(actor, Permission.LIST_SOURCES);
        return entry(id).info();
    }

    /** JPEG of the most recently processed frame (operator), or empty before the first frame. */
    public Optional<byte[]> latestJpeg(Actor actor, String id) throws GalleryException {
        gallery.checkPermission(actor, Permission.WATCH);
        Entry e = entry(id);
        Optional<RgbImage> img = e.session.latestFrame();
        if (img.isEmpty()) {
            return Optional.empty();
        }
        synchronized (e) {
            if (e.jpegOf != img.get()) {
                e.jpeg = ImageRedactor.jpeg(img.get());
                e.jpegOf = img.get();
            }
            return Optional.of(e.jpeg);
        }
    }

    /**
     * Subscribes to a source's events (operator). The current state and tracks are delivered first. A subscriber
     * that does not keep up loses the oldest events (bounded queue); close the subscription when done.
     */
    public Subscription subscribe(Actor actor, String id) throws GalleryException {
        gallery.checkPermission(actor, Permission.WATCH);
        Entry e = entry(id);
        Subscription s = new Subscription(e);
        e.subscribers.add(s); // first, so no event falls between the snapshot and the feed (a duplicate is harmless)
        s.offer(new WatchEvent.StateChanged(id, e.session.state(), e.session.lastError()));
        e.session.latestTracks().ifPresent(s::offer);
        return s;
    }

    private Entry entry(String id) throws NotFoundException {
        synchronized (sources) {
            Entry e = sources.get(id);
            if (e == null) {
                throw new NotFoundException("no source '" + id + "'");
            }
            return e;
        }
    }

    /** A live feed of one source's events. */
    public final class Subscription implements AutoCloseable {
        private static final WatchEvent END = new WatchEvent.StateChanged("", io.consentry.video.watch.SourceState.STOPPED, Optional.of("removed"));
        private final Entry entry;
        private final BlockingQueue<WatchEvent> queue = new ArrayBlockingQueue<>(512);
        private volatile boolean ended;

        Subscription(Entry entry) {
            this.entry = entry;
        }

        void offer(WatchEvent e) {
            while (!queue.offer(e)) {
                queue.poll(); // drop the oldest
            }
        }

        void end() {
            ended = true;
            offer(END);
        }

        /** The next event, waiting up to {@code millis}; empty on timeout or when the source was removed. */
        public Optional<WatchEvent> next(long millis) throws InterruptedException {
            WatchEvent e = queue.poll(millis, TimeUnit.MILLISECONDS);
            return e == END ? Optional.empty() : Optional.ofNullable(e);
        }

        /** Whether the source was removed (no more events will come). */
        public boolean ended() {
            return ended && queue.isEmpty();
        }

        @Override
        public void close() {
            entry.subscribers.remove(this);
        }
    }

    /** Stops every watch. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (sources) {
            all = new ArrayList<>(sources.values());
            sources.clear();
        }
        for (Entry e : all) {
            e.session.close();
            for (Subscription s : e.subscribers) {
                s.end();
            }
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
