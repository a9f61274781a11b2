-- The template marketplace: templates (project skeletons, public or private) and their ratings.
-- Limits the contract leaves open are chosen here and in the Joi schemas (see docs/templates.md); the
-- index choices were checked with EXPLAIN on a seeded database, the plans are in docs/templates.md.

CREATE TABLE templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR char_length(description) <= 5000),
  category text CHECK (category IS NULL OR char_length(category) BETWEEN 1 AND 50),
  -- project_tags_valid (0004): each tag 1..40 characters.
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20 AND project_tags_valid(tags)),
  is_public boolean NOT NULL DEFAULT false,
  is_premium boolean NOT NULL DEFAULT false,
  -- { settings, stories: [{ title, content, imagePrompts }] }; its byte and story limits are the API's.
  content jsonb NOT NULL DEFAULT '{"settings": {}, "stories": []}'::jsonb
    CHECK (jsonb_typeof(content) = 'object'),
  -- Rating aggregates, kept by the template_ratings triggers below in the same transaction as every
  -- rating change (including ratings that go by cascade when their author deletes the account).
  rating_sum integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
  rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  rating_average numeric GENERATED ALWAYS AS
    (CASE WHEN rating_count > 0 THEN rating_sum::numeric / rating_count END) STORED,
  use_count integer NOT NULL DEFAULT 0 CHECK (use_count >= 0),
  -- `q` searches the words of title and description ('simple': no stemming, any language; lower-cased).
  search tsvector GENERATED ALWAYS AS
    (to_tsvector('simple', title || ' ' || coalesce(description, ''))) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The public listing, one index per sort; ties go newest first, then by id, so pages never overlap.
-- Partial: private templates are only ever listed to their owner, through templates_owner_idx.
CREATE INDEX templates_public_created_idx ON templates (created_at DESC, id DESC) WHERE is_public;
CREATE INDEX templates_public_use_idx ON templates (use_count DESC, created_at DESC, id DESC) WHERE is_public;
-- No ratings (NULL) sort last; equal averages: more ratings first.
CREATE INDEX templates_public_rating_idx
  ON templates (rating_average DESC NULLS LAST, rating_count DESC, created_at DESC, id DESC) WHERE is_public;
-- category filter on the public listing (default order).
CREATE INDEX templates_public_category_idx ON templates (category, created_at DESC, id DESC) WHERE is_public;
-- tag filter (tags @> ARRAY[$tag]).
CREATE INDEX templates_tags_idx ON templates USING gin (tags);
-- q (search @@ 'word1:* & word2:*'): the catalogue is public, so search must not scan it.
CREATE INDEX templates_search_idx ON templates USING gin (search);
-- The caller's own (private) templates in the listing; also the cascade when an owner is deleted.
CREATE INDEX templates_owner_idx ON templates (owner_id, created_at DESC, id DESC);

CREATE TABLE template_ratings (
  template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  review text CHECK (review IS NULL OR char_length(review) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- One rating per user per template; also the upsert's conflict target and the template cascade.
  PRIMARY KEY (template_id, user_id)
);

-- A template's ratings, newest change first (the ratings list).
CREATE INDEX template_ratings_list_idx ON template_ratings (template_id, updated_at DESC, user_id DESC);
-- The cascade when a rater deletes their account.
CREATE INDEX template_ratings_user_idx ON template_ratings (user_id);

-- Aggregates move by deltas: `rating_sum = rating_sum + d` re-reads the newest row version after waiting
-- for a concurrent writer's lock, so concurrent raters never lose an update (a recount from a subquery
-- could: its snapshot is older than the lock wait). When the template itself is being deleted the UPDATE
-- finds no row and does nothing.
CREATE FUNCTION template_ratings_aggregate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE templates SET rating_sum = rating_sum + NEW.rating, rating_count = rating_count + 1
     WHERE id = NEW.template_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE templates SET rating_sum = rating_sum - OLD.rating, rating_count = rating_count - 1
     WHERE id = OLD.template_id;
  ELSIF NEW.template_id = OLD.template_id THEN
    UPDATE templates SET rating_sum = rating_sum + NEW.rating - OLD.rating WHERE id = NEW.template_id;
  ELSE
    UPDATE templates SET rating_sum = rating_sum - OLD.rating, rating_count = rating_count - 1
     WHERE id = OLD.template_id;
    UPDATE templates SET rating_sum = rating_sum + NEW.rating, rating_count = rating_count + 1
     WHERE id = NEW.template_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER template_ratings_aggregate
  AFTER INSERT OR DELETE OR UPDATE OF template_id, rating ON template_ratings
  FOR EACH ROW EXECUTE FUNCTION template_ratings_aggregate();
