-- Templates are versioned like projects, stories and drawings: `version` starts at 1 and goes up by one
-- with every change of the template's own fields (PUT), answered as the `ETag` and checked against
-- `If-Match`. The counters other users move (useCount, the rating aggregates) are not the template's own
-- fields and leave the version alone, as a child added to a project leaves the project's version alone.
ALTER TABLE templates ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
