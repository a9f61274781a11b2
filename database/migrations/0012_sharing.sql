-- Shared projects (docs/collaboration.md, ADR 0014). Ownership stays on the project row (projects.user_id);
-- the other people a project is shared with are rows of project_members, as editor or viewer. A project's
-- stories, images and drawings keep the OWNER's id in user_id whoever wrote them: their bytes count
-- against the owner's storage, and the (project_id, user_id) foreign keys keep holding.

-- A transfer changes projects.user_id; its children follow in the same statement. The text-storage
-- triggers of 0010 see those updates (old owner -, new owner +); file bytes are moved by the transfer.
ALTER TABLE stories DROP CONSTRAINT stories_project_fkey,
  ADD CONSTRAINT stories_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE images DROP CONSTRAINT images_project_fkey,
  ADD CONSTRAINT images_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE drawings DROP CONSTRAINT drawings_project_fkey,
  ADD CONSTRAINT drawings_project_fkey FOREIGN KEY (project_id, user_id)
    REFERENCES projects (id, user_id) ON DELETE CASCADE ON UPDATE CASCADE;

-- Everyone but the owner. The owner never has a row here (a transfer swaps the two in one transaction).
CREATE TABLE project_members (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('editor', 'viewer')),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);
-- The projects shared with a user (lists, the access check from the member's side).
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id);

-- Invitations by email. Only the SHA-256 of the mailed token is kept. `expired` is not stored: a pending
-- invitation past expires_at answers as expired.
CREATE TABLE project_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  role text NOT NULL CHECK (role IN ('editor', 'viewer')),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  responded_at timestamptz,
  CHECK (expires_at > created_at)
);
-- At most one pending invitation per project and address: re-inviting replaces it.
CREATE UNIQUE INDEX project_invitations_pending_key ON project_invitations (project_id, lower(email))
  WHERE status = 'pending';
-- The caller's pending invitations (GET /api/invitations).
CREATE INDEX project_invitations_email_idx ON project_invitations (lower(email)) WHERE status = 'pending';

-- Who made each version. Existing versions were all made by their project's owner.
ALTER TABLE project_versions ADD COLUMN changed_by uuid REFERENCES users (id) ON DELETE SET NULL;
UPDATE project_versions v SET changed_by = p.user_id FROM projects p WHERE p.id = v.project_id;
