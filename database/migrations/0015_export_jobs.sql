-- Durable export jobs (docs/jobs.md). The row is what the API shows (status, progress, result); the pg-boss
-- job (schema pgboss) only carries "render export <id>" to a worker, with its lease and retries.
CREATE TABLE export_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Whoever started it: a job is its starter's, whatever their role on the project.
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- No foreign key: a deleted project cancels its jobs (trigger below) and their rows stay until they expire.
  project_id uuid NOT NULL,
  options jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  page_count integer,
  warnings jsonb NOT NULL DEFAULT '[]',
  error text,
  file_key text,
  size_bytes bigint,
  attempts integer NOT NULL DEFAULT 0,
  -- Bumped on every change: what the live stream compares to send each state once.
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The row and its file are removed then (EXPORT_RETENTION_H after the job finished).
  expires_at timestamptz
);

CREATE INDEX export_jobs_user_created ON export_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX export_jobs_project_active ON export_jobs (project_id) WHERE status IN ('queued', 'running');
CREATE INDEX export_jobs_expires ON export_jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX export_jobs_recent ON export_jobs (updated_at);

-- A deleted project (directly, or with its owner's account) cancels its queued and running jobs, and its
-- finished exports expire now: the maintenance run removes their files.
CREATE FUNCTION export_jobs_project_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE export_jobs e
     SET status = CASE WHEN e.status IN ('queued', 'running') THEN 'canceled' ELSE e.status END,
         error = CASE WHEN e.status IN ('queued', 'running') THEN 'The project was deleted' ELSE e.error END,
         finished_at = coalesce(e.finished_at, now()),
         expires_at = now(),
         updated_at = now(),
         revision = e.revision + 1
   WHERE e.project_id IN (SELECT id FROM deleted_projects);
  RETURN NULL;
END;
$$;

CREATE TRIGGER export_jobs_project_deleted
  AFTER DELETE ON projects
  REFERENCING OLD TABLE AS deleted_projects
  FOR EACH STATEMENT EXECUTE FUNCTION export_jobs_project_deleted();

-- Every change of a job wakes the live streams of its user in every process (channel colorbook_jobs, payload
-- the user's id): the stream reads the job and sends `event: export`.
CREATE FUNCTION export_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('colorbook_jobs', NEW.user_id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER export_jobs_notify
  AFTER INSERT OR UPDATE ON export_jobs
  FOR EACH ROW EXECUTE FUNCTION export_jobs_notify();
