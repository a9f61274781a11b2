-- Stored text counts against the storage limit like files do: story content, drawing data, project
-- settings and template content, by their UTF-8 bytes (docs/files.md, "Storage use").
--
-- Each such row carries its own byte count, `text_bytes`, a stored generated column: the database computes
-- it on every write, from the value it stores, so no code path can forget or miscount it, and deletes and
-- the triggers below read an integer instead of de-TOASTing a 5 MB drawing. JSON counts in jsonb's text
-- form (`settings::text`: one space after each `:` and `,`), the form the database can measure. A
-- project's default settings `{}` count 0, so an empty project costs nothing.
--
-- users.storage_used_bytes moves by triggers, in the statement that writes the rows: each statement adds
-- the sum of its new rows' text_bytes and subtracts its old rows' (transition tables, one UPDATE of the
-- user row per statement, not per row). The triggers are exact under any concurrency: the delta comes
-- from the rows the statement itself changed, and `storage_used_bytes + delta` re-reads the newest user
-- row after waiting for its lock, so two writers never lose each other's change. They also cover every
-- path, cascades included (a project delete takes its stories' and drawings' bytes along; an account
-- delete finds no user row left and does nothing). A statement whose rows keep their size (a title
-- change, a rating moving a template's aggregates, ON DELETE SET NULL) does not touch the user row.
-- The limit itself is the API's (it comes from configuration): every writing transaction locks the user
-- row first and compares the use before and after (withinStorageLimit, in
-- src/modules/storage-usage/storage-usage.service.ts).

ALTER TABLE stories ADD COLUMN text_bytes integer NOT NULL
  GENERATED ALWAYS AS (octet_length(content)) STORED;
ALTER TABLE drawings ADD COLUMN text_bytes integer NOT NULL
  GENERATED ALWAYS AS (octet_length(data::text)) STORED;
ALTER TABLE projects ADD COLUMN text_bytes integer NOT NULL
  GENERATED ALWAYS AS (CASE WHEN settings = '{}'::jsonb THEN 0 ELSE octet_length(settings::text) END) STORED;
ALTER TABLE templates ADD COLUMN text_bytes integer NOT NULL
  GENERATED ALWAYS AS (octet_length(content::text)) STORED;

-- What is stored now counts from now on.
UPDATE users u
   SET storage_used_bytes = u.storage_used_bytes + t.bytes
  FROM (SELECT user_id, sum(text_bytes) AS bytes
          FROM (SELECT user_id, text_bytes FROM projects
                UNION ALL SELECT user_id, text_bytes FROM stories
                UNION ALL SELECT user_id, text_bytes FROM drawings
                UNION ALL SELECT owner_id, text_bytes FROM templates) AS rows
         GROUP BY user_id) AS t
 WHERE u.id = t.user_id AND t.bytes <> 0;

-- TG_ARGV[0]: the column naming the row's user (user_id; owner_id for templates). Transition tables are
-- named the same in every trigger: new_rows (INSERT, UPDATE) and old_rows (UPDATE, DELETE).
CREATE FUNCTION text_storage_count() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  rows_sql text;
BEGIN
  rows_sql := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %I AS owner, text_bytes AS bytes FROM new_rows', TG_ARGV[0])
    WHEN 'DELETE' THEN format('SELECT %I AS owner, -text_bytes AS bytes FROM old_rows', TG_ARGV[0])
    ELSE format('SELECT %1$I AS owner, text_bytes AS bytes FROM new_rows
                 UNION ALL SELECT %1$I, -text_bytes FROM old_rows', TG_ARGV[0])
  END;
  EXECUTE format(
    'UPDATE users u SET storage_used_bytes = greatest(u.storage_used_bytes + d.bytes, 0)
       FROM (SELECT owner, sum(bytes) AS bytes FROM (%s) AS r GROUP BY owner) AS d
      WHERE u.id = d.owner AND d.bytes <> 0',
    rows_sql);
  RETURN NULL;
END
$$;

CREATE TRIGGER stories_text_storage_insert AFTER INSERT ON stories
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER stories_text_storage_update AFTER UPDATE ON stories
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER stories_text_storage_delete AFTER DELETE ON stories
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');

CREATE TRIGGER drawings_text_storage_insert AFTER INSERT ON drawings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER drawings_text_storage_update AFTER UPDATE ON drawings
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER drawings_text_storage_delete AFTER DELETE ON drawings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');

CREATE TRIGGER projects_text_storage_insert AFTER INSERT ON projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER projects_text_storage_update AFTER UPDATE ON projects
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');
CREATE TRIGGER projects_text_storage_delete AFTER DELETE ON projects
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('user_id');

CREATE TRIGGER templates_text_storage_insert AFTER INSERT ON templates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('owner_id');
CREATE TRIGGER templates_text_storage_update AFTER UPDATE ON templates
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('owner_id');
CREATE TRIGGER templates_text_storage_delete AFTER DELETE ON templates
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION text_storage_count('owner_id');
