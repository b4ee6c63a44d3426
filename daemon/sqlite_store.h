// SqliteStore: the default Store, one SQLite file on local disk (WAL mode), migrated to the newest schema
// when opened. The daemon, the CLI and the API open the same file; each process has its own SqliteStore.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>

#include "core/clock.h"
#include "core/store.h"
#include "daemon/wal_sync.h"

struct sqlite3;

namespace odziv::daemon {

struct SqliteStoreOptions {
  std::filesystem::path path;  // the database file; its directory must exist
  // Create the file (and migrate it) when it does not exist. Off: a missing file is kConfig, so that a
  // mistyped --db is reported instead of silently starting an empty database.
  bool create_if_missing = true;
  // How long a statement waits for another process's write lock before failing with kBusy. 5 s: write
  // transactions are short (one page of posts, one CLI edit), so a wait this long means the other process
  // is stuck, and the scheduler or the person at the CLI is better served by an error than by hanging.
  std::chrono::milliseconds busy_timeout{5000};
  // Open without the right to write (inspection, backups of a live file). Every write fails with kReadOnly;
  // a database at an older schema is refused (kFailedPrecondition) because it cannot be migrated.
  bool read_only = false;
  // Assigns created_at to new brands and sources; null: the system clock. Must outlive the store.
  const Clock* clock = nullptr;
};

// Opens (creating and migrating as needed) the database at `options.path`. Errors:
//   kConfig             the directory does not exist, or the file does not and create_if_missing is off
//   kMalformed          the file is not an SQLite database (it is left untouched)
//   kFailedPrecondition the database was migrated by a newer odziv (left untouched), or read_only and old
//   kReadOnly           the file or its directory cannot be written (and read_only is off)
//   kBusy               another process holds the lock past the busy timeout
[[nodiscard]] Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

// The concrete class, for what only SQLite offers (integrity checks). Thread-safe: one connection behind a
// mutex.
class SqliteStore final : public Store {
 public:
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const SqliteStoreOptions& options);
  ~SqliteStore() override;

  // PRAGMA quick_check: kMalformed naming the first problem SQLite finds.
  [[nodiscard]] Status CheckIntegrity();
  // The query plan of one approval queue page (EXPLAIN QUERY PLAN, one line per step), so that tests can
  // check that pages are read in index order.
  [[nodiscard]] Result<std::vector<std::string>> QueuePlan(const QueueFilter& filter);

  [[nodiscard]] Result<int> SchemaVersion() override;
  [[nodiscard]] Result<std::unique_ptr<StoreBatch>> BeginBatch() override;
  [[nodiscard]] Status Sync() override;

  [[nodiscard]] Result<Brand> AddBrand(const Brand& brand) override;
  [[nodiscard]] Result<Brand> GetBrand(std::string_view slug) override;
  [[nodiscard]] Result<Brand> GetBrandById(std::int64_t id) override;
  [[nodiscard]] Result<std::vector<Brand>> ListBrands() override;
  [[nodiscard]] Status UpdateBrand(const Brand& brand) override;
  [[nodiscard]] Status RemoveBrand(std::string_view slug, bool cascade) override;

  [[nodiscard]] Result<Source> AddSource(const Source& source) override;
  [[nodiscard]] Result<Source> GetSource(std::string_view name) override;
  [[nodiscard]] Result<Source> GetSourceById(std::int64_t id) override;
  [[nodiscard]] Result<std::vector<Source>> ListSources(std::optional<std::int64_t> brand_id) override;
  [[nodiscard]] Status UpdateSource(const Source& source) override;
  [[nodiscard]] Status RemoveSource(std::string_view name) override;
  [[nodiscard]] Status ResetSourceHealth(std::int64_t source_id) override;

  [[nodiscard]] Result<std::int64_t> ConfigGeneration() override;
  [[nodiscard]] Result<StoreGeneration> DataGeneration() override;

  [[nodiscard]] Result<IngestReport> IngestPage(std::int64_t source_id, std::span<const Post> posts,
                                                std::string_view next_cursor, Timestamp now,
                                                std::optional<Timestamp> next_poll_at) override;
  [[nodiscard]] Status RecordPollFailure(std::int64_t source_id, const PollFailure& failure,
                                         Timestamp now) override;

  [[nodiscard]] Result<std::vector<StoredPost>> ListPosts(const PostFilter& filter) override;
  [[nodiscard]] Result<StoredPost> GetPost(std::int64_t post_id) override;
  [[nodiscard]] Result<std::vector<PostRevision>> PostHistory(std::int64_t post_id) override;
  [[nodiscard]] Result<std::int64_t> CountPosts(std::optional<std::int64_t> brand_id) override;

  // Assessments, cases and users (sqlite_store.cpp, second half).
  [[nodiscard]] Status SaveAssessment(std::int64_t post_id, const Assessment& assessment, const TriageRecord& triage,
                                      Timestamp now) override;
  [[nodiscard]] Result<Assessment> GetAssessment(std::int64_t post_id) override;
  [[nodiscard]] Result<std::vector<StoredPost>> ListUnassessedPosts(std::optional<std::int64_t> brand_id,
                                                                    std::size_t limit,
                                                                    std::int64_t after_id = 0) override;
  [[nodiscard]] Result<Case> CreateCase(const Case& c, const CaseChange& change, Timestamp now) override;
  [[nodiscard]] Result<Case> UpdateCase(const Case& c, const CaseChange& change, Timestamp now) override;
  [[nodiscard]] Result<Case> GetCase(std::int64_t case_id) override;
  [[nodiscard]] Result<std::vector<Case>> ListCases(const CaseFilter& filter) override;
  [[nodiscard]] Result<std::vector<StoredPost>> CasePosts(std::int64_t case_id) override;
  [[nodiscard]] Result<std::vector<Case>> CasesOfPost(std::int64_t post_id) override;
  [[nodiscard]] Result<std::vector<AuditEvent>> ListAuditEvents(std::string_view subject) override;
  [[nodiscard]] Result<std::vector<Alert>> ListAlerts(std::optional<std::int64_t> case_id) override;
  [[nodiscard]] Result<std::vector<Alert>> ListDueAlerts(Timestamp now, std::size_t limit) override;
  [[nodiscard]] Status RecordAlertAttempt(std::int64_t alert_id, std::string_view status,
                                          std::optional<Timestamp> next_attempt_at, std::string_view error,
                                          Timestamp now) override;
  [[nodiscard]] Result<std::vector<PostOutcome>> ListPostOutcomes(const OutcomeFilter& filter) override;
  [[nodiscard]] Result<std::vector<UnansweredCandidate>> ListUnansweredCandidates(std::optional<std::int64_t> brand_id,
                                                                        std::optional<Timestamp> since) override;
  [[nodiscard]] Result<StoredPost> FindPost(std::int64_t brand_id, std::string_view platform,
                                            std::string_view external_id) override;
  [[nodiscard]] Result<std::vector<StoredPost>> ListThreadPosts(std::int64_t brand_id, std::string_view platform,
                                                                std::string_view thread_id) override;
  // Drafts and deliveries (sqlite_store_drafts.cpp).
  [[nodiscard]] Result<StoredDraft> AddDraft(const StoredDraft& draft, const DraftChange& change,
                                             Timestamp now) override;
  [[nodiscard]] Result<StoredDraft> GetDraft(std::int64_t draft_id) override;
  [[nodiscard]] Result<std::vector<StoredDraft>> ListDrafts(const DraftFilter& filter) override;
  [[nodiscard]] Result<StoredDraft> UpdateDraft(const StoredDraft& d, const DraftChange& change,
                                                Timestamp now) override;
  [[nodiscard]] Result<std::vector<Case>> ListCasesNeedingDraft(std::size_t limit) override;
  [[nodiscard]] Result<Delivery> GetDelivery(std::int64_t delivery_id) override;
  [[nodiscard]] Result<std::vector<Delivery>> ListDeliveries(std::optional<std::int64_t> draft_id,
                                                            std::optional<std::int64_t> case_id) override;
  [[nodiscard]] Result<std::vector<Delivery>> ListDueDeliveries(Timestamp now, std::size_t limit) override;
  [[nodiscard]] Result<Delivery> ClaimDelivery(std::int64_t delivery_id, Timestamp now) override;
  [[nodiscard]] Status RecordDeliveryOutcome(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                                             Timestamp now) override;

  [[nodiscard]] Result<User> AddUser(const User& user) override;
  [[nodiscard]] Result<User> GetUser(std::string_view login) override;
  [[nodiscard]] Result<User> GetUserById(std::int64_t id) override;
  [[nodiscard]] Result<std::vector<User>> ListUsers(std::optional<std::int64_t> brand_id) override;
  [[nodiscard]] Result<std::vector<AssigneeLoad>> AssigneeLoads(std::int64_t brand_id) override;

  // Alert statistics (sqlite_store.cpp, at the end).
  [[nodiscard]] Result<SentimentCounts> CountPostsBySentiment(std::int64_t brand_id, Timestamp from,
                                                              Timestamp to) override;
  [[nodiscard]] Result<std::vector<PostOutcome>> WorstPosts(std::int64_t brand_id, Timestamp from, Timestamp to,
                                                            std::size_t limit) override;
  [[nodiscard]] Result<CaseCounts> CountUnansweredCases(std::int64_t brand_id, Timestamp now) override;
  [[nodiscard]] Result<bool> EnqueueAlert(const Alert& alert, std::optional<Timestamp> not_before,
                                          Timestamp now) override;
  [[nodiscard]] Result<std::int64_t> CountSentAlerts(std::int64_t brand_id, std::string_view route,
                                                     Timestamp since) override;
  [[nodiscard]] Status HoldAlert(std::int64_t alert_id, std::string_view status, std::optional<Timestamp> until,
                                 std::string_view note) override;
  [[nodiscard]] Result<std::vector<Alert>> ListBrandAlerts(std::int64_t brand_id, std::string_view status,
                                                           Timestamp from, Timestamp to, std::size_t limit) override;
  [[nodiscard]] Result<std::optional<Alert>> LatestAlert(std::int64_t brand_id, std::string_view kind) override;
  [[nodiscard]] Result<std::vector<IngestReport>> IngestPushed(std::span<const PushedPosts> pushes,
                                                               Timestamp now) override;

  // Sign-in: passwords, sessions, API tokens (sqlite_store_auth.cpp).
  [[nodiscard]] Result<std::string> GetPasswordHash(std::int64_t user_id) override;
  [[nodiscard]] Status SetPasswordHash(std::int64_t user_id, std::string_view hash, bool revoke_sessions,
                                       std::optional<std::int64_t> keep_session_id, Timestamp now) override;
  [[nodiscard]] Result<User> UpdateUser(const User& user) override;
  [[nodiscard]] Status RemoveUser(std::int64_t user_id, Timestamp now) override;
  [[nodiscard]] Status RecordAuditEvent(const AuditEvent& event) override;
  [[nodiscard]] Result<Session> CreateSession(const Session& session, std::string_view token_hash) override;
  [[nodiscard]] Result<Session> FindSession(std::string_view token_hash) override;
  [[nodiscard]] Status TouchSession(std::int64_t session_id, Timestamp now) override;
  [[nodiscard]] Status RevokeSession(std::int64_t session_id, Timestamp now) override;
  [[nodiscard]] Status RevokeUserSessions(std::int64_t user_id, Timestamp now) override;
  [[nodiscard]] Result<ApiToken> CreateApiToken(const ApiToken& token, std::string_view token_hash) override;
  [[nodiscard]] Result<std::vector<ApiToken>> ListApiTokens(std::int64_t user_id) override;
  [[nodiscard]] Result<ApiToken> FindApiToken(std::string_view token_hash) override;
  [[nodiscard]] Status TouchApiToken(std::int64_t token_id, Timestamp now) override;
  [[nodiscard]] Status RevokeApiToken(std::int64_t user_id, std::int64_t token_id, Timestamp now) override;

  // HTTP API lists (sqlite_store_api.cpp).
  [[nodiscard]] Result<std::vector<StoredPost>> ListPostPage(const PostPageFilter& filter) override;
  [[nodiscard]] Result<std::vector<Case>> ListCasePage(const CasePageFilter& filter) override;
  [[nodiscard]] Result<std::vector<Alert>> ListAlertPage(const AlertPageFilter& filter) override;
  [[nodiscard]] Result<std::map<std::int64_t, Assessment>> LatestAssessments(
      std::span<const std::int64_t> post_ids) override;
  [[nodiscard]] Result<std::map<std::int64_t, CaseCounts>> CountCasesByBrand(std::span<const std::int64_t> brand_ids,
                                                                            Timestamp now) override;
  [[nodiscard]] Result<std::map<std::int64_t, std::int64_t>> CountPostsBySource(std::int64_t brand_id) override;
  [[nodiscard]] Result<std::vector<AuditEvent>> ListAuditEventsOf(std::span<const std::string> subjects) override;
  [[nodiscard]] Result<std::int64_t> LatestAuditEventId(std::span<const std::int64_t> brand_ids,
                                                        std::int64_t after_id) override;

  // The approval queue page (sqlite_store_queue.cpp).
  [[nodiscard]] Result<QueuePage> ListQueue(const QueueFilter& filter) override;
  // Dashboard statistics (sqlite_store_stats.cpp).
  [[nodiscard]] Result<Dashboard> DashboardStatistics(const DashboardQuery& query) override;
  [[nodiscard]] Result<OperationsCounts> CountOperations(Timestamp now) override;
  [[nodiscard]] Status CheckWritable() override;

  // Holds the store's mutex for one call (or a batch). The outermost Lock of the thread sets the connection's
  // synchronous mode for what it commits: FULL, so that each commit syncs, or under a DeferredSync NORMAL,
  // so that it does not and Sync() later syncs many commits at once.
  class Lock {
   public:
    explicit Lock(SqliteStore& store);
    ~Lock();
    Lock(Lock&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    Lock& operator=(Lock&&) = delete;

   private:
    SqliteStore* store_;  // null once moved from
  };

 private:
  SqliteStore(sqlite3* db, sqlite3* watch, const Clock* clock, std::unique_ptr<WalSync> wal_sync)
      : db_(db), watch_(watch), clock_(clock), wal_sync_(std::move(wal_sync)) {}

  Timestamp Now() const;

  // Recursive so that a batch (BeginBatch) holds it while its thread's calls take it again.
  std::recursive_mutex mu_;
  sqlite3* const db_;       // guarded by mu_
  int lock_depth_ = 0;      // guarded by mu_: Locks the holding thread has open
  bool commits_sync_ = true;  // guarded by mu_: db_ is at synchronous=FULL (else NORMAL)
  // A second, read-only connection that only asks whether anything was committed (DataGeneration), so that
  // the HTTP threads' cache checks never wait for db_ while a long read or write holds it. Null when it could
  // not be opened; DataGeneration then asks db_.
  std::mutex watch_mu_;
  sqlite3* const watch_;  // guarded by watch_mu_
  const Clock* const clock_;
  const std::unique_ptr<WalSync> wal_sync_;  // null when the database has no write-ahead log file (in memory)
};

}  // namespace odziv::daemon
