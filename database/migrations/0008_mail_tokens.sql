-- One-use tokens mailed for a password reset or an email verification. Only the SHA-256 of a token is
-- kept. A user has at most one live token per purpose: a newer request replaces the older one in place,
-- so the older link stops working at once.
CREATE TABLE mail_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  -- The address the link was mailed to: the token only works while that is still the user's address.
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  CHECK (expires_at > created_at)
);

-- At most one live token per user and purpose; issuing a token upserts on this index.
CREATE UNIQUE INDEX mail_tokens_live_key ON mail_tokens (user_id, purpose) WHERE used_at IS NULL;
-- The hourly clean-up deletes tokens a day after they expired (used ones included).
CREATE INDEX mail_tokens_expires_idx ON mail_tokens (expires_at);

-- A changed address is no longer verified, whichever code changes it. An UPDATE that also changes
-- email_verified in the same statement keeps the value it sets.
CREATE FUNCTION users_unverify_changed_email() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF lower(NEW.email) <> lower(OLD.email) AND NEW.email_verified = OLD.email_verified THEN
    NEW.email_verified := false;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER users_unverify_changed_email
  BEFORE UPDATE OF email ON users
  FOR EACH ROW EXECUTE FUNCTION users_unverify_changed_email();
