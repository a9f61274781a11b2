-- The change log behind GET /api/sync/changes and the sync stream (docs/sync.md, ADR 0018).
--
-- Every write of a resource a client syncs (the user's own row, projects, stories, images, drawings, and the
-- memberships that decide who sees a project) appends rows here, written by the triggers below in the
-- writing statement's own transaction: no code path can forget it, cascades included, and a rolled-back
-- write leaves no trace. A row only says WHAT changed (kind, id, op); the feed loads the current state
-- when it is read, so a row costs a few dozen bytes whatever the size of the resource.
--
-- txid is the writing transaction's id (pg_current_xact_id(), kept as bigint: its decimal text form fits).
-- The feed reads only rows whose txid is below the oldest transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())): every transaction below it has ended, so no row can appear
-- there later, and a cursor `(txid, seq)` handed out is never ahead of a change not yet visible, however
-- the transactions of several server processes commit out of order.
--
-- Who sees a row: user_id NULL → everyone who can read project_id NOW (owner or member); user_id set → that
-- user only (their own user row; a project they gained or lost, and the children they gained with it).
CREATE TABLE sync_changes (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
  kind text NOT NULL CHECK (kind IN ('user', 'project', 'story', 'image', 'drawing')),
  resource_id uuid NOT NULL,
  -- The resource's project (a project's own id); NULL for a user.
  project_id uuid,
  user_id uuid,
  op text NOT NULL CHECK (op IN ('upsert', 'delete')),
  changed_at timestamptz NOT NULL DEFAULT now(),
  CHECK (user_id IS NOT NULL OR project_id IS NOT NULL)
);
-- The two paths of a user's feed, each in commit order: the rows of the projects they can read, and their
-- own rows. No foreign keys: the rows outlive what they describe (a delete is a row too).
CREATE INDEX sync_changes_project_idx ON sync_changes (project_id, txid, seq) WHERE user_id IS NULL;
CREATE INDEX sync_changes_user_idx ON sync_changes (user_id, txid, seq) WHERE user_id IS NOT NULL;
-- Pruning (SYNC_RETENTION_DAYS).
CREATE INDEX sync_changes_changed_at_idx ON sync_changes (changed_at);

-- One row: every log row with txid <= pruned_txid may be gone, so a cursor at or below it is expired (410).
CREATE TABLE sync_horizon (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  pruned_txid bigint NOT NULL DEFAULT 0
);
INSERT INTO sync_horizon DEFAULT VALUES;

-- The triggers are statement-level with transition tables (as in 0010): one INSERT … SELECT per statement,
-- not one per row. Each wakes the listeners with pg_notify, which PostgreSQL delivers at commit (and
-- not at all on rollback), to every listening process; the same notification twice in one transaction is
-- delivered once.

-- users: what GET /api/users/me answers changed (not the password hash, not a login's bookkeeping).
CREATE FUNCTION sync_log_user() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO sync_changes (kind, resource_id, user_id, op)
  SELECT 'user', n.id, n.id, 'upsert'
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.email, n.email_verified, n.display_name, n.settings, n.role, n.plan, n.subscription_status,
          n.storage_used_bytes, n.updated_at)
         IS DISTINCT FROM
         (o.email, o.email_verified, o.display_name, o.settings, o.role, o.plan, o.subscription_status,
          o.storage_used_bytes, o.updated_at);
  IF FOUND THEN PERFORM pg_notify('colorbook_sync', ''); END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_sync_update AFTER UPDATE ON users
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_user();

-- A deleted account leaves nothing of its own in the log (docs/account.md: no row holds a deleted user). Its
-- projects' shared rows went with the projects (below); a member's delete of such a project stays, naming
-- only the project.
CREATE FUNCTION sync_forget_user() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  DELETE FROM sync_changes c USING old_rows o WHERE c.user_id = o.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_sync_delete AFTER DELETE ON users
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_forget_user();

-- projects: an upsert for every reader; a delete for the owner (the members' deletes come from their
-- project_members rows, which the delete cascades away). A deleted project's shared rows can never be read
-- again (nobody can read the project): they go with it.
CREATE FUNCTION sync_log_project() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
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

CREATE TRIGGER projects_sync_insert AFTER INSERT ON projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_project();
CREATE TRIGGER projects_sync_update AFTER UPDATE ON projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_project();
CREATE TRIGGER projects_sync_delete AFTER DELETE ON projects
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_project();

-- stories, images, drawings (TG_ARGV[0]: the kind). The child itself, and its project when the project's
-- `counts` change (insert, delete, move). A move logs a delete under the old project first: a reader of
-- the old project who cannot read the new one must drop it. A child deleted with its project (a cascade:
-- the project row is gone already) logs nothing: the project's delete implies it.
CREATE FUNCTION sync_log_child() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  logged boolean := false;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sync_changes (kind, resource_id, project_id, op)
    SELECT TG_ARGV[0], n.id, n.project_id, 'upsert' FROM new_rows n
    UNION ALL
    SELECT 'project', p.project_id, p.project_id, 'upsert' FROM (SELECT DISTINCT project_id FROM new_rows) p;
    logged := FOUND;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sync_changes (kind, resource_id, project_id, op)
    SELECT TG_ARGV[0], o.id, o.project_id, 'delete'
      FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.project_id <> o.project_id;
    INSERT INTO sync_changes (kind, resource_id, project_id, op)
    SELECT TG_ARGV[0], n.id, n.project_id, 'upsert' FROM new_rows n
    UNION ALL
    SELECT 'project', m.project_id, m.project_id, 'upsert'
      FROM (SELECT o.project_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.project_id <> o.project_id
            UNION SELECT n.project_id FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE n.project_id <> o.project_id) m;
    logged := FOUND;
  ELSE
    INSERT INTO sync_changes (kind, resource_id, project_id, op)
    SELECT TG_ARGV[0], o.id, o.project_id, 'delete' FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM projects p WHERE p.id = o.project_id)
    UNION ALL
    SELECT 'project', d.project_id, d.project_id, 'upsert'
      FROM (SELECT DISTINCT project_id FROM old_rows) d
     WHERE EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_id);
    logged := FOUND;
  END IF;
  IF logged THEN PERFORM pg_notify('colorbook_sync', ''); END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER stories_sync_insert AFTER INSERT ON stories
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('story');
CREATE TRIGGER stories_sync_update AFTER UPDATE ON stories
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('story');
CREATE TRIGGER stories_sync_delete AFTER DELETE ON stories
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('story');

CREATE TRIGGER images_sync_insert AFTER INSERT ON images
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('image');
CREATE TRIGGER images_sync_update AFTER UPDATE ON images
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('image');
CREATE TRIGGER images_sync_delete AFTER DELETE ON images
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('image');

CREATE TRIGGER drawings_sync_insert AFTER INSERT ON drawings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('drawing');
CREATE TRIGGER drawings_sync_update AFTER UPDATE ON drawings
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('drawing');
CREATE TRIGGER drawings_sync_delete AFTER DELETE ON drawings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_child('drawing');

-- project_members: gaining access (the project and every child, for that user alone), a role change (the
-- project's `role` differs), losing access (a delete of the project for that user; not when they are its
-- owner now: a transfer that removes the new owner's member row keeps their access).
CREATE FUNCTION sync_log_member() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sync_changes (kind, resource_id, project_id, user_id, op)
    SELECT 'project', n.project_id, n.project_id, n.user_id, 'upsert' FROM new_rows n
    UNION ALL
    SELECT 'story', c.id, c.project_id, n.user_id, 'upsert' FROM new_rows n JOIN stories c ON c.project_id = n.project_id
    UNION ALL
    SELECT 'image', c.id, c.project_id, n.user_id, 'upsert' FROM new_rows n JOIN images c ON c.project_id = n.project_id
    UNION ALL
    SELECT 'drawing', c.id, c.project_id, n.user_id, 'upsert' FROM new_rows n JOIN drawings c ON c.project_id = n.project_id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sync_changes (kind, resource_id, project_id, user_id, op)
    SELECT 'project', n.project_id, n.project_id, n.user_id, 'upsert'
      FROM new_rows n JOIN old_rows o ON o.project_id = n.project_id AND o.user_id = n.user_id
     WHERE n.role <> o.role;
  ELSE
    INSERT INTO sync_changes (kind, resource_id, project_id, user_id, op)
    SELECT 'project', o.project_id, o.project_id, o.user_id, 'delete' FROM old_rows o
     WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = o.project_id AND p.user_id = o.user_id)
       AND EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id);
  END IF;
  IF FOUND THEN PERFORM pg_notify('colorbook_sync', ''); END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER project_members_sync_insert AFTER INSERT ON project_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_member();
CREATE TRIGGER project_members_sync_update AFTER UPDATE ON project_members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_member();
CREATE TRIGGER project_members_sync_delete AFTER DELETE ON project_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_member();
