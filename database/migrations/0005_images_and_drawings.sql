-- Images (uploaded page, cover and reference pictures) and drawings (the user's colorings: vector strokes
-- and an optional rendered PNG). The bytes live in the file store; rows hold their keys (src/storage).
-- Limits the contract leaves open are chosen here and in the Joi schemas (see docs/images.md).
--
-- This file is numbered before 0006..0009 but applies after them on databases that already had those: it
-- only references users, projects and stories (0001, 0004).
--
-- Consistency the database enforces, whatever the code does:
-- * a child sits in a project of its own user: FOREIGN KEY (project_id, user_id) → projects (id, user_id);
-- * an image's story is a story of the image's project, a drawing's image an image of the drawing's
--   project, a project's cover one of its own images: composite foreign keys on (id, project_id);
-- * a deleted story, image or cover image leaves the referring rows in place with the reference cleared
--   (ON DELETE SET NULL of that one column);
-- * a story or image that moves to another project takes no children along: the triggers below clear the
--   references to it first (an image's storyId; a drawing's imageId; the old project's cover).

-- Stories referenced together with their project (images_story_fkey below).
ALTER TABLE stories ADD CONSTRAINT stories_id_project_key UNIQUE (id, project_id);

CREATE TABLE images (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  story_id uuid,
  kind text NOT NULL DEFAULT 'page' CHECK (kind IN ('page', 'cover', 'reference')),
  title text CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 200),
  original_filename text CHECK (original_filename IS NULL OR char_length(original_filename) BETWEEN 1 AND 255),
  prompt text CHECK (prompt IS NULL OR char_length(prompt) BETWEEN 1 AND 4000),
  provider text CHECK (provider IS NULL OR char_length(provider) BETWEEN 1 AND 64),
  model text CHECK (model IS NULL OR char_length(model) BETWEEN 1 AND 128),
  -- Decided from the bytes by the upload pipeline, never from the client.
  mime_type text NOT NULL CHECK (mime_type IN ('image/png', 'image/jpeg', 'image/webp')),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  position integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 1000000),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  -- File-store keys (src/storage/file-references.ts lists them for the garbage collector). Unique: a file
  -- belongs to one row, so deleting a row may always delete its files.
  storage_key text NOT NULL UNIQUE,
  thumbnail_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT images_id_project_key UNIQUE (id, project_id),
  CONSTRAINT images_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE,
  CONSTRAINT images_story_fkey FOREIGN KEY (story_id, project_id)
    REFERENCES stories (id, project_id) ON DELETE SET NULL (story_id)
);

-- Lists: by project (also counts, include=images, duplicate, the cascade), by story, or all of a user's,
-- each in list order (position, created_at, id).
CREATE INDEX images_project_order_idx ON images (project_id, position, created_at, id);
CREATE INDEX images_story_order_idx ON images (story_id, position, created_at, id) WHERE story_id IS NOT NULL;
CREATE INDEX images_user_order_idx ON images (user_id, position, created_at, id);

CREATE TABLE drawings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  image_id uuid,
  title text CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 200),
  -- The canvas's vector JSON. Its 5 MB limit counts JSON.stringify bytes and is checked by the API (jsonb's
  -- text form differs).
  data jsonb NOT NULL CHECK (jsonb_typeof(data) IN ('object', 'array')),
  width integer NOT NULL CHECK (width BETWEEN 1 AND 16384),
  height integer NOT NULL CHECK (height BETWEEN 1 AND 16384),
  -- The rendered PNG, when one was sent: all three or none.
  png_key text UNIQUE,
  mime_type text CHECK (mime_type = 'image/png'),
  size_bytes bigint CHECK (size_bytes >= 0),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT drawings_png_complete CHECK (
    (png_key IS NULL AND mime_type IS NULL AND size_bytes IS NULL)
    OR (png_key IS NOT NULL AND mime_type IS NOT NULL AND size_bytes IS NOT NULL)
  ),
  CONSTRAINT drawings_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE,
  CONSTRAINT drawings_image_fkey FOREIGN KEY (image_id, project_id)
    REFERENCES images (id, project_id) ON DELETE SET NULL (image_id)
);

-- Drawings have no position: lists are in creation order (created_at, id).
CREATE INDEX drawings_project_order_idx ON drawings (project_id, created_at, id);
CREATE INDEX drawings_image_order_idx ON drawings (image_id, created_at, id) WHERE image_id IS NOT NULL;
CREATE INDEX drawings_user_order_idx ON drawings (user_id, created_at, id);

-- 0004 left cover_image_id without a foreign key until images existed. Only null was accepted so far.
-- Checked at commit: projects.service writes the field first and then judges it (a cover that is none of
-- the project's images is its 400, not this key's error); the key stays the guarantee behind that check.
ALTER TABLE projects ADD CONSTRAINT projects_cover_image_fkey FOREIGN KEY (cover_image_id, id)
  REFERENCES images (id, project_id) ON DELETE SET NULL (cover_image_id) DEFERRABLE INITIALLY DEFERRED;

-- A story moving to another project leaves its images in theirs, no longer attached to it.
CREATE FUNCTION stories_detach_images() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE images SET story_id = NULL, updated_at = now() WHERE story_id = OLD.id;
  RETURN NEW;
END $$;

CREATE TRIGGER stories_detach_images_on_move BEFORE UPDATE OF project_id ON stories
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id)
  EXECUTE FUNCTION stories_detach_images();

-- An image moving to another project leaves its drawings in theirs (no longer attached to it) and stops
-- being the old project's cover.
CREATE FUNCTION images_detach_on_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE drawings SET image_id = NULL, updated_at = now() WHERE image_id = OLD.id;
  UPDATE projects SET cover_image_id = NULL WHERE id = OLD.project_id AND cover_image_id = OLD.id;
  RETURN NEW;
END $$;

CREATE TRIGGER images_detach_on_move BEFORE UPDATE OF project_id ON images
  FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id)
  EXECUTE FUNCTION images_detach_on_move();
