-- Projects (a user's coloring books), their version history, and their stories.
-- Limits the contract leaves open are chosen here and in the Joi schemas (see docs/projects.md).
-- Index choices were checked with EXPLAIN on a seeded database; the plans are in docs/projects.md.

-- Tags are 1..40 characters each. A CHECK cannot hold a subquery; an immutable function can.
CREATE FUNCTION project_tags_valid(tags text[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(bool_and(t IS NOT NULL AND char_length(t) BETWEEN 1 AND 40), true) FROM unnest(tags) AS t $$;

CREATE FUNCTION story_prompts_valid(prompts text[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(bool_and(p IS NOT NULL AND char_length(p) BETWEEN 1 AND 2000), true) FROM unnest(prompts) AS p $$;

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR char_length(description) <= 5000),
  category text CHECK (category IS NULL OR char_length(category) BETWEEN 1 AND 50),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_progress', 'completed', 'archived')),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20 AND project_tags_valid(tags)),
  -- Free JSON for the SPA. Its 64 KB limit counts JSON.stringify bytes and is checked by the API: jsonb's
  -- text form adds spaces, so a byte CHECK here would refuse values the API accepts.
  settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  -- No foreign key yet: images arrive in 0005, which adds the FK (ON DELETE SET NULL).
  cover_image_id uuid,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Children reference (id, user_id): a child can only ever sit in a project of its own user.
  CONSTRAINT projects_id_user_key UNIQUE (id, user_id)
);

-- The list always filters by user_id and orders by one of three columns (either direction, id breaks
-- ties). A backward scan serves the descending orders.
CREATE INDEX projects_user_updated_idx ON projects (user_id, updated_at, id);
CREATE INDEX projects_user_created_idx ON projects (user_id, created_at, id);
CREATE INDEX projects_user_title_idx ON projects (user_id, lower(title), id);
-- status and category filters under the default order (-updatedAt).
CREATE INDEX projects_user_status_idx ON projects (user_id, status, updated_at, id);
CREATE INDEX projects_user_category_idx ON projects (user_id, category, updated_at, id);
-- tag filter (tags @> ARRAY[$tag]): ANDed with a user_id index (BitmapAnd) for a typical account; for a
-- very large one the planner filters the user's ordered scan instead.
CREATE INDEX projects_tags_idx ON projects USING gin (tags);

-- One row per version of a project: the writable fields as they were then, and which ones changed.
CREATE TABLE project_versions (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  changed_fields text[] NOT NULL,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Also serves the versions list (newest first: a backward scan) and the cascade on project delete.
  PRIMARY KEY (project_id, version)
);

CREATE TABLE stories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  content text NOT NULL DEFAULT '' CHECK (char_length(content) <= 100000),
  image_prompts text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(image_prompts) <= 50 AND story_prompts_valid(image_prompts)),
  word_count integer NOT NULL DEFAULT 0 CHECK (word_count >= 0),
  position integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 1000000),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stories_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE
);

-- A project's stories in order (list with projectId, include=stories, counts, duplicate, cascade).
CREATE INDEX stories_project_order_idx ON stories (project_id, position, created_at, id);
-- All of a user's stories in order (list without projectId).
CREATE INDEX stories_user_order_idx ON stories (user_id, position, created_at, id);
