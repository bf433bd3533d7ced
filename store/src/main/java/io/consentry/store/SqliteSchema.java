package io.consentry.store;

import io.consentry.store.audit.AuditChain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite schema and its migrations. Version {@code n} is applied by {@code MIGRATIONS.get(n - 1)} in one
 * transaction together with its row in {@code schema_version}; a database newer than this code is refused.
 * Migrations are append-only: never edit a released one, add the next.
 */
final class SqliteSchema {
    /** {@code PRAGMA application_id}: "CSNT". */
    static final int APPLICATION_ID = 0x43534E54;

    private record Migration(String description, List<String> statements) {
    }

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration("initial schema", List.of(
                    """
                    CREATE TABLE collections (
                      id                TEXT PRIMARY KEY,
                      name              TEXT NOT NULL UNIQUE,
                      purpose           TEXT NOT NULL,
                      retention_seconds INTEGER NOT NULL CHECK (retention_seconds > 0),
                      match_threshold   REAL NOT NULL,
                      store_images      INTEGER NOT NULL CHECK (store_images IN (0, 1)),
                      created_at        INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE subjects (
                      id                  TEXT PRIMARY KEY,
                      display_name        TEXT NOT NULL,
                      external_id         TEXT UNIQUE,
                      created_at          INTEGER NOT NULL,
                      last_interaction_at INTEGER NOT NULL
                    )""",
                    // no foreign key to subjects: consent records outlive an erased subject (as hash + dates)
                    """
                    CREATE TABLE consents (
                      id              TEXT PRIMARY KEY,
                      subject_id      TEXT NOT NULL,
                      basis           TEXT NOT NULL,
                      legal_reference TEXT,
                      given_at        INTEGER NOT NULL,
                      expires_at      INTEGER,
                      evidence_sha256 TEXT,
                      recorded_by     TEXT NOT NULL,
                      recorded_at     INTEGER NOT NULL,
                      withdrawn_at    INTEGER
                    )""",
                    "CREATE INDEX consents_subject ON consents (subject_id)",
                    """
                    CREATE TABLE consent_purposes (
                      consent_id TEXT NOT NULL REFERENCES consents (id) ON DELETE CASCADE,
                      purpose    TEXT NOT NULL,
                      PRIMARY KEY (consent_id, purpose)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE templates (
                      seq           INTEGER PRIMARY KEY,
                      id            TEXT NOT NULL UNIQUE,
                      subject_id    TEXT NOT NULL REFERENCES subjects (id),
                      collection_id TEXT NOT NULL REFERENCES collections (id),
                      model_id      TEXT NOT NULL,
                      dimension     INTEGER NOT NULL,
                      key_id        TEXT NOT NULL,
                      descriptor    BLOB NOT NULL,
                      quality       REAL NOT NULL,
                      source_sha256 TEXT NOT NULL,
                      source_image  BLOB,
                      created_at    INTEGER NOT NULL,
                      last_used_at  INTEGER NOT NULL,
                      UNIQUE (subject_id, collection_id, source_sha256)
                    )""",
                    "CREATE INDEX templates_collection ON templates (collection_id, seq)",
                    "CREATE INDEX templates_subject ON templates (subject_id)",
                    "CREATE INDEX templates_key ON templates (key_id)",
                    """
                    CREATE TABLE authorisations (
                      id              TEXT PRIMARY KEY,
                      issuer          TEXT NOT NULL,
                      legal_reference TEXT NOT NULL,
                      valid_from      INTEGER NOT NULL,
                      expires_at      INTEGER NOT NULL,
                      created_by      TEXT NOT NULL,
                      created_at      INTEGER NOT NULL,
                      revoked_at      INTEGER
                    )""",
                    """
                    CREATE TABLE authorisation_collections (
                      authorisation_id TEXT NOT NULL REFERENCES authorisations (id),
                      collection_id    TEXT NOT NULL,
                      PRIMARY KEY (authorisation_id, collection_id)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE authorisation_sources (
                      authorisation_id TEXT NOT NULL REFERENCES authorisations (id),
                      source           TEXT NOT NULL,
                      PRIMARY KEY (authorisation_id, source)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE review_cases (
                      id                   TEXT PRIMARY KEY,
                      collection_id        TEXT NOT NULL,
                      authorisation_id     TEXT NOT NULL,
                      probe_sha256         TEXT NOT NULL,
                      source               TEXT,
                      status               TEXT NOT NULL,
                      created_by           TEXT NOT NULL,
                      created_at           INTEGER NOT NULL,
                      confirmed_subject_id TEXT,
                      closed_at            INTEGER
                    )""",
                    "CREATE INDEX review_cases_status ON review_cases (status, created_at)",
                    """
                    CREATE TABLE review_candidates (
                      case_id    TEXT NOT NULL REFERENCES review_cases (id),
                      rank       INTEGER NOT NULL,
                      subject_id TEXT NOT NULL,
                      similarity REAL NOT NULL,
                      PRIMARY KEY (case_id, rank)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE review_decisions (
                      case_id     TEXT NOT NULL REFERENCES review_cases (id),
                      reviewer_id TEXT NOT NULL,
                      position    INTEGER NOT NULL,
                      verdict     TEXT NOT NULL,
                      subject_id  TEXT,
                      decided_at  INTEGER NOT NULL,
                      PRIMARY KEY (case_id, reviewer_id)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE api_keys (
                      id            TEXT PRIMARY KEY,
                      name          TEXT NOT NULL,
                      role          TEXT NOT NULL,
                      secret_sha256 BLOB NOT NULL,
                      created_at    INTEGER NOT NULL,
                      revoked_at    INTEGER
                    )""",
                    """
                    CREATE TABLE audit_log (
                      seq           INTEGER PRIMARY KEY,
                      at            INTEGER NOT NULL,
                      actor_id      TEXT NOT NULL,
                      role          TEXT,
                      action        TEXT NOT NULL,
                      outcome       TEXT NOT NULL,
                      collection_id TEXT,
                      purpose       TEXT,
                      subject_id    TEXT,
                      object_id     TEXT,
                      image_sha256  TEXT,
                      candidates    TEXT NOT NULL,
                      detail        TEXT NOT NULL,
                      prev_hash     TEXT NOT NULL,
                      hash          TEXT NOT NULL
                    )""",
                    """
                    CREATE TABLE audit_head (
                      id   INTEGER PRIMARY KEY CHECK (id = 1),
                      seq  INTEGER NOT NULL,
                      hash TEXT NOT NULL
                    )""",
                    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + AuditChain.GENESIS_HASH + "')",
                    // Guards against application bugs; not against someone with write access to the file (the hash
                    // chain catches that).
                    """
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
                    """
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")),
            // every change to the templates table, by any process, leaves a row here (ids only, no biometric data), so
            // a running service sees enrolments and erasures made by another process (e.g. the CLI) before it searches
            new Migration("template change journal", List.of(
                    """
                    CREATE TABLE template_changes (
                      seq           INTEGER PRIMARY KEY AUTOINCREMENT,
                      template_id   TEXT NOT NULL,
                      collection_id TEXT NOT NULL,
                      op            TEXT NOT NULL CHECK (op IN ('insert', 'delete', 'update'))
                    )""",
                    """
                    CREATE TRIGGER templates_journal_insert AFTER INSERT ON templates
                    BEGIN INSERT INTO template_changes (template_id, collection_id, op) VALUES (NEW.id, NEW.collection_id, 'insert'); END""",
                    """
                    CREATE TRIGGER templates_journal_delete AFTER DELETE ON templates
                    BEGIN INSERT INTO template_changes (template_id, collection_id, op) VALUES (OLD.id, OLD.collection_id, 'delete'); END""",
                    """
                    CREATE TRIGGER templates_journal_update AFTER UPDATE OF descriptor, key_id, collection_id, subject_id ON templates
                    BEGIN INSERT INTO template_changes (template_id, collection_id, op) VALUES (NEW.id, NEW.collection_id, 'update'); END""")));

    /** The schema version this code writes. */
    static final int LATEST = MIGRATIONS.size();

    private SqliteSchema() {
    }

    /**
     * Brings the database to {@link #LATEST}. Runs on the writer connection (autocommit on) before anything else.
     *
     * @return the version found before migrating (0 for a new file)
     */
    static int migrate(Connection c, String file) throws SQLException, GalleryException {
        try (Statement s = c.createStatement()) {
            int appId;
            try (ResultSet rs = s.executeQuery("PRAGMA application_id")) {
                appId = rs.next() ? rs.getInt(1) : 0;
            }
            boolean empty;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                empty = rs.next() && rs.getInt(1) == 0;
            }
            if (appId != APPLICATION_ID && !(appId == 0 && empty)) {
                throw new StorageException(ErrorCode.STORAGE_ERROR, file + " is not a Consentry gallery database");
            }
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, "
                    + "description TEXT NOT NULL)");
            int found = -1;
            while (true) {
                // Version read and migration in one IMMEDIATE transaction: two processes opening a new file at
                // once cannot both apply a migration.
                s.execute("BEGIN IMMEDIATE");
                try {
                    int current;
                    try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                        current = rs.next() ? rs.getInt(1) : 0;
                    }
                    if (found < 0) {
                        found = current;
                    }
                    if (current > LATEST) {
                        throw new StorageException(ErrorCode.STORAGE_ERROR, file + " has schema version " + current
                                + ", newer than this Consentry understands (" + LATEST + "); upgrade Consentry");
                    }
                    if (current == LATEST) {
                        s.execute("COMMIT");
                        return found;
                    }
                    int v = current + 1;
                    Migration m = MIGRATIONS.get(v - 1);
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)")) {
                        ps.setInt(1, v);
                        ps.setLong(2, System.currentTimeMillis());
                        ps.setString(3, m.description());
                        ps.executeUpdate();
                    }
                    s.execute("PRAGMA application_id = " + APPLICATION_ID);
                    s.execute("COMMIT");
                } catch (SQLException | GalleryException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }
}
