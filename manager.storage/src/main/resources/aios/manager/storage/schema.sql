-- The storage manager's database, at the schema version Schema.bundled() reports (1 + the number of
-- migration-N.sql files beside this one). A new database gets this file; an older one gets the migrations.
-- Every time is epoch microseconds (INTEGER); text is UTF-8.

-- Agents the kernel has run something for, and the root their storage is mounted at.
CREATE TABLE agents (
    name          TEXT PRIMARY KEY,
    first_seen_us INTEGER NOT NULL,
    last_seen_us  INTEGER NOT NULL,
    mount         TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- One row per finished syscall (COMPLETED, FAILED, CANCELLED). Syscall ids start again at 1 when the kernel
-- restarts, so they are not a key here; service_us (end - start) is the syscall's measured cost.
CREATE TABLE task_history (
    row_id        INTEGER PRIMARY KEY,
    syscall       INTEGER NOT NULL,
    agent         TEXT NOT NULL REFERENCES agents(name),
    resource      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    policy        TEXT,
    priority      INTEGER,
    status        TEXT NOT NULL CHECK (status IN ('COMPLETED', 'FAILED', 'CANCELLED')),
    arrival_us    INTEGER NOT NULL,
    start_us      INTEGER,
    end_us        INTEGER NOT NULL,
    waiting_us    INTEGER,
    turnaround_us INTEGER,
    service_us    INTEGER,
    error         TEXT
);
CREATE INDEX task_history_end ON task_history(end_us);
CREATE INDEX task_history_agent_end ON task_history(agent, end_us);
CREATE INDEX task_history_status_end ON task_history(status, end_us);
CREATE INDEX task_history_kind_end ON task_history(kind, end_us);
CREATE INDEX task_history_syscall ON task_history(syscall);

-- Every kernel event (topics aios/*), its properties as a JSON object.
CREATE TABLE events (
    row_id     INTEGER PRIMARY KEY,
    topic      TEXT NOT NULL,
    time_us    INTEGER NOT NULL,
    agent      TEXT,
    syscall    INTEGER,
    properties TEXT NOT NULL
);
CREATE INDEX events_time ON events(time_us);
CREATE INDEX events_topic_time ON events(topic, time_us);
CREATE INDEX events_agent_time ON events(agent, time_us);
CREATE INDEX events_syscall ON events(syscall);

-- Agents' context snapshots (the ContextArchive): the context manager's bytes, as they are.
CREATE TABLE context_snapshots (
    agent       TEXT NOT NULL REFERENCES agents(name),
    snapshot    INTEGER NOT NULL,
    taken_us    INTEGER NOT NULL,
    messages    INTEGER NOT NULL,
    generations INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (agent, snapshot)
) WITHOUT ROWID;

-- Memory notes (the NoteStore), their metadata, and a full-text index kept in step by triggers.
CREATE TABLE notes (
    row_id     INTEGER PRIMARY KEY,
    agent      TEXT NOT NULL,
    id         TEXT NOT NULL,
    content    TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,
    -- the agent as one full-text token, so that a search ranks only the searching agent's notes
    agent_key  TEXT GENERATED ALWAYS AS ('a' || hex(agent)) VIRTUAL,
    UNIQUE (agent, id)
);
CREATE INDEX notes_agent_updated ON notes(agent, updated_us);
CREATE TABLE note_metadata (
    note  INTEGER NOT NULL REFERENCES notes(row_id) ON DELETE CASCADE,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (note, key)
) WITHOUT ROWID;
CREATE INDEX note_metadata_key_value ON note_metadata(key, value);
CREATE VIRTUAL TABLE notes_fts USING fts5(content, agent_key, content = 'notes', content_rowid = 'row_id',
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, content, agent_key) VALUES (new.row_id, new.content, new.agent_key);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, content, agent_key) VALUES ('delete', old.row_id, old.content,
        old.agent_key);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF content ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, content, agent_key) VALUES ('delete', old.row_id, old.content,
        old.agent_key);
    INSERT INTO notes_fts(rowid, content, agent_key) VALUES (new.row_id, new.content, new.agent_key);
END;

-- Agents' files and directories; path is relative to the agent's namespace, '/'-separated, without a leading
-- '/'. version is the current version of a file (0 for a directory).
CREATE TABLE files (
    id         INTEGER PRIMARY KEY,
    agent      TEXT NOT NULL REFERENCES agents(name),
    path       TEXT NOT NULL,
    parent     TEXT NOT NULL,
    is_dir     INTEGER NOT NULL CHECK (is_dir IN (0, 1)),
    version    INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    UNIQUE (agent, path)
);
CREATE INDEX files_agent_parent ON files(agent, parent);

-- Every version a file has had: a write or a rollback adds one, nothing changes one.
CREATE TABLE file_versions (
    file       INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    content    TEXT NOT NULL,
    size       INTEGER NOT NULL,
    written_us INTEGER NOT NULL,
    PRIMARY KEY (file, version)
) WITHOUT ROWID;
CREATE INDEX file_versions_file_written ON file_versions(file, written_us);

-- The current content of every file, for retrieve (rowid = files.id); written by the storage manager in the
-- transaction that changes the file.
CREATE VIRTUAL TABLE files_fts USING fts5(content, tokenize = 'porter unicode61 remove_diacritics 2');
