#include "daemon/migrations.h"

#include <fmt/format.h>

#include <array>

#include "daemon/sqlite_statement.h"

namespace odziv::daemon {

namespace {

// Times are Unix milliseconds (INTEGER); booleans are 0/1; JSON is stored as TEXT.
//
// The tables from `cases` on belong to later stages (triage, drafting, alerts, delivery, users, audit):
// their columns here are a sensible start, and later issues extend them through further migrations.
//
// Deleting a brand cascades to everything that hangs off it (RemoveBrand refuses that unless asked to).
// Audit events outlive what they mention: their references become NULL.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE config_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- Increased by the triggers below whenever a brand or a source's configuration changes, so that the
  -- daemon notices edits made by other processes (the CLI) by reading one row.
  generation INTEGER NOT NULL
);
INSERT INTO config_state (id, generation) VALUES (1, 1);

CREATE TABLE brands (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  settings TEXT NOT NULL DEFAULT '{}',  -- JSON object owned by later stages
  created_at INTEGER NOT NULL
);

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  -- Configuration.
  name TEXT NOT NULL UNIQUE,
  platform TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',  -- JSON object of strings; credential references, never secrets
  poll_interval_s INTEGER,              -- NULL: the platform's default
  paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  -- Poll state, written only by the daemon.
  cursor TEXT NOT NULL DEFAULT '',
  health TEXT NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'degraded', 'needs_human')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  last_poll_at INTEGER,
  next_poll_at INTEGER
);
CREATE INDEX sources_by_brand ON sources (brand_id);

-- A post is stored once per brand: unique on (brand_id, platform, external_id), not on (platform,
-- external_id) alone, because an agency may serve two brands mentioned in the same post and each brand
-- keeps its own copy (its own assessment, case and reply).
--
-- source_id is the source that first fetched the post. Posts belong to the brand, not the source: removing
-- a source sets it to NULL and keeps the posts.
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL,
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('mention', 'comment', 'review', 'message')),
  thread_id TEXT NOT NULL DEFAULT '',
  parent_id TEXT NOT NULL DEFAULT '',
  author_id TEXT NOT NULL DEFAULT '',
  author_handle TEXT NOT NULL DEFAULT '',
  author_name TEXT NOT NULL DEFAULT '',
  author_reach INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  url TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted_at INTEGER,                   -- marked, never removed
  likes INTEGER NOT NULL DEFAULT 0,
  replies INTEGER NOT NULL DEFAULT 0,
  shares INTEGER NOT NULL DEFAULT 0,
  views INTEGER NOT NULL DEFAULT 0,
  from_brand INTEGER NOT NULL DEFAULT 0,
  fetched_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,  -- 1 + the number of text edits seen
  UNIQUE (brand_id, platform, external_id)
);
CREATE INDEX posts_by_brand ON posts (brand_id, id);
CREATE INDEX posts_by_brand_created ON posts (brand_id, created_at);
CREATE INDEX posts_by_source ON posts (source_id, id);
CREATE INDEX posts_by_created ON posts (created_at);

-- The earlier versions of edited posts.
CREATE TABLE post_revisions (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  text TEXT NOT NULL,
  edited_at INTEGER,                    -- the platform's edit time of this version, when known
  replaced_at INTEGER NOT NULL,         -- when odziv stored the next version
  UNIQUE (post_id, revision)
);

CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  post_revision INTEGER NOT NULL DEFAULT 1,  -- the version of the text that was judged
  sentiment REAL NOT NULL,
  label TEXT NOT NULL CHECK (label IN ('neg', 'neu', 'pos')),
  confidence REAL NOT NULL,
  language TEXT NOT NULL,
  script TEXT NOT NULL,
  topics TEXT NOT NULL DEFAULT '[]',    -- JSON array of strings
  intents TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
  urgency INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  reasons TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings, most important first
  model_version TEXT NOT NULL,
  assessed_at INTEGER NOT NULL
);
CREATE INDEX assessments_by_post ON assessments (post_id, id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Which brands a user may see, and in which role: nothing of a brand leaks to people without a row here.
CREATE TABLE user_brands (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  role TEXT NOT NULL,                   -- viewer, agent, lead, admin
  PRIMARY KEY (user_id, brand_id)
);
CREATE INDEX user_brands_by_brand ON user_brands (brand_id);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'open',  -- open, waiting (reply sent, not yet seen), closed
  priority INTEGER NOT NULL DEFAULT 4,
  opened_at INTEGER NOT NULL,
  sla_due_at INTEGER,
  escalated_at INTEGER,
  assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  closed_at INTEGER,
  closed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  close_reason TEXT NOT NULL DEFAULT '',  -- a case never closes silently
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_by_brand_status ON cases (brand_id, status, sla_due_at);

CREATE TABLE case_posts (
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (case_id, post_id)
);
CREATE INDEX case_posts_by_post ON case_posts (post_id);

CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,  -- the post the reply answers
  text TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  template TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending',  -- pending, approved, rejected, superseded
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  reject_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX drafts_by_case ON drafts (case_id);
CREATE INDEX drafts_by_post ON drafts (post_id);
CREATE INDEX drafts_by_status ON drafts (status, created_at);

-- The outbox of approved replies: a row is written in the same transaction as the approval, and the
-- idempotency key makes sure that a reply is posted once even when sending is retried after a crash.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
  source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL,  -- the account that posts the reply
  idempotency_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  reply_external_id TEXT NOT NULL DEFAULT '',  -- the platform's id of the posted reply
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX deliveries_by_draft ON deliveries (draft_id);
CREATE INDEX deliveries_by_source ON deliveries (source_id);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

-- The outbox of alerts: the dedup key makes sure that people are told once.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  case_id INTEGER REFERENCES cases (id) ON DELETE SET NULL,
  route TEXT NOT NULL,                  -- the route's name in the brand's settings
  kind TEXT NOT NULL,                   -- urgent_post, sla_breach, spike, digest
  dedup_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL DEFAULT '{}',   -- JSON
  status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed, suppressed (throttled into a digest)
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX alerts_by_brand ON alerts (brand_id, created_at);
CREATE INDEX alerts_by_case ON alerts (case_id);
CREATE INDEX alerts_due ON alerts (status, next_attempt_at);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor TEXT NOT NULL,                  -- the user's login, "cli" or "daemon"; kept when the user goes
  brand_id INTEGER REFERENCES brands (id) ON DELETE SET NULL,
  action TEXT NOT NULL,                 -- "draft.approve", "case.close", "source.pause" …
  subject TEXT NOT NULL DEFAULT '',     -- what it acted on: "draft:12"
  details TEXT NOT NULL DEFAULT '{}'    -- JSON
);
CREATE INDEX audit_events_by_brand ON audit_events (brand_id, at);
CREATE INDEX audit_events_by_user ON audit_events (user_id);

-- Configuration changes bump the generation; poll state (cursor, health, failures, times) does not.
-- UPDATE OF fires on every listed column that is SET, so WHEN also checks that a value really changed.
CREATE TRIGGER brands_inserted AFTER INSERT ON brands
BEGIN UPDATE config_state SET generation = generation + 1; END;
CREATE TRIGGER brands_deleted AFTER DELETE ON brands
BEGIN UPDATE config_state SET generation = generation + 1; END;
CREATE TRIGGER brands_changed AFTER UPDATE OF slug, name, timezone, settings ON brands
WHEN OLD.slug IS NOT NEW.slug OR OLD.name IS NOT NEW.name OR OLD.timezone IS NOT NEW.timezone
  OR OLD.settings IS NOT NEW.settings
BEGIN UPDATE config_state SET generation = generation + 1; END;
CREATE TRIGGER sources_inserted AFTER INSERT ON sources
BEGIN UPDATE config_state SET generation = generation + 1; END;
CREATE TRIGGER sources_deleted AFTER DELETE ON sources
BEGIN UPDATE config_state SET generation = generation + 1; END;
CREATE TRIGGER sources_changed AFTER UPDATE OF brand_id, name, platform, settings, poll_interval_s, paused
ON sources
WHEN OLD.brand_id IS NOT NEW.brand_id OR OLD.name IS NOT NEW.name OR OLD.platform IS NOT NEW.platform
  OR OLD.settings IS NOT NEW.settings OR OLD.poll_interval_s IS NOT NEW.poll_interval_s
  OR OLD.paused IS NOT NEW.paused
BEGIN UPDATE config_state SET generation = generation + 1; END;
)sql";

// Cases as the triage stage uses them (docs/cases.md): who and where the case is about, the SLA clock, the
// escalation reached, the reply sent and seen, why and by whom it was closed, and a version for
// compare-and-set updates. `status` holds open, awaiting_approval, replied, confirmed or closed.
// Users gain the languages and platforms that assignment matches on.
constexpr std::string_view kSchema2 = R"sql(
ALTER TABLE cases ADD COLUMN platform TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN author_id TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN author_handle TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN first_post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN sla_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN sla_started_at INTEGER;
ALTER TABLE cases ADD COLUMN sla_budget_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paused_at INTEGER;
ALTER TABLE cases ADD COLUMN escalation_percent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reply_external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN replied_at INTEGER;
ALTER TABLE cases ADD COLUMN reply_post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN confirmed_at INTEGER;
ALTER TABLE cases ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN closed_by_actor TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN last_post_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX cases_by_author ON cases (platform, author_id);
CREATE INDEX cases_by_handle ON cases (author_handle);
CREATE INDEX cases_by_thread ON cases (brand_id, platform, thread_id);
CREATE INDEX cases_by_assignee ON cases (assignee_id, status);
CREATE INDEX cases_by_status_due ON cases (status, sla_due_at);

ALTER TABLE users ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';  -- JSON array; empty: any
ALTER TABLE users ADD COLUMN platforms TEXT NOT NULL DEFAULT '[]';  -- JSON array; empty: every platform

CREATE INDEX audit_events_by_subject ON audit_events (subject, id);
CREATE INDEX posts_by_thread ON posts (brand_id, platform, thread_id);
)sql";

// Drafts as the approval queue uses them (docs/replies.md): script, notes, how many approvals they need and
// who gave them (of the current text), who wrote or last edited them, the platform's reason when it refused
// the reply, and a version for compare-and-set updates. Deliveries keep the approved text, the reply's URL
// and when the last attempt started (a `sending` row is an attempt that may have reached the platform).
constexpr std::string_view kSchema3 = R"sql(
ALTER TABLE drafts ADD COLUMN script TEXT NOT NULL DEFAULT 'latin';
ALTER TABLE drafts ADD COLUMN move_to_private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drafts ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';       -- JSON array of strings
ALTER TABLE drafts ADD COLUMN approvals_required INTEGER NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN approvals TEXT NOT NULL DEFAULT '[]';   -- JSON array of {user_id, actor, at}
ALTER TABLE drafts ADD COLUMN written_by TEXT NOT NULL DEFAULT 'daemon';
ALTER TABLE drafts ADD COLUMN edited_at INTEGER;
ALTER TABLE drafts ADD COLUMN decided_by_actor TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN platform_refusal TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX drafts_by_case_status ON drafts (case_id, status);

ALTER TABLE deliveries ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN reply_url TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN claimed_at INTEGER;
)sql";

// Signing in (docs/api.md): instance admins, when a password last changed, browser sessions and API tokens.
// users.password_hash exists since schema 1 (NOT NULL DEFAULT ''): '' means no password, so the user cannot
// sign in with one. Sessions and tokens are stored as the SHA-256 of their text (hex), never the text.
// Users are never deleted once they have acted (audit events name them), so these rows are revoked, not
// removed; ON DELETE CASCADE covers only a user removed before acting.
constexpr std::string_view kSchema4 = R"sql(
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  remote_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,                 -- first 8 characters after "odz_", shown in lists
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);
)sql";

// The approval queue's order, kept by triggers in the same transaction as every change to a draft's status
// or its case's priority and deadline: one row per pending draft with its sort key, so that a page of the
// queue is read in index order (Store::ListQueue) instead of sorting every pending draft on each request.
// due_at is the case's sla_due_at, or the largest integer when it has none (those come last).
constexpr std::string_view kSchema5 = R"sql(
CREATE TABLE queue_order (
  draft_id INTEGER PRIMARY KEY REFERENCES drafts (id) ON DELETE CASCADE,
  case_id INTEGER NOT NULL,
  brand_id INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  due_at INTEGER NOT NULL
);
CREATE INDEX queue_order_by_urgency ON queue_order (priority, due_at, draft_id);
CREATE INDEX queue_order_by_brand ON queue_order (brand_id, priority, due_at, draft_id);
CREATE INDEX queue_order_by_case ON queue_order (case_id);

INSERT INTO queue_order (draft_id, case_id, brand_id, priority, due_at)
SELECT d.id, c.id, c.brand_id, c.priority, coalesce(c.sla_due_at, 9223372036854775807)
FROM drafts d JOIN cases c ON c.id = d.case_id WHERE d.status = 'pending';

CREATE TRIGGER drafts_queued AFTER INSERT ON drafts WHEN NEW.status = 'pending'
BEGIN
  INSERT OR REPLACE INTO queue_order (draft_id, case_id, brand_id, priority, due_at)
  SELECT NEW.id, c.id, c.brand_id, c.priority, coalesce(c.sla_due_at, 9223372036854775807)
  FROM cases c WHERE c.id = NEW.case_id;
END;
CREATE TRIGGER drafts_requeued AFTER UPDATE OF status ON drafts
WHEN NEW.status = 'pending' AND OLD.status <> 'pending'
BEGIN
  INSERT OR REPLACE INTO queue_order (draft_id, case_id, brand_id, priority, due_at)
  SELECT NEW.id, c.id, c.brand_id, c.priority, coalesce(c.sla_due_at, 9223372036854775807)
  FROM cases c WHERE c.id = NEW.case_id;
END;
CREATE TRIGGER drafts_dequeued AFTER UPDATE OF status ON drafts
WHEN OLD.status = 'pending' AND NEW.status <> 'pending'
BEGIN DELETE FROM queue_order WHERE draft_id = OLD.id; END;
-- Dashboard statistics count a brand's cases by when they opened, got their first response and were due.
CREATE INDEX cases_by_brand_opened ON cases (brand_id, opened_at);
CREATE INDEX cases_by_brand_answered ON cases (brand_id, coalesce(replied_at, confirmed_at));
CREATE INDEX cases_by_brand_due ON cases (brand_id, sla_due_at);
-- Cases waiting for an answer, open and overdue (/metrics, statistics), counted from the index alone.
CREATE INDEX cases_unanswered ON cases (status, brand_id, sla_due_at, paused_at);

CREATE TRIGGER cases_reordered AFTER UPDATE OF priority, sla_due_at ON cases
WHEN OLD.priority IS NOT NEW.priority OR OLD.sla_due_at IS NOT NEW.sla_due_at
BEGIN
  UPDATE queue_order SET priority = NEW.priority, due_at = coalesce(NEW.sla_due_at, 9223372036854775807)
  WHERE case_id = NEW.id;
END;
)sql";

// The SLA watchdog walks every unanswered case on each tick, a page at a time in id order, one status at a
// time: without this index each page sorted every case of the status again (quadratic in the backlog).
constexpr std::string_view kSchema6 = R"sql(
CREATE INDEX cases_by_status ON cases (status, id);
)sql";

// The API's case lists, newest first: a brand's cases, and a brand's cases in one state, read in id order
// from the newest instead of sorting every case of the brand (seconds at a million cases).
constexpr std::string_view kSchema7 = R"sql(
CREATE INDEX cases_by_brand ON cases (brand_id, id);
CREATE INDEX cases_by_brand_state ON cases (brand_id, status, id);
)sql";

// What triage made of each judged post, written by SaveAssessment in the same transaction as the assessment,
// so that `odziv audit unanswered` reads the posts that needed an answer and got no case from a small index
// instead of judging every post of its period again. in_case is kept by the triggers on case_posts (and set
// when the row is written); the partial index holds only the posts that needed an answer and are in no case:
// the audit's findings, normally none. brand_id and created_at are the post's, copied for the index.
//
// triage_record_start: posts up to this id may have been judged before triage was recorded (a database older
// than this migration); the audit decides on those by judging them again under the brand's current rules.
constexpr std::string_view kSchema8 = R"sql(
CREATE TABLE post_triage (
  post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  brand_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  needs_answer INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  in_case INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX post_triage_unanswered ON post_triage (created_at, brand_id) WHERE needs_answer = 1 AND in_case = 0;

CREATE TRIGGER case_posts_triaged AFTER INSERT ON case_posts
BEGIN UPDATE post_triage SET in_case = 1 WHERE post_id = NEW.post_id AND in_case = 0; END;
CREATE TRIGGER case_posts_untriaged AFTER DELETE ON case_posts
BEGIN
  UPDATE post_triage SET in_case = EXISTS (SELECT 1 FROM case_posts WHERE post_id = OLD.post_id)
  WHERE post_id = OLD.post_id;
END;

CREATE TABLE triage_record_start (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_unrecorded_post_id INTEGER NOT NULL
);
INSERT INTO triage_record_start (id, last_unrecorded_post_id) SELECT 1, coalesce(max(post_id), 0) FROM assessments;

-- A post's latest case from the index alone: the audit asks it of every post of every unanswered case.
DROP INDEX case_posts_by_post;
CREATE INDEX case_posts_by_post ON case_posts (post_id, case_id);
)sql";

// The totals /metrics reports (Store::CountOperations), kept by triggers in the same transaction as every
// change, instead of counting every delivery, alert and case ever on each scrape while holding the store's
// connection (2 s at 10 million posts). Deliveries and alerts are counted per status (rows may reach 0).
//
// Whether a case missed its SLA is settled once it has its first response (after the deadline: missed) or was
// closed without one (after the deadline, not paused: missed); sla_missed_settled says so, and "sla_missed"
// counts those. CountOperations adds the cases still waiting for a first response whose deadline has passed,
// from the partial index that holds only the cases waiting for one.
constexpr std::string_view kSchema9 = R"sql(
ALTER TABLE cases ADD COLUMN sla_missed_settled INTEGER GENERATED ALWAYS AS (coalesce(sla_due_at IS NOT NULL AND (
  coalesce(replied_at, confirmed_at) > sla_due_at OR
  (replied_at IS NULL AND confirmed_at IS NULL AND paused_at IS NULL AND closed_at > sla_due_at)), 0)) VIRTUAL;
CREATE INDEX cases_awaiting_response ON cases (sla_due_at)
WHERE replied_at IS NULL AND confirmed_at IS NULL AND closed_at IS NULL AND paused_at IS NULL;

CREATE TABLE operation_counts (
  name TEXT NOT NULL,    -- deliveries, alerts, sla_missed
  status TEXT NOT NULL,  -- the row's status; '' for sla_missed
  count INTEGER NOT NULL,
  PRIMARY KEY (name, status)
) WITHOUT ROWID;
INSERT INTO operation_counts (name, status, count)
SELECT 'deliveries', status, count(*) FROM deliveries GROUP BY status;
INSERT INTO operation_counts (name, status, count) SELECT 'alerts', status, count(*) FROM alerts GROUP BY status;
INSERT INTO operation_counts (name, status, count)
SELECT 'sla_missed', '', count(*) FROM cases WHERE sla_missed_settled;

CREATE TRIGGER deliveries_counted AFTER INSERT ON deliveries
BEGIN
  INSERT OR IGNORE INTO operation_counts (name, status, count) VALUES ('deliveries', NEW.status, 0);
  UPDATE operation_counts SET count = count + 1 WHERE name = 'deliveries' AND status = NEW.status;
END;
CREATE TRIGGER deliveries_recounted AFTER UPDATE OF status ON deliveries WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE operation_counts SET count = count - 1 WHERE name = 'deliveries' AND status = OLD.status;
  INSERT OR IGNORE INTO operation_counts (name, status, count) VALUES ('deliveries', NEW.status, 0);
  UPDATE operation_counts SET count = count + 1 WHERE name = 'deliveries' AND status = NEW.status;
END;
CREATE TRIGGER deliveries_uncounted AFTER DELETE ON deliveries
BEGIN UPDATE operation_counts SET count = count - 1 WHERE name = 'deliveries' AND status = OLD.status; END;
CREATE TRIGGER alerts_counted AFTER INSERT ON alerts
BEGIN
  INSERT OR IGNORE INTO operation_counts (name, status, count) VALUES ('alerts', NEW.status, 0);
  UPDATE operation_counts SET count = count + 1 WHERE name = 'alerts' AND status = NEW.status;
END;
CREATE TRIGGER alerts_recounted AFTER UPDATE OF status ON alerts WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE operation_counts SET count = count - 1 WHERE name = 'alerts' AND status = OLD.status;
  INSERT OR IGNORE INTO operation_counts (name, status, count) VALUES ('alerts', NEW.status, 0);
  UPDATE operation_counts SET count = count + 1 WHERE name = 'alerts' AND status = NEW.status;
END;
CREATE TRIGGER alerts_uncounted AFTER DELETE ON alerts
BEGIN UPDATE operation_counts SET count = count - 1 WHERE name = 'alerts' AND status = OLD.status; END;
CREATE TRIGGER cases_sla_counted AFTER INSERT ON cases WHEN NEW.sla_missed_settled
BEGIN UPDATE operation_counts SET count = count + 1 WHERE name = 'sla_missed'; END;
CREATE TRIGGER cases_sla_recounted AFTER UPDATE OF sla_due_at, replied_at, confirmed_at, paused_at, closed_at ON cases
WHEN OLD.sla_missed_settled IS NOT NEW.sla_missed_settled
BEGIN
  UPDATE operation_counts SET count = count + NEW.sla_missed_settled - OLD.sla_missed_settled WHERE name = 'sla_missed';
END;
CREATE TRIGGER cases_sla_uncounted AFTER DELETE ON cases WHEN OLD.sla_missed_settled
BEGIN UPDATE operation_counts SET count = count - 1 WHERE name = 'sla_missed'; END;
)sql";

// A thread's posts by their parent too, so that reading a thread (when a case opens, when it is drafted) looks
// up three indexes instead of walking every post of the brand.
constexpr std::string_view kSchema10 = R"sql(
CREATE INDEX posts_by_parent ON posts (brand_id, platform, parent_id);
)sql";

// The API's case lists most urgent first (priority, deadline, none last, id): each brand's cases of each state
// read in that order instead of sorting every case of the brands (seconds at a million cases).
constexpr std::string_view kSchema11 = R"sql(
CREATE INDEX cases_by_brand_state_urgency ON cases (brand_id, status, priority,
                                                    coalesce(sla_due_at, 9223372036854775807), id);
)sql";

// The dashboard's post counts, kept by triggers per brand and 15-minute slot of creation time (every hour and
// day boundary of every time zone is a slot boundary): posts by the label of their newest assessment ('' not
// yet judged), and by topic, counting what the dashboard counts (not the brand's own, not deleted). A 30-day
// dashboard of a big brand sums a few thousand rows instead of joining 130,000 posts to their judgements.
// Posts are never removed but with their brand, whose counts the foreign key removes with it; so are
// assessments. The case indexes of the answered and missed counts become covering: reading 20,000 cases of
// a month took up to a second on a cold cache.
constexpr std::string_view kSchema12 = R"sql(
DROP INDEX cases_by_brand_answered;
CREATE INDEX cases_by_brand_answered ON cases (brand_id, coalesce(replied_at, confirmed_at), replied_at, confirmed_at,
                                               sla_started_at, opened_at, sla_due_at);
DROP INDEX cases_by_brand_due;
CREATE INDEX cases_by_brand_due ON cases (brand_id, sla_due_at, replied_at, confirmed_at, closed_at, paused_at);
CREATE TABLE post_counts (
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  slot INTEGER NOT NULL,   -- created_at / 900000
  label TEXT NOT NULL,     -- neg, neu, pos, or '' when not judged
  posts INTEGER NOT NULL,
  PRIMARY KEY (brand_id, slot, label)
) WITHOUT ROWID;
CREATE TABLE topic_counts (
  brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  slot INTEGER NOT NULL,
  topic TEXT NOT NULL,
  posts INTEGER NOT NULL,
  PRIMARY KEY (brand_id, slot, topic)
) WITHOUT ROWID;
INSERT INTO post_counts (brand_id, slot, label, posts)
SELECT p.brand_id, p.created_at / 900000, coalesce(a.label, ''), count(*) FROM posts p
LEFT JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE post_id = p.id)
WHERE p.from_brand = 0 AND p.deleted_at IS NULL GROUP BY 1, 2, 3;
INSERT INTO topic_counts (brand_id, slot, topic, posts)
SELECT p.brand_id, p.created_at / 900000, t.value, count(*) FROM posts p
JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE post_id = p.id) JOIN json_each(a.topics) t
WHERE p.from_brand = 0 AND p.deleted_at IS NULL GROUP BY 1, 2, 3;

-- A new post has no assessment yet.
CREATE TRIGGER post_counts_added AFTER INSERT ON posts WHEN NEW.from_brand = 0 AND NEW.deleted_at IS NULL
BEGIN
  INSERT INTO post_counts (brand_id, slot, label, posts) VALUES (NEW.brand_id, NEW.created_at / 900000, '', 1)
  ON CONFLICT (brand_id, slot, label) DO UPDATE SET posts = posts + 1;
END;

-- A post that stops or starts counting (deleted, restored), or moves: out of its old place, into its new one.
CREATE TRIGGER post_counts_moved AFTER UPDATE OF brand_id, created_at, from_brand, deleted_at ON posts
WHEN OLD.brand_id IS NOT NEW.brand_id OR OLD.created_at IS NOT NEW.created_at OR OLD.from_brand IS NOT NEW.from_brand
  OR (OLD.deleted_at IS NULL) IS NOT (NEW.deleted_at IS NULL)
BEGIN
  INSERT INTO post_counts (brand_id, slot, label, posts)
  SELECT OLD.brand_id, OLD.created_at / 900000,
         coalesce((SELECT label FROM assessments WHERE post_id = OLD.id ORDER BY id DESC LIMIT 1), ''), -1
  WHERE OLD.from_brand = 0 AND OLD.deleted_at IS NULL
  ON CONFLICT (brand_id, slot, label) DO UPDATE SET posts = posts - 1;
  INSERT INTO topic_counts (brand_id, slot, topic, posts)
  SELECT OLD.brand_id, OLD.created_at / 900000, t.value, -1
  FROM json_each((SELECT topics FROM assessments WHERE post_id = OLD.id ORDER BY id DESC LIMIT 1)) t
  WHERE OLD.from_brand = 0 AND OLD.deleted_at IS NULL
  ON CONFLICT (brand_id, slot, topic) DO UPDATE SET posts = posts - 1;
  INSERT INTO post_counts (brand_id, slot, label, posts)
  SELECT NEW.brand_id, NEW.created_at / 900000,
         coalesce((SELECT label FROM assessments WHERE post_id = NEW.id ORDER BY id DESC LIMIT 1), ''), 1
  WHERE NEW.from_brand = 0 AND NEW.deleted_at IS NULL
  ON CONFLICT (brand_id, slot, label) DO UPDATE SET posts = posts + 1;
  INSERT INTO topic_counts (brand_id, slot, topic, posts)
  SELECT NEW.brand_id, NEW.created_at / 900000, t.value, 1
  FROM json_each((SELECT topics FROM assessments WHERE post_id = NEW.id ORDER BY id DESC LIMIT 1)) t
  WHERE NEW.from_brand = 0 AND NEW.deleted_at IS NULL
  ON CONFLICT (brand_id, slot, topic) DO UPDATE SET posts = posts + 1;
END;

-- A new newest assessment of a counted post: its label and topics replace the previous one's.
CREATE TRIGGER post_counts_judged AFTER INSERT ON assessments
WHEN NOT EXISTS (SELECT 1 FROM assessments WHERE post_id = NEW.post_id AND id > NEW.id)
  AND EXISTS (SELECT 1 FROM posts WHERE id = NEW.post_id AND from_brand = 0 AND deleted_at IS NULL)
BEGIN
  INSERT INTO post_counts (brand_id, slot, label, posts)
  SELECT p.brand_id, p.created_at / 900000,
         coalesce((SELECT label FROM assessments WHERE post_id = p.id AND id < NEW.id ORDER BY id DESC LIMIT 1), ''), -1
  FROM posts p WHERE p.id = NEW.post_id
  ON CONFLICT (brand_id, slot, label) DO UPDATE SET posts = posts - 1;
  INSERT INTO topic_counts (brand_id, slot, topic, posts)
  SELECT p.brand_id, p.created_at / 900000, t.value, -1 FROM posts p,
         json_each((SELECT topics FROM assessments WHERE post_id = NEW.post_id AND id < NEW.id ORDER BY id DESC LIMIT 1)) t
  WHERE p.id = NEW.post_id
  ON CONFLICT (brand_id, slot, topic) DO UPDATE SET posts = posts - 1;
  INSERT INTO post_counts (brand_id, slot, label, posts)
  SELECT p.brand_id, p.created_at / 900000, NEW.label, 1 FROM posts p WHERE p.id = NEW.post_id
  ON CONFLICT (brand_id, slot, label) DO UPDATE SET posts = posts + 1;
  INSERT INTO topic_counts (brand_id, slot, topic, posts)
  SELECT p.brand_id, p.created_at / 900000, t.value, 1 FROM posts p, json_each(NEW.topics) t WHERE p.id = NEW.post_id
  ON CONFLICT (brand_id, slot, topic) DO UPDATE SET posts = posts + 1;
END;
)sql";

// The posts list filtered by label: each judged post's newest label with its brand, kept by a trigger on
// assessments, indexed so that a brand's posts of one label are read newest first instead of looking up the
// newest judgement of every post of the brand until a page is full.
constexpr std::string_view kSchema13 = R"sql(
CREATE TABLE post_labels (
  post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  brand_id INTEGER NOT NULL,
  label TEXT NOT NULL
);
INSERT INTO post_labels (post_id, brand_id, label)
SELECT p.id, p.brand_id, a.label FROM posts p JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE
post_id = p.id);
CREATE INDEX post_labels_by_brand ON post_labels (brand_id, label, post_id);
CREATE TRIGGER post_labels_judged AFTER INSERT ON assessments
WHEN NOT EXISTS (SELECT 1 FROM assessments WHERE post_id = NEW.post_id AND id > NEW.id)
BEGIN
  INSERT INTO post_labels (post_id, brand_id, label)
  SELECT NEW.post_id, brand_id, NEW.label FROM posts WHERE id = NEW.post_id
  ON CONFLICT (post_id) DO UPDATE SET label = excluded.label;
END;
CREATE TRIGGER post_labels_moved AFTER UPDATE OF brand_id ON posts WHEN OLD.brand_id IS NOT NEW.brand_id
BEGIN
  UPDATE post_labels SET brand_id = NEW.brand_id WHERE post_id = NEW.id;
END;
)sql";

constexpr std::array kMigrations = {
    Migration{1, "brands, sources, posts, revisions, assessments, cases, drafts, deliveries, alerts, users, "
                 "audit events, config generation",
              kSchema1},
    Migration{2, "cases: thread, author, SLA clock, escalation, reply, close reason, version; user languages and "
                 "platforms",
              kSchema2},
    Migration{3, "drafts: approvals, notes, edits, platform refusals, version; deliveries: text, reply URL, claims",
              kSchema3},
    Migration{4, "users: instance admins, password change time; sign-in sessions and API tokens", kSchema4},
    Migration{5, "the approval queue's order, kept by triggers; case indexes for dashboard statistics", kSchema5},
    Migration{6, "cases by status in id order, for the SLA watchdog's walk", kSchema6},
    Migration{7, "cases by brand (and state) in id order, for the API's case lists", kSchema7},
    Migration{8, "triage recorded with each assessment, indexed for the unanswered audit", kSchema8},
    Migration{9, "/metrics totals kept by triggers; cases awaiting a first response by deadline", kSchema9},
    Migration{10, "posts by parent, for reading a thread", kSchema10},
    Migration{11, "cases by brand and state in urgency order, for the API's case lists", kSchema11},
    Migration{12, "the dashboard's post and topic counts per brand and 15 minutes, kept by triggers; covering "
                  "indexes for its case counts", kSchema12},
    Migration{13, "each judged post's newest label by brand, for the posts list filtered by label", kSchema13},
};

}  // namespace

std::span<const Migration> SqliteMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

Result<int> ReadSchemaVersion(sqlite3* db) {
  auto stmt = SqliteStatement::Prepare(db, "PRAGMA user_version");
  if (!stmt) return Fail(stmt.error().WithContext("reading the schema version"));
  auto row = stmt->Step();
  if (!row) return Fail(row.error().WithContext("reading the schema version"));
  if (!*row) return Fail(ErrorCode::kInternal, "PRAGMA user_version returned no row");
  return static_cast<int>(stmt->Int(0));
}

Error NewerSchemaError(sqlite3* db, int version) {
  return Error{ErrorCode::kFailedPrecondition,
               fmt::format("database {} is at schema {}, this odziv knows up to {}: upgrade odziv",
                           SqlitePath(db), version, LatestSchemaVersion()),
               std::nullopt};
}

Status ApplyMigrations(sqlite3* db) {
  // The common case, an up-to-date database, needs no write lock.
  auto current = ReadSchemaVersion(db);
  if (!current) return Fail(current.error());
  if (*current == LatestSchemaVersion()) return {};
  for (const Migration& migration : kMigrations) {
    auto tx = SqliteTransaction::Begin(db, /*write=*/true);
    if (!tx) return Fail(tx.error().WithContext("migrating the schema"));
    // Read inside the write transaction: another process may have migrated since we last looked.
    auto version = ReadSchemaVersion(db);
    if (!version) return Fail(version.error());
    if (*version > LatestSchemaVersion()) return Fail(NewerSchemaError(db, *version));
    if (*version >= migration.version) continue;  // the guard rolls back the empty transaction
    if (*version != migration.version - 1) {
      return Fail(ErrorCode::kInternal, fmt::format("schema migration {} found the database at version {}",
                                                    migration.version, *version));
    }
    const std::string context = fmt::format("applying schema migration {} ({})", migration.version,
                                            migration.description);
    auto applied = SqliteExec(db, std::string(migration.sql).c_str(), context);
    if (!applied) return applied;
    // PRAGMA takes no parameters; the value is this binary's own constant, never outside input.
    auto recorded = SqliteExec(db, fmt::format("PRAGMA user_version = {}", migration.version).c_str(), context);
    if (!recorded) return recorded;
    auto committed = tx->Commit();
    if (!committed) return Fail(committed.error().WithContext(context));
  }
  return {};
}

}  // namespace odziv::daemon
