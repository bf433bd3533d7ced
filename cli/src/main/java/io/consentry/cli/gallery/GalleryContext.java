package io.consentry.cli.gallery;

import io.consentry.cli.EngineArgs;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.governance.ImageInput;
import io.consentry.store.Collection;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;
import io.consentry.store.InvalidInputException;
import io.consentry.store.NotFoundException;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.crypto.DeploymentKeys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one place the gallery commands open what they need: the deployment keys ({@code CONSENTRY_KEY} or
 * {@code HOME/keys/deployment.key}), the SQLite gallery ({@code HOME/gallery.db}), the face engine (from
 * {@link EngineArgs}: {@code --home}, {@code --pack}, …; the default pack is installed on first use) and the
 * {@link GalleryService} over them, plus the acting {@link Actor}. Close it (try-with-resources) to close all of them.
 *
 * <p>The retention scheduler is off here (a CLI run is short); run {@code consentry retention purge} from cron when no
 * server runs. Each run rebuilds the search indexes from the store and audits that as {@code service-start}.
 */
public final class GalleryContext implements AutoCloseable {
    private static final GalleryServiceOptions OPTIONS = GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build();

    private final Path home;
    private final FaceEngine engine;
    private final GalleryService service;
    private final Actor actor;

    private GalleryContext(Path home, FaceEngine engine, GalleryService service, Actor actor) {
        this.home = home;
        this.engine = engine;
        this.service = service;
        this.actor = actor;
    }

    /** Opens keys, store, engine and service for {@code actor}; nothing stays open if any step fails. */
    static GalleryContext open(EngineArgs engineArgs, Actor actor, PrintWriter err) throws Exception {
        Path home = engineArgs.home();
        DeploymentKeys keys = DeploymentKeys.loadOrCreate(home, System.getenv());
        SqliteGalleryStore store = SqliteGalleryStore.open(home.resolve(SqliteGalleryStore.DEFAULT_FILE_NAME), keys);
        FaceEngine engine;
        try {
            engine = engineArgs.open(err);
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
        try {
            return new GalleryContext(home, engine, new GalleryService(store, engine, OPTIONS), actor); // the service owns the store
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
    }

    public GalleryService service() {
        return service;
    }

    public FaceEngine engine() {
        return engine;
    }

    public Actor actor() {
        return actor;
    }

    public Path home() {
        return home;
    }

    /**
     * The collection named by {@code idOrName}: its id, or else its unique name (listing collections is allowed for
     * every role).
     */
    public Collection collection(String idOrName) throws GalleryException {
        Collection byName = null;
        for (Collection c : service.collections(actor)) {
            if (c.id().equals(idOrName)) {
                return c;
            }
            if (c.name().equals(idOrName)) {
                byName = c;
            }
        }
        if (byName == null) {
            throw new NotFoundException("no collection with id or name '" + idOrName + "' (consentry collections list)");
        }
        return byName;
    }

    /**
     * An image file for the service, refused before reading when larger than the engine's file limit. A missing file
     * throws {@link java.nio.file.NoSuchFileException} (exit 3).
     */
    public ImageInput image(Path file) throws IOException, GalleryException {
        long max = engine.options().imageLimits().maxFileBytes();
        long size = Files.size(file);
        if (size > max) {
            throw new InvalidInputException(ErrorCode.BAD_IMAGE, file + " is " + (size >> 20) + " MB, above the limit of "
                    + (max >> 20) + " MB (--max-file-mb)");
        }
        return ImageInput.encoded(Files.readAllBytes(file), file.toString());
    }

    @Override
    public void close() throws GalleryException {
        try {
            service.close();
        } finally {
            engine.close();
        }
    }
}
