-- The user's archive and import as durable jobs (docs/archive.md, docs/jobs.md). As for exports, the row is
-- what the API shows; the pg-boss job only carries "archive <id>" or "import <id>" to a worker.
CREATE TABLE archive_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  error text,
  -- The ZIP in the file store once succeeded (archives/<userId>/<uuid>.zip).
  file_key text,
  size_bytes bigint,
  sha256 text,
  counts jsonb,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The row and its file are removed then (EXPORT_RETENTION_H after the job finished).
  expires_at timestamptz
);

CREATE INDEX archive_jobs_user_created ON archive_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX archive_jobs_expires ON archive_jobs (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE import_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  projects_imported integer NOT NULL DEFAULT 0,
  -- The archived project ids already imported, written in each project's own transaction: a retried job
  -- (its worker died) skips them, so no project is imported twice.
  done_project_ids jsonb NOT NULL DEFAULT '[]',
  error text,
  -- The uploaded ZIP in the file store (imports/<userId>/<uuid>.zip) until the job ends: any worker process
  -- (on any machine) reads it from there.
  upload_key text,
  upload_bytes bigint NOT NULL,
  upload_sha256 text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz
);

CREATE INDEX import_jobs_user_created ON import_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX import_jobs_expires ON import_jobs (expires_at) WHERE expires_at IS NOT NULL;
