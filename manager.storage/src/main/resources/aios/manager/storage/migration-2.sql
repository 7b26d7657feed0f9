-- Schema 2: the notes' full-text index also holds each note's agent as one token (agent_key), so that a search
-- matches, and ranks, only the searching agent's notes instead of every agent's.
ALTER TABLE notes ADD COLUMN agent_key TEXT GENERATED ALWAYS AS ('a' || hex(agent)) VIRTUAL;
DROP TRIGGER notes_fts_insert;
DROP TRIGGER notes_fts_delete;
DROP TRIGGER notes_fts_update;
DROP TABLE notes_fts;
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
INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
