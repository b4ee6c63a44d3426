// Store: the seam over odziv's database. The pipeline, CLI and API see only this interface; SQLite
// (daemon/sqlite_store.h) is the default implementation and PostgreSQL can be added behind it.
//
// Every method is one transaction. Implementations are thread-safe. Errors common to all methods:
// kBusy (locked by another process past the busy timeout), kReadOnly (the file or its directory cannot be
// written), kMalformed (a stored row cannot be read back), kInternal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert_statistics.h"
#include "core/assessment.h"
#include "core/brand.h"
#include "core/case.h"
#include "core/draft.h"
#include "core/error.h"
#include "core/post.h"
#include "core/sign_in.h"
#include "core/user.h"

namespace odziv {

struct StoredPost {
  std::int64_t id = 0;
  std::int64_t brand_id = 0;
  std::int64_t source_id = 0;  // the source that first fetched it; 0 once that source is removed
  Post post;
  Timestamp fetched_at{};  // when odziv first stored it
  Timestamp updated_at{};  // when odziv last changed it (edit, delete, metrics)
  int revision = 1;        // 1 + the number of text edits seen
};

// A previous version of an edited post.
struct PostRevision {
  int revision = 0;
  std::string text;
  std::optional<Timestamp> edited_at;  // the platform's edit time of that version, when known
  Timestamp replaced_at{};             // when odziv stored the next version
};

struct PostFilter {
  std::optional<std::int64_t> brand_id;
  std::optional<std::int64_t> source_id;
  std::optional<Timestamp> since;      // created_at >= since
  std::optional<std::int64_t> before_id;  // paging: only ids below this (newest first)
  bool include_deleted = true;
  std::size_t limit = 100;             // at most 10,000
};

// What one ingest did. A post seen before with nothing changed is `unchanged` (skipped).
struct IngestReport {
  std::size_t inserted = 0;
  std::size_t edited = 0;     // text changed: previous version kept as a revision
  std::size_t deleted = 0;    // newly marked deleted
  std::size_t refreshed = 0;  // only metrics or author reach changed
  std::size_t unchanged = 0;
  std::vector<std::int64_t> inserted_ids;  // in input order
  std::vector<std::int64_t> changed_ids;   // edited or deleted, in input order
  // Of inserted_ids, the brand's own posts and posts already deleted when first stored: the case tracker
  // looks at these at once (a brand's reply answers a case), the rest wait for judging.
  std::vector<std::int64_t> inserted_brand_or_deleted_ids;

  // Adds `other`'s counts and appends its ids (a poll's pages, a batch of pushes).
  IngestReport& operator+=(const IngestReport& other);
};

// Posts one source pushed to odziv (a webhook delivery), to be stored without touching its poll state.
struct PushedPosts {
  std::int64_t source_id = 0;
  std::vector<Post> posts;
};

// A poll that failed, as the scheduler decided to record it.
struct PollFailure {
  SourceHealth health = SourceHealth::kDegraded;
  int consecutive_failures = 1;
  std::string error;  // one line for people; never a secret
  std::optional<Timestamp> next_poll_at;
};

// What triage (daemon/triage_rules.h) made of a post when it was judged, saved with its assessment: the
// unanswered audit finds the posts that needed an answer from these records instead of judging every post again.
struct TriageRecord {
  bool needs_answer = false;
  std::string reason;  // for people: "sentiment 'neg'", "2★ review", "nothing calls for an answer"
};

// A stored post with what became of it, for the proof that nothing was left unanswered.
struct PostOutcome {
  StoredPost post;
  std::optional<Assessment> assessment;  // the newest, if the post was judged (see ListUnansweredCandidates)
  std::optional<Case> latest_case;       // the newest case the post belongs to, if any
  std::optional<TriageRecord> triage;    // recorded with the newest assessment; nullopt: judged before triage
                                         // was recorded (an older database), or never judged
};

// A post the unanswered audit decides on (Store::ListUnansweredCandidates), with only what it decides and
// prints by: the post's identity, its latest case, and the triage verdict recorded with its newest judgement.
struct UnansweredCandidate {
  struct LatestCase {
    std::int64_t id = 0;
    CaseState state = CaseState::kOpen;
    std::optional<Timestamp> due_at;
    std::int64_t first_post_id = 0;
  };
  std::int64_t post_id = 0;
  std::int64_t brand_id = 0;
  std::string platform;
  std::string external_id;
  std::string author;  // the handle, else the platform's author id
  std::string url;
  Timestamp created_at{};
  std::optional<LatestCase> latest_case;  // nullopt: in no case
  std::optional<TriageRecord> triage;     // nullopt: judged before triage was recorded (an older database)
};

struct OutcomeFilter {
  std::optional<std::int64_t> brand_id;
  std::optional<Timestamp> since;       // posts created at or after
  std::int64_t after_id = 0;            // paging: only post ids above this (oldest first)
  std::size_t limit = 1000;             // at most 10,000
  // Only posts judged before triage was recorded (a database from before schema 8), in no case and without a
  // triage record: the ones ListUnansweredCandidates cannot decide on. The walk ends at the last post judged
  // before the upgrade, so on a database created since it returns nothing after one single-row lookup.
  bool unrecorded_only = false;
};

// ---- HTTP API lists: keyset pages over the brands a person may see (daemon/api_routes.h).

// Posts newest first. brand_ids must not be empty (the brands the person may see).
struct PostPageFilter {
  std::vector<std::int64_t> brand_ids;
  std::optional<std::string> platform;
  std::optional<SentimentLabel> label;     // of the newest assessment; posts not judged yet never match
  std::optional<Timestamp> since;          // created_at >= since
  std::optional<std::int64_t> before_id;   // keyset: only ids below this
  std::size_t limit = 50;                  // at most 10,000
};

// Where a page of cases in urgency order ended: the last case's priority, deadline (Unix ms; cases without a
// deadline sort last, as INT64_MAX) and id.
struct CaseUrgencyKey {
  std::int64_t priority = 0;
  std::int64_t due_ms = 0;
  std::int64_t id = 0;
};

// Cases, newest id first or most urgent first (priority, then the nearest deadline, then the oldest id).
// brand_ids must not be empty.
struct CasePageFilter {
  std::vector<std::int64_t> brand_ids;
  std::vector<CaseState> states;             // empty: every state
  std::optional<int> priority;
  std::optional<std::int64_t> assignee_id;
  std::optional<Timestamp> overdue_at;       // only unanswered, unpaused cases whose deadline is before this
  bool most_urgent_first = false;
  std::optional<std::int64_t> before_id;     // keyset for newest first
  std::optional<CaseUrgencyKey> after;       // keyset for most urgent first
  std::size_t limit = 50;                    // at most 10,000
};

// The key CasePageFilter::after continues from, for `c`.
inline CaseUrgencyKey UrgencyKeyOf(const Case& c) {
  return CaseUrgencyKey{c.priority, c.due_at ? ToUnixMillis(*c.due_at) : INT64_MAX, c.id};
}

// Alerts newest first. brand_ids must not be empty.
struct AlertPageFilter {
  std::vector<std::int64_t> brand_ids;
  std::optional<std::string> status;        // pending, sent, failed, suppressed
  std::optional<std::int64_t> before_id;
  std::size_t limit = 50;                   // at most 10,000
};

// What Store::DataGeneration compares: an equal value means nothing was written in between.
struct StoreGeneration {
  std::int64_t others = 0;  // changes by other connections (and processes)
  std::int64_t own = 0;     // rows this store has written
  friend bool operator==(const StoreGeneration&, const StoreGeneration&) = default;
};

// ---- The approval queue, one page per query.

// The place of a pending draft in the approval queue, which is ordered by its case's priority (1 first),
// then its case's deadline (nearest first; cases without one last), then the draft's id. A page ends at the
// key of its last draft; the next page starts after it, so that drafts written meanwhile never make a draft
// appear twice or go missing (a draft whose case changes priority or deadline moves in the order, though).
struct QueueKey {
  static constexpr std::int64_t kNoDeadline = INT64_MAX;  // due_ms of a case without a deadline
  std::int64_t priority = 0;
  std::int64_t due_ms = kNoDeadline;  // the case's deadline in Unix milliseconds
  std::int64_t draft_id = 0;

  // As the integers of an API cursor, and back (nullopt for the wrong number of parts).
  std::vector<std::int64_t> Parts() const { return {priority, due_ms, draft_id}; }
  static std::optional<QueueKey> FromParts(std::span<const std::int64_t> parts) {
    if (parts.size() != 3) return std::nullopt;
    return QueueKey{parts[0], parts[1], parts[2]};
  }
  friend bool operator==(const QueueKey&, const QueueKey&) = default;
};

struct QueueFilter {
  std::vector<std::int64_t> brand_ids;  // any of these brands (a person's brands); empty: no such limit
  std::optional<std::int64_t> brand_id;  // only this brand (within brand_ids, when both are given)
  std::optional<QueueKey> after;         // the previous page's last key
  std::size_t limit = 50;                // at most 10,000
};

// A pending draft with everything a person needs to decide on it.
struct QueueRow {
  StoredDraft draft;
  Case case_;
  StoredPost post;                       // the post the reply answers
  std::optional<Assessment> assessment;  // the post's newest, if it was judged
  std::string brand_slug;
  std::string brand_name;

  QueueKey Key() const {
    return QueueKey{case_.priority, case_.due_at ? ToUnixMillis(*case_.due_at) : QueueKey::kNoDeadline, draft.id};
  }
};

struct QueuePage {
  std::vector<QueueRow> rows;
  std::optional<QueueKey> next;  // where the next page starts; nullopt on the last page
};

// ---- Dashboard statistics.

// Which posts and cases a dashboard counts: those of `brand_ids` (never empty), in consecutive buckets whose
// bounds are `bounds` (bucket i is [bounds[i], bounds[i + 1]); at least two bounds, ascending).
struct DashboardQuery {
  std::vector<std::int64_t> brand_ids;
  std::vector<Timestamp> bounds;
  Timestamp now{};  // for cases open and overdue now, and deadlines that have not passed yet
};

// One bucket. Posts are counted by creation time (deleted posts and the brand's own left out), by the label
// of their newest assessment (unjudged posts count in `posts` only). Cases: opened by opened_at, answered by
// their first response (odziv's reply sent, else the brand's reply seen); an SLA is met when the first
// response came by the deadline (counted when it came), missed when the deadline passed first (counted at
// the deadline); a case closed before its deadline without a response counts neither way.
struct DashboardBucket {
  std::int64_t posts = 0, neg = 0, neu = 0, pos = 0;
  std::int64_t cases_opened = 0, cases_answered = 0;
  std::int64_t sla_met = 0, sla_missed = 0;
  // From the customer's post (the SLA clock's start, else the case's opening) to the first response, over
  // the cases answered in the bucket; nullopt when none was.
  std::optional<double> median_first_response_s;
};

struct DashboardTopic {
  std::string topic;
  std::vector<std::int64_t> counts;  // posts with this topic, one per bucket
};

struct Dashboard {
  std::vector<DashboardBucket> buckets;
  std::vector<DashboardTopic> topics;  // most frequent first, then by name
  std::int64_t open_cases = 0;         // unanswered now (open, awaiting approval, replied)
  std::int64_t overdue_cases = 0;      // of those, past their deadline and not paused
};

// Instance-wide totals for /metrics: a few labels each, never one per brand.
struct OperationsCounts {
  std::int64_t open_cases = 0;     // unanswered now (open, awaiting approval, replied)
  std::int64_t overdue_cases = 0;  // of those, past their deadline and not paused
  std::int64_t sla_missed = 0;     // cases whose deadline passed before their first response, ever
  std::map<std::string, std::int64_t> deliveries;  // reply outbox rows by status ("sent", "failed" …)
  std::map<std::string, std::int64_t> alerts;      // alert outbox rows by status ("sent", "failed" …)
};

// Writes that may reach the disk a little later. A Store call that writes returns once its transaction is on
// disk. While a DeferredSync lives on a thread, that thread's writes return once they are committed instead:
// every reader sees them and they survive the process being killed, but a power loss or kernel crash before
// the next sync (any write of another thread, or Store::Sync) can take them back. For work that is redone or
// harmlessly repeated after such a loss (judging posts, drafting, the alert outbox), which then calls Sync
// once for many writes; and for a caller that syncs before it tells anyone (a poll before its next page is
// asked for). Nests; create and destroy it on one thread.
class DeferredSync {
 public:
  DeferredSync() noexcept;
  ~DeferredSync();
  DeferredSync(const DeferredSync&) = delete;
  DeferredSync& operator=(const DeferredSync&) = delete;

  // Whether the calling thread holds one.
  [[nodiscard]] static bool Active() noexcept;
};

// Many small changes that share one transaction, and so one disk sync: the pipeline judging a batch of
// posts. While a batch is open, the calls of the thread that opened it run inside it, each still all or
// nothing (a call that fails leaves the batch as it was before that call), and other threads' calls wait
// for it. Commit makes them durable together; destroying the batch without Commit undoes all of them. Open,
// commit and destroy it on one thread, and keep it short: everyone else waits.
class StoreBatch {
 public:
  virtual ~StoreBatch() = default;
  [[nodiscard]] virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens a batch (above). Errors: kBusy, kReadOnly.
  [[nodiscard]] virtual Result<std::unique_ptr<StoreBatch>> BeginBatch() = 0;

  // Puts every committed write on disk (see DeferredSync). Callers that arrive while a sync is running share
  // the next one, which runs without holding the store's lock. Errors: kIo.
  [[nodiscard]] virtual Status Sync() = 0;

  // The schema version this database is at (numbered migrations).
  [[nodiscard]] virtual Result<int> SchemaVersion() = 0;

  // ---- Brands. Slugs are unique (kAlreadyExists); unknown slugs and ids are kNotFound.
  [[nodiscard]] virtual Result<Brand> AddBrand(const Brand& brand) = 0;  // id and created_at are assigned
  [[nodiscard]] virtual Result<Brand> GetBrand(std::string_view slug) = 0;
  [[nodiscard]] virtual Result<Brand> GetBrandById(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<std::vector<Brand>> ListBrands() = 0;  // by slug
  [[nodiscard]] virtual Status UpdateBrand(const Brand& brand) = 0;   // by id: slug, name, timezone, settings
  // Refused with kFailedPrecondition while the brand has sources or posts, unless `cascade`, which removes
  // the brand's sources, posts and everything hanging off them.
  [[nodiscard]] virtual Status RemoveBrand(std::string_view slug, bool cascade) = 0;

  // ---- Sources. Names are unique across the instance.
  [[nodiscard]] virtual Result<Source> AddSource(const Source& source) = 0;
  [[nodiscard]] virtual Result<Source> GetSource(std::string_view name) = 0;
  [[nodiscard]] virtual Result<Source> GetSourceById(std::int64_t id) = 0;
  [[nodiscard]] virtual Result<std::vector<Source>> ListSources(std::optional<std::int64_t> brand_id) = 0;
  // Writes the configuration fields (name, platform, settings, poll_interval, paused) by id; never the
  // poll state (cursor, health …), which only the methods below change.
  [[nodiscard]] virtual Status UpdateSource(const Source& source) = 0;
  // Posts fetched by the source stay (they belong to the brand); the source row goes.
  [[nodiscard]] virtual Status RemoveSource(std::string_view name) = 0;
  // Clears health, failures, last error and next poll time (`odziv source resume`); keeps the cursor.
  [[nodiscard]] virtual Status ResetSourceHealth(std::int64_t source_id) = 0;

  // Increases whenever a brand or a source's configuration changes (not its poll state), from any process,
  // so that the daemon notices CLI edits cheaply.
  [[nodiscard]] virtual Result<std::int64_t> ConfigGeneration() = 0;
  // Differs from every earlier value once anything in the database may have changed, written through this
  // store or by another process, so that what was read from it can be kept until then (the API's queue
  // pages). It may also change when nothing did (a write rolled back): a reason to read again, never to
  // keep something stale.
  [[nodiscard]] virtual Result<StoreGeneration> DataGeneration() = 0;

  // ---- Ingest. In ONE transaction: stores `posts` for the source's brand (a post already stored under the
  // same brand, platform and external id is updated, never duplicated; a text change keeps the old text as
  // a revision; deleted_at marks it deleted without losing it), sets the source's cursor to `next_cursor`,
  // marks it healthy and records `now` as its last poll. Either all of it happens or none of it.
  [[nodiscard]] virtual Result<IngestReport> IngestPage(std::int64_t source_id, std::span<const Post> posts,
                                                        std::string_view next_cursor, Timestamp now,
                                                        std::optional<Timestamp> next_poll_at) = 0;
  // Records a failed poll; the cursor stays where it was.
  [[nodiscard]] virtual Status RecordPollFailure(std::int64_t source_id, const PollFailure& failure,
                                                 Timestamp now) = 0;

  // ---- Posts.
  [[nodiscard]] virtual Result<std::vector<StoredPost>> ListPosts(const PostFilter& filter) = 0;  // newest id first
  [[nodiscard]] virtual Result<StoredPost> GetPost(std::int64_t post_id) = 0;
  [[nodiscard]] virtual Result<std::vector<PostRevision>> PostHistory(std::int64_t post_id) = 0;  // oldest first
  [[nodiscard]] virtual Result<std::int64_t> CountPosts(std::optional<std::int64_t> brand_id) = 0;

  // ---- Assessments. The judging stage's verdict on a post, for the post's current text revision.
  // kNotFound when the post does not exist.
  // `triage` is what triage made of the post under this assessment, recorded with it (it replaces the post's
  // earlier record).
  [[nodiscard]] virtual Status SaveAssessment(std::int64_t post_id, const Assessment& assessment,
                                              const TriageRecord& triage, Timestamp now) = 0;
  // The newest assessment of the post; kNotFound when it has none (or the post does not exist).
  [[nodiscard]] virtual Result<Assessment> GetAssessment(std::int64_t post_id) = 0;
  // Posts not yet judged in their current revision (new, or edited since), not deleted and not the brand's
  // own, oldest id first: the judging stage works from here so that a crash loses no work. Only posts with
  // an id above `after_id`: the time a call takes grows with the posts it walks past, not only with those it
  // returns, so the judging stage starts above the posts it knows are judged.
  [[nodiscard]] virtual Result<std::vector<StoredPost>> ListUnassessedPosts(std::optional<std::int64_t> brand_id,
                                                                            std::size_t limit,
                                                                            std::int64_t after_id = 0) = 0;

  // ---- Cases. Every change writes its audit event (and alerts, and joined posts) in the same transaction.
  // Creates `c` (id, version, opened_at and updated_at are assigned; first_post_id joins it). kNotFound for
  // an unknown brand or post.
  [[nodiscard]] virtual Result<Case> CreateCase(const Case& c, const CaseChange& change, Timestamp now) = 0;
  // Writes every field of `c` by id, when the stored version still equals c.version (else
  // kFailedPrecondition: someone else changed it; reload and decide again). Returns the stored case (version
  // + 1). Alerts whose dedup key exists are skipped; posts already in the case are skipped.
  [[nodiscard]] virtual Result<Case> UpdateCase(const Case& c, const CaseChange& change, Timestamp now) = 0;
  [[nodiscard]] virtual Result<Case> GetCase(std::int64_t case_id) = 0;  // kNotFound
  // Newest id first; sorted by id so that paging with before_id is stable.
  [[nodiscard]] virtual Result<std::vector<Case>> ListCases(const CaseFilter& filter) = 0;
  // The posts of a case, oldest first (kNotFound for an unknown case).
  [[nodiscard]] virtual Result<std::vector<StoredPost>> CasePosts(std::int64_t case_id) = 0;
  // Every case a post belongs to, newest first.
  [[nodiscard]] virtual Result<std::vector<Case>> CasesOfPost(std::int64_t post_id) = 0;
  // Audit events whose subject is `subject` ("case:12"), oldest first.
  [[nodiscard]] virtual Result<std::vector<AuditEvent>> ListAuditEvents(std::string_view subject) = 0;
  [[nodiscard]] virtual Result<std::vector<Alert>> ListAlerts(std::optional<std::int64_t> case_id) = 0;  // by id
  // The alert outbox's delivery side: pending alerts whose next attempt is due at `now`, oldest first.
  [[nodiscard]] virtual Result<std::vector<Alert>> ListDueAlerts(Timestamp now, std::size_t limit) = 0;
  // Records one delivery attempt (attempts + 1): `status` "sent" (sent_at = now), "pending" (tried again at
  // `next_attempt_at`) or "failed" (given up; `error` says why). kNotFound for an unknown id.
  [[nodiscard]] virtual Status RecordAlertAttempt(std::int64_t alert_id, std::string_view status,
                                                  std::optional<Timestamp> next_attempt_at, std::string_view error,
                                                  Timestamp now) = 0;
  // Posts with their newest assessment and case, oldest id first, the brand's own posts left out.
  [[nodiscard]] virtual Result<std::vector<PostOutcome>> ListPostOutcomes(const OutcomeFilter& filter) = 0;
  // The posts that may have been left without an answer, of one brand (nullopt: every brand), created at or
  // after `since` (nullopt: all time), the brand's own left out, oldest id first, all at once (the list is the
  // backlog of unanswered cases and the audit's findings, not the period's posts): every post whose latest case
  // is unanswered (open, awaiting approval or replied), with that case; and every post in no case, not deleted,
  // whose triage record says it needs an answer. Each with its triage record. Narrow rows: the audit reads
  // the whole post and its judgement (GetPost, GetAssessment) only for the few it must judge again or give a
  // deadline (posts in no case, posts without a triage record).
  [[nodiscard]] virtual Result<std::vector<UnansweredCandidate>> ListUnansweredCandidates(
      std::optional<std::int64_t> brand_id, std::optional<Timestamp> since) = 0;
  // A post of the brand by platform and external id (kNotFound).
  [[nodiscard]] virtual Result<StoredPost> FindPost(std::int64_t brand_id, std::string_view platform,
                                                    std::string_view external_id) = 0;

  // The brand's posts in one thread (thread id, or the root post itself), oldest first.
  [[nodiscard]] virtual Result<std::vector<StoredPost>> ListThreadPosts(std::int64_t brand_id,
                                                                        std::string_view platform,
                                                                        std::string_view thread_id) = 0;

  // ---- Drafts (the approval queue) and deliveries (the reply outbox). Every change writes its audit event
  // (subject "draft:12") in the same transaction.
  // Stores `draft` as the case's pending draft (id, brand_id, version and created_at are assigned); the case's
  // earlier pending drafts become superseded. With change.deliver the draft is stored approved and its delivery
  // written. kNotFound for an unknown case or post; kInvalidArgument for empty text.
  [[nodiscard]] virtual Result<StoredDraft> AddDraft(const StoredDraft& draft, const DraftChange& change,
                                                     Timestamp now) = 0;
  [[nodiscard]] virtual Result<StoredDraft> GetDraft(std::int64_t draft_id) = 0;  // kNotFound
  [[nodiscard]] virtual Result<std::vector<StoredDraft>> ListDrafts(const DraftFilter& filter) = 0;
  // Writes the draft's text, status, approvals, written_by, edited_at, decided_by/at, reject_reason and
  // platform_refusal by id when the stored version still equals d.version (else kFailedPrecondition: someone
  // else changed it meanwhile). With change.deliver, writes its delivery row: posted from the source that
  // fetched the answered post, else the brand's first source on that platform (none: the worker fails it
  // with the reason). Returns the stored draft (version + 1).
  [[nodiscard]] virtual Result<StoredDraft> UpdateDraft(const StoredDraft& d, const DraftChange& change,
                                                        Timestamp now) = 0;
  // Open cases that need a draft: none pending, approved or sent, and none rejected unless a post joined
  // the case after the rejection. Most urgent first.
  [[nodiscard]] virtual Result<std::vector<Case>> ListCasesNeedingDraft(std::size_t limit) = 0;

  [[nodiscard]] virtual Result<Delivery> GetDelivery(std::int64_t delivery_id) = 0;  // kNotFound
  // The deliveries of a draft (or of every draft of a case), oldest first.
  [[nodiscard]] virtual Result<std::vector<Delivery>> ListDeliveries(std::optional<std::int64_t> draft_id,
                                                                    std::optional<std::int64_t> case_id) = 0;
  // What the delivery worker must do now, oldest first: pending rows that are due, and rows left `sending`
  // (an attempt that never recorded its outcome: the process died, or the call is still running elsewhere).
  [[nodiscard]] virtual Result<std::vector<Delivery>> ListDueDeliveries(Timestamp now, std::size_t limit) = 0;
  // Starts an attempt: pending or sending → sending, attempts + 1, claimed_at = now. kFailedPrecondition when
  // the delivery is sent, failed or returned.
  [[nodiscard]] virtual Result<Delivery> ClaimDelivery(std::int64_t delivery_id, Timestamp now) = 0;
  // Records an attempt's outcome with its audit event and alerts. sent: the draft becomes sent. returned:
  // the platform refused the reply; the draft goes back to the queue (pending, approvals cleared) with the
  // platform's reason in platform_refusal. kFailedPrecondition when the delivery is not `sending`.
  [[nodiscard]] virtual Status RecordDeliveryOutcome(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                                                     Timestamp now) = 0;

  // ---- Users. Logins are unique (kAlreadyExists).
  [[nodiscard]] virtual Result<User> AddUser(const User& user) = 0;
  [[nodiscard]] virtual Result<User> GetUser(std::string_view login) = 0;
  [[nodiscard]] virtual Result<User> GetUserById(std::int64_t id) = 0;
  // By login; with a brand: only users who may see it.
  [[nodiscard]] virtual Result<std::vector<User>> ListUsers(std::optional<std::int64_t> brand_id) = 0;
  // Per user who may work on the brand (role agent, lead or admin; not disabled): their load.
  [[nodiscard]] virtual Result<std::vector<AssigneeLoad>> AssigneeLoads(std::int64_t brand_id) = 0;

  // ---- Alert statistics: what spike detection and digests read, and the outbox rows they write.
  // Ranges are [from, to) on the post's creation time; deleted posts and the brand's own are left out.
  [[nodiscard]] virtual Result<SentimentCounts> CountPostsBySentiment(std::int64_t brand_id, Timestamp from,
                                                                      Timestamp to) = 0;
  // The brand's negative posts in [from, to), worst first (priority, then sentiment, then author reach), at
  // most `limit` (10,000); each with its newest assessment (latest_case is left unset).
  [[nodiscard]] virtual Result<std::vector<PostOutcome>> WorstPosts(std::int64_t brand_id, Timestamp from,
                                                                    Timestamp to, std::size_t limit) = 0;
  // The brand's unanswered cases, and how many of them are past their deadline at `now`.
  [[nodiscard]] virtual Result<CaseCounts> CountUnansweredCases(std::int64_t brand_id, Timestamp now) = 0;
  // Writes an alert that no case change carries (a spike, a digest, a source): `alert` as given (id,
  // status, attempts and created_at are assigned), first due at `not_before` (unset: now). Returns false
  // and writes nothing when the dedup key exists: the same event is written once however often it is seen.
  [[nodiscard]] virtual Result<bool> EnqueueAlert(const Alert& alert, std::optional<Timestamp> not_before,
                                                  Timestamp now) = 0;
  // How many of the brand's alerts on `route` were sent at or after `since` (throttling per route).
  [[nodiscard]] virtual Result<std::int64_t> CountSentAlerts(std::int64_t brand_id, std::string_view route,
                                                             Timestamp since) = 0;
  // Holds a pending alert back without counting an attempt: `status` "pending" with a later `until` (quiet
  // hours) or "suppressed" (throttled; a digest or summary reports it), `note` in last_error. kNotFound for
  // an unknown id; kInvalidArgument for another status.
  [[nodiscard]] virtual Status HoldAlert(std::int64_t alert_id, std::string_view status,
                                         std::optional<Timestamp> until, std::string_view note) = 0;
  // The brand's alerts with `status` created in [from, to), oldest first, at most `limit` (10,000).
  [[nodiscard]] virtual Result<std::vector<Alert>> ListBrandAlerts(std::int64_t brand_id, std::string_view status,
                                                                   Timestamp from, Timestamp to,
                                                                   std::size_t limit) = 0;
  // The brand's newest alert of `kind` ("spike" …), or nullopt when it has none.
  [[nodiscard]] virtual Result<std::optional<Alert>> LatestAlert(std::int64_t brand_id, std::string_view kind) = 0;

  // ---- Pushed posts (webhooks). In ONE transaction for the whole batch: stores each push's posts for its
  // source's brand under the same rules as IngestPage (unique per brand, platform and external id; edits kept
  // as revisions; deletes marked), but never touches a source's cursor, health or poll times, so that
  // catch-up polling still reads everything a lost push missed. Returns one report per push, in order.
  // kNotFound when a push names a source that does not exist (nothing of the batch is stored then).
  [[nodiscard]] virtual Result<std::vector<IngestReport>> IngestPushed(std::span<const PushedPosts> pushes,
                                                                       Timestamp now) = 0;

  // ---- Sign-in: passwords, sessions, API tokens (daemon/auth.h; docs/api.md, "Signing in"). No secret is
  // stored: passwords as Argon2id hashes, session and token texts as their SHA-256 (`token_hash`, hex).
  // The user's password hash; "" when they have none (they cannot sign in). kNotFound for an unknown id.
  [[nodiscard]] virtual Result<std::string> GetPasswordHash(std::int64_t user_id) = 0;
  // Sets the hash ("" removes the password) and password_changed_at = now. With `revoke_sessions`, every
  // session of the user but `keep_session_id` is revoked in the same transaction (a password change signs
  // out everywhere else). kNotFound for an unknown id.
  [[nodiscard]] virtual Status SetPasswordHash(std::int64_t user_id, std::string_view hash, bool revoke_sessions,
                                               std::optional<std::int64_t> keep_session_id, Timestamp now) = 0;
  // Writes name, email, languages, platforms, brand roles (replacing them all), disabled and instance_admin
  // by id; login, id and created_at stay. Returns the stored user. kNotFound for an unknown user or brand.
  [[nodiscard]] virtual Result<User> UpdateUser(const User& user) = 0;
  // Takes a user out of use for good while keeping their row, because audit events, cases and drafts name
  // them: disables it, removes its password and brand roles, revokes its sessions and API tokens. The login
  // stays taken (a new person gets a new login, so history never points at the wrong one). kNotFound.
  [[nodiscard]] virtual Status RemoveUser(std::int64_t user_id, Timestamp now) = 0;
  // Writes one audit event as given (id assigned) for a change no other method records: sign-ins, user and
  // token changes, brand and source configuration from the HTTP API.
  [[nodiscard]] virtual Status RecordAuditEvent(const AuditEvent& event) = 0;

  // Stores a new session (id assigned) under `token_hash`, and forgets the user's expired and revoked ones.
  [[nodiscard]] virtual Result<Session> CreateSession(const Session& session, std::string_view token_hash) = 0;
  // The session with this hash, revoked and expired ones included (the caller decides); kNotFound.
  [[nodiscard]] virtual Result<Session> FindSession(std::string_view token_hash) = 0;
  // last_seen_at = now, unless it was set less than a minute before `now` (keeps writes to one a minute).
  [[nodiscard]] virtual Status TouchSession(std::int64_t session_id, Timestamp now) = 0;
  [[nodiscard]] virtual Status RevokeSession(std::int64_t session_id, Timestamp now) = 0;  // idempotent
  [[nodiscard]] virtual Status RevokeUserSessions(std::int64_t user_id, Timestamp now) = 0;

  // Stores a new API token (id assigned) under `token_hash`. kNotFound for an unknown user.
  [[nodiscard]] virtual Result<ApiToken> CreateApiToken(const ApiToken& token, std::string_view token_hash) = 0;
  // The user's tokens that are not revoked, oldest first.
  [[nodiscard]] virtual Result<std::vector<ApiToken>> ListApiTokens(std::int64_t user_id) = 0;
  // The token with this hash, revoked ones included (the caller decides); kNotFound.
  [[nodiscard]] virtual Result<ApiToken> FindApiToken(std::string_view token_hash) = 0;
  // last_used_at = now, unless it was set less than a minute before `now`.
  [[nodiscard]] virtual Status TouchApiToken(std::int64_t token_id, Timestamp now) = 0;
  // Revokes the user's token `token_id`; kNotFound when the user has no such token that is not revoked.
  [[nodiscard]] virtual Status RevokeApiToken(std::int64_t user_id, std::int64_t token_id, Timestamp now) = 0;

  // ---- HTTP API lists (daemon/sqlite_store_api.cpp). Each is one query; brand_ids name the brands the
  // person may see, and nothing of another brand is read. kInvalidArgument for an empty brand list or a limit
  // above 10,000.
  [[nodiscard]] virtual Result<std::vector<StoredPost>> ListPostPage(const PostPageFilter& filter) = 0;
  [[nodiscard]] virtual Result<std::vector<Case>> ListCasePage(const CasePageFilter& filter) = 0;
  [[nodiscard]] virtual Result<std::vector<Alert>> ListAlertPage(const AlertPageFilter& filter) = 0;
  // The newest assessment of each of `post_ids` that has one (at most 10,000 ids).
  [[nodiscard]] virtual Result<std::map<std::int64_t, Assessment>> LatestAssessments(
      std::span<const std::int64_t> post_ids) = 0;
  // Unanswered and overdue cases per brand at `now` (brands without any are left out).
  [[nodiscard]] virtual Result<std::map<std::int64_t, CaseCounts>> CountCasesByBrand(
      std::span<const std::int64_t> brand_ids, Timestamp now) = 0;
  // Stored posts per source of the brand (sources without posts are left out).
  [[nodiscard]] virtual Result<std::map<std::int64_t, std::int64_t>> CountPostsBySource(std::int64_t brand_id) = 0;
  // Audit events whose subject is one of `subjects`, oldest first (at most 1,000 subjects).
  [[nodiscard]] virtual Result<std::vector<AuditEvent>> ListAuditEventsOf(std::span<const std::string> subjects) = 0;
  // The id of the newest audit event of the brands above `after_id` (after_id itself when there is none): a
  // high-water mark of every change to cases and drafts, since each writes its audit event. Reads only the
  // events after `after_id` (all of them for 0).
  [[nodiscard]] virtual Result<std::int64_t> LatestAuditEventId(std::span<const std::int64_t> brand_ids,
                                                                std::int64_t after_id) = 0;

  // ---- The approval queue page: pending drafts in queue order (QueueKey) with their case, post, the post's
  // newest assessment and their brand, read in one query. kInvalidArgument for a limit above 10,000.
  [[nodiscard]] virtual Result<QueuePage> ListQueue(const QueueFilter& filter) = 0;

  // ---- Dashboard statistics, read with a few grouped queries in one read transaction, whatever the number
  // of buckets. kInvalidArgument for no brands or fewer than two bounds.
  [[nodiscard]] virtual Result<Dashboard> DashboardStatistics(const DashboardQuery& query) = 0;

  // ---- Operations (/metrics, /healthz).
  [[nodiscard]] virtual Result<OperationsCounts> CountOperations(Timestamp now) = 0;
  // Takes the write lock and lets it go without changing anything: kReadOnly when the database cannot be
  // written, kBusy when another process holds the lock past the busy timeout.
  [[nodiscard]] virtual Status CheckWritable() = 0;
};

}  // namespace odziv
