-- A project's `counts` (its stories, images and drawings) are stored on its row instead of being counted
-- on every read (ADR 0019). Before this, every row of GET /api/projects ran three correlated count(*)
-- subqueries; now the list and the single read take three integers from the row they already read.
--
-- The columns move by statement-level triggers with transition tables, the pattern of 0010 (text bytes)
-- and 0013 (the change log): in the writing statement's own transaction, one UPDATE of the projects it
-- touched per statement (not one per row), for every path that adds, removes or moves a child — the API's
-- creates, deletes, moves, duplicates, transfers and imports, cascades (a project's delete takes its
-- children along; an account's delete takes its projects) and any SQL an operator runs. A child deleted
-- with its project finds no project row left and changes nothing. `counts + delta` re-reads the newest
-- project row after waiting for its lock, so two writers never lose each other's change. Moves are the
-- one row-level trigger (below).
--
-- Locks: the UPDATE takes the project row's FOR NO KEY UPDATE lock, which does not conflict with the FOR
-- KEY SHARE lock of the project-access seam (lockProjectAccess), so a child write that share-locked its
-- project (user row, project, children: the storage lock order) can still count. Writers of one project
-- queue on its row for the rest of their transaction; they already queue on the owner's user row
-- (withinStorageLimit), which every such write locks first.
--
-- The counting UPDATE changes nothing a client reads but `counts`: it does not bump `version` or
-- `updated_at`, and the projects triggers of 0010 and 0013 skip it (the change log already logged the
-- project from the child's own trigger; the row's text bytes do not move). They see it by the
-- transaction-local setting colorbook.counting, set only around that UPDATE.

ALTER TABLE projects
  ADD COLUMN stories_count integer NOT NULL DEFAULT 0,
  ADD COLUMN images_count integer NOT NULL DEFAULT 0,
  ADD COLUMN drawings_count integer NOT NULL DEFAULT 0;

-- One function for the three tables (TG_TABLE_NAME picks the column), inserts and deletes; static SQL, so
-- PL/pgSQL keeps its plans. Transition tables: new_rows (INSERT), old_rows (DELETE).
CREATE FUNCTION project_child_count() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  is_story integer := (TG_TABLE_NAME = 'stories')::integer;
  is_image integer := (TG_TABLE_NAME = 'images')::integer;
  is_drawing integer := (TG_TABLE_NAME = 'drawings')::integer;
BEGIN
  PERFORM set_config('colorbook.counting', 'on', true);
  IF TG_OP = 'INSERT' THEN
    UPDATE projects p
       SET stories_count = p.stories_count + d.n * is_story,
           images_count = p.images_count + d.n * is_image,
           drawings_count = p.drawings_count + d.n * is_drawing
      FROM (SELECT project_id, count(*)::integer AS n FROM new_rows GROUP BY project_id) d
     WHERE p.id = d.project_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE projects p
       SET stories_count = p.stories_count - d.n * is_story,
           images_count = p.images_count - d.n * is_image,
           drawings_count = p.drawings_count - d.n * is_drawing
      FROM (SELECT project_id, count(*)::integer AS n FROM old_rows GROUP BY project_id) d
     WHERE p.id = d.project_id;
  END IF;
  PERFORM set_config('colorbook.counting', '', true);
  RETURN NULL;
END
$$;

-- A move (project_id changes): a row trigger, because PostgreSQL allows no transition tables on an
-- `UPDATE OF column` trigger, and a statement trigger on every UPDATE would run for every edit of a
-- story's text. The WHEN clause keeps edits from calling the function at all. Both projects are locked in
-- id order before either is written, so two opposite moves cannot deadlock.
CREATE FUNCTION project_child_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  is_story integer := (TG_TABLE_NAME = 'stories')::integer;
  is_image integer := (TG_TABLE_NAME = 'images')::integer;
  is_drawing integer := (TG_TABLE_NAME = 'drawings')::integer;
BEGIN
  PERFORM set_config('colorbook.counting', 'on', true);
  PERFORM 1 FROM projects p WHERE p.id IN (OLD.project_id, NEW.project_id) ORDER BY p.id FOR NO KEY UPDATE;
  UPDATE projects p
     SET stories_count = p.stories_count + d.n * is_story,
         images_count = p.images_count + d.n * is_image,
         drawings_count = p.drawings_count + d.n * is_drawing
    FROM (VALUES (NEW.project_id, 1), (OLD.project_id, -1)) AS d (project_id, n)
   WHERE p.id = d.project_id;
  PERFORM set_config('colorbook.counting', '', true);
  RETURN NULL;
END
$$;

CREATE TRIGGER stories_count_insert AFTER INSERT ON stories
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();
CREATE TRIGGER stories_count_move AFTER UPDATE OF project_id ON stories
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION project_child_move();
CREATE TRIGGER stories_count_delete AFTER DELETE ON stories
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();

CREATE TRIGGER images_count_insert AFTER INSERT ON images
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();
CREATE TRIGGER images_count_move AFTER UPDATE OF project_id ON images
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION project_child_move();
CREATE TRIGGER images_count_delete AFTER DELETE ON images
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();

CREATE TRIGGER drawings_count_insert AFTER INSERT ON drawings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();
CREATE TRIGGER drawings_count_move AFTER UPDATE OF project_id ON drawings
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION project_child_move();
CREATE TRIGGER drawings_count_delete AFTER DELETE ON drawings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION project_child_count();

-- The projects triggers of 0010 and 0013 skip the counting UPDATE (above): the same functions, with that
-- one check first. Everything else about them is unchanged.
CREATE OR REPLACE FUNCTION text_storage_count() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  rows_sql text;
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'projects'
     AND current_setting('colorbook.counting', true) = 'on' THEN
    RETURN NULL;
  END IF;
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

CREATE OR REPLACE FUNCTION sync_log_project() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('colorbook.counting', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    DELETE FROM sync_changes c USING old_rows o WHERE c.project_id = o.id AND c.user_id IS NULL;
    -- Not for an owner whose account is being deleted (the cascade from users runs this after
    -- sync_forget_user: RI cascades queue their triggers behind the outer statement's).
    INSERT INTO sync_changes (kind, resource_id, project_id, user_id, op)
    SELECT 'project', o.id, o.id, o.user_id, 'delete' FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id);
  ELSE
    INSERT INTO sync_changes (kind, resource_id, project_id, op)
    SELECT 'project', n.id, n.id, 'upsert' FROM new_rows n;
  END IF;
  IF FOUND THEN PERFORM pg_notify('colorbook_sync', ''); END IF;
  RETURN NULL;
END
$$;

-- What is stored now is counted once, last, as a counting UPDATE (the flag above): it logs no change and
-- moves no bytes — clients already had these counts.
SELECT set_config('colorbook.counting', 'on', true);
UPDATE projects p
   SET stories_count = (SELECT count(*) FROM stories c WHERE c.project_id = p.id),
       images_count = (SELECT count(*) FROM images c WHERE c.project_id = p.id),
       drawings_count = (SELECT count(*) FROM drawings c WHERE c.project_id = p.id)
 WHERE EXISTS (SELECT 1 FROM stories c WHERE c.project_id = p.id)
    OR EXISTS (SELECT 1 FROM images c WHERE c.project_id = p.id)
    OR EXISTS (SELECT 1 FROM drawings c WHERE c.project_id = p.id);
SELECT set_config('colorbook.counting', '', true);
