#include "daemon/sqlite_store.h"

#include <cpprest/json.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>

#include "daemon/migrations.h"
#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_statement.h"
#include "platforms/charset.h"

namespace odziv::daemon {

namespace {

using namespace sqlite_rows;

// ---- JSON columns.

Result<std::string> SettingsToJson(const std::map<std::string, std::string>& settings) {
  for (const auto& [key, value] : settings)
    if (!platforms::IsValidUtf8(key) || !platforms::IsValidUtf8(value))
      return Fail(ErrorCode::kInvalidArgument, "source settings must be UTF-8 text");
  try {
    web::json::value object = web::json::value::object();
    for (const auto& [key, value] : settings) object[key] = web::json::value::string(value);
    return object.serialize();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("source settings cannot be written as JSON: {}", e.what()));
  }
}

Result<std::map<std::string, std::string>> SettingsFromJson(const std::string& text) {
  try {
    web::json::value value = web::json::value::parse(text);
    if (!value.is_object()) return Fail(ErrorCode::kMalformed, "stored source settings are not a JSON object");
    std::map<std::string, std::string> settings;
    for (const auto& [key, item] : value.as_object()) {
      if (!item.is_string()) {
        return Fail(ErrorCode::kMalformed, fmt::format("stored source setting '{}' is not a string", key));
      }
      settings.emplace(key, item.as_string());
    }
    return settings;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("stored source settings are not valid JSON: {}", e.what()));
  }
}

bool IsJsonObject(const std::string& text) {
  try {
    return web::json::value::parse(text).is_object();
  } catch (const std::exception&) {
    return false;
  }
}

// ---- Rows. Each SELECT lists the columns in the order its reader expects.

constexpr std::string_view kBrandColumns = "id, slug, name, timezone, settings, created_at";

Brand ReadBrand(const SqliteStatement& row) {
  Brand brand;
  brand.id = row.Int(0);
  brand.slug = row.Text(1);
  brand.name = row.Text(2);
  brand.timezone = row.Text(3);
  brand.settings = row.Text(4);
  brand.created_at = row.Time(5);
  return brand;
}

constexpr std::string_view kSourceColumns =
    "id, brand_id, name, platform, settings, poll_interval_s, paused, created_at, cursor, health, "
    "consecutive_failures, last_error, last_poll_at, next_poll_at";

Result<Source> ReadSource(const SqliteStatement& row) {
  Source source;
  source.id = row.Int(0);
  source.brand_id = row.Int(1);
  source.name = row.Text(2);
  source.platform = row.Text(3);
  auto settings = SettingsFromJson(row.Text(4));
  if (!settings) return Fail(settings.error().WithContext(fmt::format("source '{}'", source.name)));
  source.settings = std::move(*settings);
  if (auto interval = row.OptionalInt(5)) source.poll_interval = std::chrono::seconds(*interval);
  source.paused = row.Int(6) != 0;
  source.created_at = row.Time(7);
  source.cursor = row.Text(8);
  auto health = ParseSourceHealth(row.Text(9));
  if (!health) return Fail(ErrorCode::kMalformed, fmt::format("source '{}' has an unknown health", source.name));
  source.health = *health;
  source.consecutive_failures = static_cast<int>(row.Int(10));
  source.last_error = row.Text(11);
  source.last_poll_at = row.OptionalTime(12);
  source.next_poll_at = row.OptionalTime(13);
  return source;
}

Result<Brand> LoadBrandBySlug(sqlite3* db, std::string_view slug) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM brands WHERE slug = ?", kBrandColumns), slug);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Brand>(*stmt, ReadBrand, fmt::format("no brand with slug '{}'", slug));
}

Result<Brand> LoadBrandById(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM brands WHERE id = ?", kBrandColumns), id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Brand>(*stmt, ReadBrand, fmt::format("no brand with id {}", id));
}

Result<Source> LoadSourceById(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM sources WHERE id = ?", kSourceColumns), id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Source>(*stmt, ReadSource, fmt::format("no source with id {}", id));
}

// A unique-constraint failure reworded for people; other errors unchanged.
Error Reword(Error error, std::string already_exists) {
  if (error.code == ErrorCode::kAlreadyExists) error.message = std::move(already_exists);
  return error;
}

std::optional<std::int64_t> IntervalSeconds(const Source& source) {
  if (!source.poll_interval) return std::nullopt;
  return source.poll_interval->count();
}

Status CheckBrand(const Brand& brand) {
  if (auto problem = CheckSlug(brand.slug)) return Fail(ErrorCode::kInvalidArgument, *problem);
  if (!IsJsonObject(brand.settings)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the settings of brand '{}' are not a JSON object", brand.slug));
  }
  return {};
}

// ---- Ingest.

enum class Change { kNone, kInserted, kEdited, kDeleted, kRefreshed };

// What a fetch may change besides the text: everything but the identity, the times odziv keeps
// (created_at, deleted_at) and edited_at, which matters only together with a new text.
auto MutableFields(const Post& p) {
  return std::tie(p.kind, p.thread_id, p.parent_id, p.author.id, p.author.handle, p.author.name,
                  p.author.reach, p.language, p.rating, p.url, p.metrics.likes, p.metrics.replies,
                  p.metrics.shares, p.metrics.views, p.from_brand);
}

Change Classify(const Post& stored, const Post& incoming) {
  // A report of deletion only marks the post: platforms send tombstones with empty or placeholder text
  // ("[deleted]") and zero counters, which must not overwrite what the post said.
  if (incoming.deleted_at) return stored.deleted_at ? Change::kNone : Change::kDeleted;
  if (incoming.text != stored.text) {
    // A version older than the stored one (a page fetched again after an edit) must not undo the edit.
    const bool older = stored.edited_at && (!incoming.edited_at || *incoming.edited_at < *stored.edited_at);
    return older ? Change::kNone : Change::kEdited;
  }
  if (MutableFields(incoming) != MutableFields(stored)) return Change::kRefreshed;
  return Change::kNone;
}

constexpr std::string_view kInsertPost =
    "INSERT INTO posts (brand_id, source_id, platform, external_id, kind, thread_id, parent_id, author_id, "
    "author_handle, author_name, author_reach, text, language, rating, url, created_at, edited_at, deleted_at, "
    "likes, replies, shares, views, from_brand, fetched_at, updated_at, revision) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";

constexpr std::string_view kUpdatePost =
    "UPDATE posts SET kind = ?, thread_id = ?, parent_id = ?, author_id = ?, author_handle = ?, "
    "author_name = ?, author_reach = ?, text = ?, language = ?, rating = ?, url = ?, edited_at = ?, likes = ?, "
    "replies = ?, shares = ?, views = ?, from_brand = ?, updated_at = ?, revision = ? WHERE id = ?";

// The statements of one ingest, prepared once per page.
struct IngestStatements {
  SqliteStatement find;
  SqliteStatement insert;
  SqliteStatement update;
  SqliteStatement mark_deleted;
  SqliteStatement add_revision;
};

Result<IngestStatements> PrepareIngest(sqlite3* db) {
  auto find = SqliteStatement::Prepare(
      db, fmt::format("SELECT {} FROM posts WHERE brand_id = ? AND platform = ? AND external_id = ?", kPostColumns));
  auto insert = SqliteStatement::Prepare(db, kInsertPost);
  auto update = SqliteStatement::Prepare(db, kUpdatePost);
  auto mark_deleted = SqliteStatement::Prepare(db, "UPDATE posts SET deleted_at = ?, updated_at = ? WHERE id = ?");
  auto add_revision = SqliteStatement::Prepare(
      db, "INSERT INTO post_revisions (post_id, revision, text, edited_at, replaced_at) VALUES (?, ?, ?, ?, ?)");
  for (const auto* stmt : {&find, &insert, &update, &mark_deleted, &add_revision}) {
    if (!*stmt) return Fail(stmt->error());
  }
  return IngestStatements{std::move(*find), std::move(*insert), std::move(*update), std::move(*mark_deleted),
                          std::move(*add_revision)};
}

// Stores one post; returns what changed and the post's id.
Result<std::pair<Change, std::int64_t>> IngestPost(sqlite3* db, IngestStatements& s, std::int64_t brand_id,
                                                   std::int64_t source_id, const Post& post, Timestamp now) {
  if (post.platform.empty() || post.external_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a post without a platform or an external id cannot be stored");
  }
  s.find.Reset();
  s.find.BindAll(brand_id, post.platform, post.external_id);
  auto row = s.find.Step();
  if (!row) return Fail(row.error());

  if (!*row) {
    s.insert.Reset();
    s.insert.BindAll(brand_id, source_id, post.platform, post.external_id, PostKindName(post.kind), post.thread_id,
                     post.parent_id, post.author.id, post.author.handle, post.author.name, post.author.reach,
                     post.text, post.language, post.rating, post.url, post.created_at, post.edited_at,
                     post.deleted_at, post.metrics.likes, post.metrics.replies, post.metrics.shares,
                     post.metrics.views, post.from_brand, now, now);
    if (auto done = s.insert.Run(); !done) return Fail(done.error());
    return std::pair{Change::kInserted, sqlite3_last_insert_rowid(db)};
  }

  auto stored = ReadPost(s.find);
  if (!stored) return Fail(stored.error());
  const Change change = Classify(stored->post, post);
  switch (change) {
    case Change::kNone:
    case Change::kInserted:
      break;
    case Change::kDeleted: {
      s.mark_deleted.Reset();
      s.mark_deleted.BindAll(*post.deleted_at, now, stored->id);
      if (auto done = s.mark_deleted.Run(); !done) return Fail(done.error());
      break;
    }
    case Change::kEdited:
    case Change::kRefreshed: {
      int revision = stored->revision;
      std::optional<Timestamp> edited_at = stored->post.edited_at;
      if (change == Change::kEdited) {
        edited_at = post.edited_at;
        s.add_revision.Reset();
        s.add_revision.BindAll(stored->id, revision, stored->post.text, stored->post.edited_at, now);
        if (auto done = s.add_revision.Run(); !done) return Fail(done.error());
        ++revision;
      }
      s.update.Reset();
      s.update.BindAll(PostKindName(post.kind), post.thread_id, post.parent_id, post.author.id,
                       post.author.handle, post.author.name, post.author.reach, post.text, post.language,
                       post.rating, post.url, edited_at, post.metrics.likes, post.metrics.replies,
                       post.metrics.shares, post.metrics.views, post.from_brand, now, revision, stored->id);
      if (auto done = s.update.Run(); !done) return Fail(done.error());
      break;
    }
  }
  return std::pair{change, stored->id};
}

Timestamp SystemNow() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// synchronous=FULL. In WAL mode NORMAL already keeps every committed transaction when the process dies
// (SIGKILL, OOM killer, crash): only a power loss or kernel crash can take back the last commits. FULL
// closes that too, because the outbox (a delivery or alert recorded as sent) must never be taken back, or
// a reply could be posted twice. It costs one fsync of the WAL per commit, made with the store's lock held;
// the busy paths (polls, judging, drafting, alerts) therefore commit at NORMAL under a DeferredSync and sync
// many commits at once with Store::Sync, which does not hold the lock (SqliteStore::Lock, WalSync).
Status ConfigureWritable(sqlite3* db) {
  auto stmt = SqliteStatement::Prepare(db, "PRAGMA journal_mode = WAL");
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error().WithContext("switching to WAL mode"));
  const std::string mode = *row ? stmt->Text(0) : std::string();
  if (mode != "wal" && mode != "memory") {
    return Fail(ErrorCode::kConfig,
                fmt::format("database {} cannot use WAL mode (journal mode is '{}'): put it on a local file "
                            "system",
                            SqlitePath(db), mode));
  }
  if (auto done = SqliteExec(db, "PRAGMA synchronous = FULL", "setting synchronous mode"); !done) return done;
  // 32 MB of pages instead of SQLite's 2 MB: the audit, the dashboard and the API lists of a database of
  // millions of posts read thousands of pages each (the audit of a backlog of 8,000 cases reads 8,000 posts);
  // with 2 MB every repeat read them from the operating system again.
  if (auto done = SqliteExec(db, "PRAGMA cache_size = -32768", "setting the page cache size"); !done) return done;
  return SqliteExec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys");
}

// Stores `posts` in the caller's transaction and counts what changed.
Result<IngestReport> IngestPosts(sqlite3* db, IngestStatements& statements, std::int64_t brand_id,
                                 std::int64_t source_id, std::span<const Post> posts, Timestamp now) {
  IngestReport report;
  for (const Post& post : posts) {
    auto stored = IngestPost(db, statements, brand_id, source_id, post, now);
    if (!stored) return Fail(stored.error().WithContext(fmt::format("post {}/{}", post.platform, post.external_id)));
    const auto [change, id] = *stored;
    switch (change) {
      case Change::kInserted:
        ++report.inserted;
        report.inserted_ids.push_back(id);
        if (post.from_brand || post.deleted_at) report.inserted_brand_or_deleted_ids.push_back(id);
        break;
      case Change::kEdited:
        ++report.edited;
        report.changed_ids.push_back(id);
        break;
      case Change::kDeleted:
        ++report.deleted;
        report.changed_ids.push_back(id);
        break;
      case Change::kRefreshed:
        ++report.refreshed;
        break;
      case Change::kNone:
        ++report.unchanged;
        break;
    }
  }
  return report;
}

}  // namespace

// ---- Opening.

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options) {
  auto store = SqliteStore::Open(options);
  if (!store) return Fail(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteStoreOptions& options) {
  namespace fs = std::filesystem;
  const fs::path& path = options.path;
  if (path.empty()) return Fail(ErrorCode::kConfig, "no database path given: pass --db");
  std::error_code ec;
  const fs::path dir = path.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    return Fail(ErrorCode::kConfig,
                fmt::format("directory {} does not exist: create it or pass --db", dir.string()));
  }
  const bool exists = fs::exists(path, ec);
  if (!exists && (options.read_only || !options.create_if_missing)) {
    return Fail(ErrorCode::kConfig,
                fmt::format("database {} does not exist: check the path given with --db", path.string()));
  }

  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | (options.create_if_missing ? SQLITE_OPEN_CREATE : 0)) |
                    SQLITE_OPEN_NOMUTEX;  // the store's own mutex serializes use of the connection
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) {
    if (rc == SQLITE_CANTOPEN) {
      return Fail(options.read_only ? ErrorCode::kConfig : ErrorCode::kReadOnly,
                  fmt::format("cannot open database {}: check that it is a file this user may read{}",
                              path.string(), options.read_only ? "" : " and write, in a writable directory"));
    }
    return Fail(SqliteError(db.get(), rc, "opening the database"));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  if (!options.read_only && sqlite3_db_readonly(db.get(), "main") == 1) {
    return Fail(ErrorCode::kReadOnly,
                fmt::format("database {} cannot be written by this user: fix the permissions of the file and "
                            "its directory, or open it read-only",
                            path.string()));
  }

  // Nothing above writes to the file. Read the version before anything does, so that a file that is not a
  // database, or one migrated by a newer odziv, is refused untouched.
  auto version = ReadSchemaVersion(db.get());
  if (!version) return Fail(version.error());
  if (*version > LatestSchemaVersion()) return Fail(NewerSchemaError(db.get(), *version));

  if (options.read_only) {
    if (*version < LatestSchemaVersion()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("database {} is at schema {}, this odziv needs {}: open it read-write once to "
                              "upgrade it",
                              path.string(), *version, LatestSchemaVersion()));
    }
  } else {
    if (auto configured = ConfigureWritable(db.get()); !configured) return Fail(configured.error());
    if (auto migrated = ApplyMigrations(db.get()); !migrated) return Fail(migrated.error());
  }
  // The watch connection is an optimisation: without it (a failure to open it is not worth refusing the
  // database for) DataGeneration asks the main connection.
  sqlite3* watch = nullptr;
  if (sqlite3_open_v2(path.c_str(), &watch, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(watch, static_cast<int>(options.busy_timeout.count()));
  } else {
    sqlite3_close_v2(watch);
    watch = nullptr;
  }
  const Clock* clock = options.clock;
  std::unique_ptr<WalSync> wal_sync;
  if (!options.read_only) {
    // An in-memory database has no file name, and no log to sync.
    const char* name = sqlite3_db_filename(db.get(), "main");
    const char* wal = name && *name ? sqlite3_filename_wal(name) : nullptr;
    if (wal && *wal) wal_sync = std::make_unique<WalSync>(WalSync::LogFile(wal));
  }
  AttachStatementCache(db.get());
  if (watch) AttachStatementCache(watch);
  return std::unique_ptr<SqliteStore>(new SqliteStore(db.release(), watch, clock, std::move(wal_sync)));
}

SqliteStore::~SqliteStore() {
  DetachStatementCache(watch_);
  sqlite3_close_v2(watch_);
  DetachStatementCache(db_);
  sqlite3_close_v2(db_);
}

Timestamp SqliteStore::Now() const { return clock_ ? clock_->Now() : SystemNow(); }

Status SqliteStore::CheckIntegrity() {
  Lock lock(*this);
  auto stmt = SqliteStatement::Prepare(db_, "PRAGMA quick_check");
  if (!stmt) return Fail(stmt.error());
  auto lines = ReadAll<std::string>(*stmt, [](const SqliteStatement& row) { return row.Text(0); });
  if (!lines) return Fail(lines.error());
  if (lines->size() == 1 && lines->front() == "ok") return {};
  return Fail(ErrorCode::kMalformed,
              fmt::format("database {} failed its integrity check: {}", SqlitePath(db_),
                          lines->empty() ? std::string("no result") : lines->front()));
}

Result<int> SqliteStore::SchemaVersion() {
  Lock lock(*this);
  return ReadSchemaVersion(db_);
}

namespace {

// Holds the store's mutex for as long as the batch is open; every transaction its thread begins meanwhile
// is a savepoint inside this one (SqliteTransaction::Begin).
class SqliteBatch final : public StoreBatch {
 public:
  SqliteBatch(SqliteStore::Lock lock, SqliteTransaction transaction)
      : lock_(std::move(lock)), transaction_(std::move(transaction)) {}

  Status Commit() override { return transaction_.Commit(); }

 private:
  SqliteStore::Lock lock_;  // released after the transaction ends (members go in reverse)
  SqliteTransaction transaction_;
};

}  // namespace

SqliteStore::Lock::Lock(SqliteStore& store) : store_(&store) {
  store.mu_.lock();
  if (++store.lock_depth_ > 1) return;
  // Outermost: no transaction is open, so the mode can change. A failure leaves the mode as it was and the
  // next call tries again; it cannot happen short of running out of memory.
  const bool sync = !DeferredSync::Active();
  if (sync != store.commits_sync_ &&
      SqliteExec(store.db_, sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                 "setting synchronous mode"))
    store.commits_sync_ = sync;
}

SqliteStore::Lock::~Lock() {
  if (!store_) return;
  --store_->lock_depth_;
  store_->mu_.unlock();
}

Status SqliteStore::Sync() {
  if (!wal_sync_) return {};
  return wal_sync_->Sync();
}

Result<std::unique_ptr<StoreBatch>> SqliteStore::BeginBatch() {
  Lock lock(*this);
  auto transaction = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!transaction) return Fail(transaction.error());
  return std::unique_ptr<StoreBatch>(std::make_unique<SqliteBatch>(std::move(lock), std::move(*transaction)));
}

// ---- Brands.

Result<Brand> SqliteStore::AddBrand(const Brand& brand) {
  if (auto checked = CheckBrand(brand); !checked) return Fail(checked.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto added = Execute(db_, "INSERT INTO brands (slug, name, timezone, settings, created_at) VALUES (?, ?, ?, ?, ?)",
                       brand.slug, brand.name, brand.timezone, brand.settings, Now());
  if (!added) {
    return Fail(Reword(added.error(), fmt::format("a brand with slug '{}' already exists", brand.slug)));
  }
  auto stored = LoadBrandById(db_, sqlite3_last_insert_rowid(db_));
  if (!stored) return Fail(stored.error());
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<Brand> SqliteStore::GetBrand(std::string_view slug) {
  Lock lock(*this);
  return LoadBrandBySlug(db_, slug);
}

Result<Brand> SqliteStore::GetBrandById(std::int64_t id) {
  Lock lock(*this);
  return LoadBrandById(db_, id);
}

Result<std::vector<Brand>> SqliteStore::ListBrands() {
  Lock lock(*this);
  auto stmt = Query(db_, fmt::format("SELECT {} FROM brands ORDER BY slug", kBrandColumns));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Brand>(*stmt, ReadBrand);
}

Status SqliteStore::UpdateBrand(const Brand& brand) {
  if (auto checked = CheckBrand(brand); !checked) return checked;
  Lock lock(*this);
  auto updated = Execute(db_, "UPDATE brands SET slug = ?, name = ?, timezone = ?, settings = ? WHERE id = ?",
                         brand.slug, brand.name, brand.timezone, brand.settings, brand.id);
  if (!updated) return Fail(Reword(updated.error(), fmt::format("a brand with slug '{}' already exists", brand.slug)));
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no brand with id {}", brand.id));
  return {};
}

Status SqliteStore::RemoveBrand(std::string_view slug, bool cascade) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto brand = LoadBrandBySlug(db_, slug);
  if (!brand) return Fail(brand.error());
  if (!cascade) {
    auto sources = QueryInt(db_, "SELECT count(*) FROM sources WHERE brand_id = ?", brand->id);
    if (!sources) return Fail(sources.error());
    auto posts = QueryInt(db_, "SELECT count(*) FROM posts WHERE brand_id = ?", brand->id);
    if (!posts) return Fail(posts.error());
    if (*sources > 0 || *posts > 0) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("brand '{}' still has {} sources and {} posts: remove them first, or remove the "
                              "brand with everything it has (--cascade)",
                              slug, *sources, *posts));
    }
  }
  // The foreign keys cascade to the brand's sources, posts and everything that hangs off them.
  if (auto removed = Execute(db_, "DELETE FROM brands WHERE id = ?", brand->id); !removed) return removed;
  return tx->Commit();
}

// ---- Sources.

Result<Source> SqliteStore::AddSource(const Source& source) {
  if (auto problem = CheckSourceName(source.name)) return Fail(ErrorCode::kInvalidArgument, *problem);
  auto settings = SettingsToJson(source.settings);
  if (!settings) return Fail(settings.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  if (auto brand = LoadBrandById(db_, source.brand_id); !brand) return Fail(brand.error());
  // Poll state starts empty: only the daemon writes it.
  auto added = Execute(db_,
                       "INSERT INTO sources (brand_id, name, platform, settings, poll_interval_s, paused, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       source.brand_id, source.name, source.platform, *settings, IntervalSeconds(source),
                       source.paused, Now());
  if (!added) return Fail(Reword(added.error(), fmt::format("a source named '{}' already exists", source.name)));
  auto stored = LoadSourceById(db_, sqlite3_last_insert_rowid(db_));
  if (!stored) return Fail(stored.error());
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<Source> SqliteStore::GetSource(std::string_view name) {
  Lock lock(*this);
  auto stmt = Query(db_, fmt::format("SELECT {} FROM sources WHERE name = ?", kSourceColumns), name);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Source>(*stmt, ReadSource, fmt::format("no source named '{}'", name));
}

Result<Source> SqliteStore::GetSourceById(std::int64_t id) {
  Lock lock(*this);
  return LoadSourceById(db_, id);
}

Result<std::vector<Source>> SqliteStore::ListSources(std::optional<std::int64_t> brand_id) {
  Lock lock(*this);
  auto stmt = brand_id ? Query(db_, fmt::format("SELECT {} FROM sources WHERE brand_id = ? ORDER BY name",
                                                kSourceColumns),
                               *brand_id)
                       : Query(db_, fmt::format("SELECT {} FROM sources ORDER BY name", kSourceColumns));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Source>(*stmt, ReadSource);
}

Status SqliteStore::UpdateSource(const Source& source) {
  if (auto problem = CheckSourceName(source.name)) return Fail(ErrorCode::kInvalidArgument, *problem);
  auto settings = SettingsToJson(source.settings);
  if (!settings) return Fail(settings.error());
  Lock lock(*this);
  auto updated = Execute(db_,
                         "UPDATE sources SET name = ?, platform = ?, settings = ?, poll_interval_s = ?, paused = ? "
                         "WHERE id = ?",
                         source.name, source.platform, *settings, IntervalSeconds(source), source.paused, source.id);
  if (!updated) {
    return Fail(Reword(updated.error(), fmt::format("a source named '{}' already exists", source.name)));
  }
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no source with id {}", source.id));
  return {};
}

Status SqliteStore::RemoveSource(std::string_view name) {
  Lock lock(*this);
  // posts.source_id (and deliveries.source_id) become NULL: the posts belong to the brand and stay.
  if (auto removed = Execute(db_, "DELETE FROM sources WHERE name = ?", name); !removed) return removed;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no source named '{}'", name));
  return {};
}

Status SqliteStore::ResetSourceHealth(std::int64_t source_id) {
  Lock lock(*this);
  auto reset = Execute(db_,
                       "UPDATE sources SET health = 'ok', consecutive_failures = 0, last_error = '', "
                       "next_poll_at = NULL WHERE id = ?",
                       source_id);
  if (!reset) return reset;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no source with id {}", source_id));
  return {};
}

// PRAGMA data_version changes when another connection commits. On the watch connection that is every
// commit, db_'s included, so `own` stays 0. Without it db_ is asked, and its own writes (triggers included)
// are counted by sqlite3_total_changes64, which counts rolled-back rows too (harmless: a change of generation
// only means "read again").
Result<StoreGeneration> SqliteStore::DataGeneration() {
  if (watch_ != nullptr) {
    std::lock_guard lock(watch_mu_);
    auto version = QueryInt(watch_, "PRAGMA data_version");
    if (!version) return Fail(version.error());
    return StoreGeneration{*version, 0};
  }
  Lock lock(*this);
  auto version = QueryInt(db_, "PRAGMA data_version");
  if (!version) return Fail(version.error());
  return StoreGeneration{*version, static_cast<std::int64_t>(sqlite3_total_changes64(db_))};
}

Result<std::int64_t> SqliteStore::ConfigGeneration() {
  Lock lock(*this);
  auto generation = QueryInt(db_, "SELECT generation FROM config_state WHERE id = 1");
  if (!generation && generation.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kMalformed, fmt::format("database {} has no config_state row", SqlitePath(db_)));
  }
  return generation;
}

// ---- Ingest.

Result<IngestReport> SqliteStore::IngestPage(std::int64_t source_id, std::span<const Post> posts,
                                             std::string_view next_cursor, Timestamp now,
                                             std::optional<Timestamp> next_poll_at) {
  Lock lock(*this);
  const std::string context = fmt::format("storing a page of source {}", source_id);
  // Everything below happens in this transaction or, on any early return, not at all.
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error().WithContext(context));
  auto brand_id = QueryInt(db_, "SELECT brand_id FROM sources WHERE id = ?", source_id);
  if (!brand_id) {
    return Fail(brand_id.error().code == ErrorCode::kNotFound
                    ? Error{ErrorCode::kNotFound, fmt::format("no source with id {}", source_id), std::nullopt}
                    : brand_id.error().WithContext(context));
  }
  auto statements = PrepareIngest(db_);
  if (!statements) return Fail(statements.error().WithContext(context));

  auto report = IngestPosts(db_, *statements, *brand_id, source_id, posts, now);
  if (!report) return Fail(report.error().WithContext(context));

  auto polled = Execute(db_,
                        "UPDATE sources SET cursor = ?, health = 'ok', consecutive_failures = 0, last_error = '', "
                        "last_poll_at = ?, next_poll_at = ? WHERE id = ?",
                        next_cursor, now, next_poll_at, source_id);
  if (!polled) return Fail(polled.error().WithContext(context));
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error().WithContext(context));
  return *report;
}

Status SqliteStore::RecordPollFailure(std::int64_t source_id, const PollFailure& failure, Timestamp now) {
  Lock lock(*this);
  auto recorded = Execute(db_,
                          "UPDATE sources SET health = ?, consecutive_failures = ?, last_error = ?, last_poll_at = ?, "
                          "next_poll_at = ? WHERE id = ?",
                          SourceHealthName(failure.health), failure.consecutive_failures, failure.error, now,
                          failure.next_poll_at, source_id);
  if (!recorded) return recorded;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no source with id {}", source_id));
  return {};
}

// ---- Posts.

Result<std::vector<StoredPost>> SqliteStore::ListPosts(const PostFilter& filter) {
  if (filter.limit > kMaxListLimit) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("at most {} posts can be listed at once, not {}", kMaxListLimit, filter.limit));
  }
  // The SQL is put together from fixed pieces; every value is a bound parameter.
  std::string sql = fmt::format("SELECT {} FROM posts WHERE 1", kPostColumns);
  std::vector<std::int64_t> params;
  if (filter.brand_id) {
    sql += " AND brand_id = ?";
    params.push_back(*filter.brand_id);
  }
  if (filter.source_id) {
    sql += " AND source_id = ?";
    params.push_back(*filter.source_id);
  }
  if (filter.since) {
    sql += " AND created_at >= ?";
    params.push_back(ToUnixMillis(*filter.since));
  }
  if (filter.before_id) {
    sql += " AND id < ?";
    params.push_back(*filter.before_id);
  }
  if (!filter.include_deleted) sql += " AND deleted_at IS NULL";
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(static_cast<std::int64_t>(filter.limit));

  Lock lock(*this);
  auto stmt = SqliteStatement::Prepare(db_, sql);
  if (!stmt) return Fail(stmt.error());
  for (std::size_t i = 0; i < params.size(); ++i) stmt->Bind(static_cast<int>(i + 1), params[i]);
  return ReadAll<StoredPost>(*stmt, ReadPost);
}

Result<StoredPost> SqliteStore::GetPost(std::int64_t post_id) {
  Lock lock(*this);
  auto stmt = Query(db_, fmt::format("SELECT {} FROM posts WHERE id = ?", kPostColumns), post_id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<StoredPost>(*stmt, ReadPost, fmt::format("no post with id {}", post_id));
}

Result<std::vector<PostRevision>> SqliteStore::PostHistory(std::int64_t post_id) {
  Lock lock(*this);
  // One read transaction, so that the post cannot go between the two statements.
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);
  if (!tx) return Fail(tx.error());
  auto exists = QueryInt(db_, "SELECT count(*) FROM posts WHERE id = ?", post_id);
  if (!exists) return Fail(exists.error());
  if (*exists == 0) return Fail(ErrorCode::kNotFound, fmt::format("no post with id {}", post_id));
  auto stmt = Query(db_,
                    "SELECT revision, text, edited_at, replaced_at FROM post_revisions WHERE post_id = ? "
                    "ORDER BY revision",
                    post_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<PostRevision>(*stmt, [](const SqliteStatement& row) {
    return PostRevision{static_cast<int>(row.Int(0)), row.Text(1), row.OptionalTime(2), row.Time(3)};
  });
}

Result<std::int64_t> SqliteStore::CountPosts(std::optional<std::int64_t> brand_id) {
  Lock lock(*this);
  if (brand_id) return QueryInt(db_, "SELECT count(*) FROM posts WHERE brand_id = ?", *brand_id);
  return QueryInt(db_, "SELECT count(*) FROM posts");
}

}  // namespace odziv::daemon

// ---- Assessments, cases and users.

namespace odziv::daemon::sqlite_rows {

// The definitions of sqlite_rows.h.

std::string StringsToJson(const std::vector<std::string>& items) {
  web::json::value array = web::json::value::array();
  for (const std::string& item : items) array[array.size()] = web::json::value::string(item);
  return array.serialize();
}

Status CheckJsonStrings(const std::vector<std::string>& items, std::string_view what) {
  for (const std::string& item : items)
    if (!platforms::IsValidUtf8(item)) return Fail(ErrorCode::kInvalidArgument, fmt::format("{} must be UTF-8 text", what));
  return {};
}

Status CheckUserLists(const User& user) {
  if (auto checked = CheckJsonStrings(user.languages, "a user's languages"); !checked) return checked;
  return CheckJsonStrings(user.platforms, "a user's platforms");
}

Result<std::vector<std::string>> StringsFromJson(const std::string& text, std::string_view what) {
  try {
    web::json::value value = web::json::value::parse(text.empty() ? "[]" : text);
    if (!value.is_array()) return Fail(ErrorCode::kMalformed, fmt::format("stored {} is not a JSON array", what));
    std::vector<std::string> out;
    for (const auto& item : value.as_array()) {
      if (!item.is_string()) return Fail(ErrorCode::kMalformed, fmt::format("stored {} holds a non-string", what));
      out.push_back(item.as_string());
    }
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("stored {} is not valid JSON: {}", what, e.what()));
  }
}

Result<Case> ReadCase(const SqliteStatement& row) {
  Case c;
  c.id = row.Int(0);
  c.brand_id = row.Int(1);
  auto state = ParseCaseState(row.Text(2));
  if (!state) return Fail(ErrorCode::kMalformed, fmt::format("case {} has an unknown status '{}'", c.id, row.Text(2)));
  c.state = *state;
  c.priority = static_cast<int>(row.Int(3));
  c.platform = row.Text(4);
  c.thread_id = row.Text(5);
  c.author_id = row.Text(6);
  c.author_handle = row.Text(7);
  c.language = row.Text(8);
  c.first_post_id = row.OptionalInt(9).value_or(0);
  c.sla_policy = row.Text(10);
  c.sla_started_at = row.OptionalTime(11);
  c.sla_budget = std::chrono::milliseconds(row.Int(12));
  c.due_at = row.OptionalTime(13);
  c.paused_at = row.OptionalTime(14);
  c.escalation_percent = static_cast<int>(row.Int(15));
  c.escalated_at = row.OptionalTime(16);
  c.assignee_id = row.OptionalInt(17);
  c.reply_external_id = row.Text(18);
  c.replied_at = row.OptionalTime(19);
  c.reply_post_id = row.OptionalInt(20);
  c.confirmed_at = row.OptionalTime(21);
  if (const std::string reason = row.Text(22); !reason.empty()) {
    c.close_reason = ParseCloseReason(reason);
    if (!c.close_reason) {
      return Fail(ErrorCode::kMalformed, fmt::format("case {} has an unknown close reason '{}'", c.id, reason));
    }
  }
  c.close_note = row.Text(23);
  c.closed_by = row.Text(24);
  c.closed_at = row.OptionalTime(25);
  c.opened_at = row.Time(26);
  c.updated_at = row.Time(27);
  c.last_post_at = row.Time(28);
  c.version = row.Int(29);
  return c;
}

Result<StoredPost> ReadPost(const SqliteStatement& row) {
  StoredPost stored;
  stored.id = row.Int(0);
  stored.brand_id = row.Int(1);
  stored.source_id = row.OptionalInt(2).value_or(0);  // NULL once the source is removed
  Post& post = stored.post;
  post.platform = row.Text(3);
  post.external_id = row.Text(4);
  auto kind = ParsePostKind(row.Text(5));
  if (!kind) return Fail(ErrorCode::kMalformed, fmt::format("post {} has an unknown kind", stored.id));
  post.kind = *kind;
  post.thread_id = row.Text(6);
  post.parent_id = row.Text(7);
  post.author = Author{row.Text(8), row.Text(9), row.Text(10), row.Int(11)};
  post.text = row.Text(12);
  post.language = row.Text(13);
  if (auto rating = row.OptionalInt(14)) post.rating = static_cast<int>(*rating);
  post.url = row.Text(15);
  post.created_at = row.Time(16);
  post.edited_at = row.OptionalTime(17);
  post.deleted_at = row.OptionalTime(18);
  post.metrics = PostMetrics{row.Int(19), row.Int(20), row.Int(21), row.Int(22)};
  post.from_brand = row.Int(23) != 0;
  stored.fetched_at = row.Time(24);
  stored.updated_at = row.Time(25);
  stored.revision = static_cast<int>(row.Int(26));
  return stored;
}

Result<Assessment> ReadAssessment(const SqliteStatement& row, int first) {
  Assessment a;
  a.sentiment = row.Real(first);
  const std::string label = row.Text(first + 1);
  a.label = label == "neg" ? SentimentLabel::kNegative
                           : (label == "pos" ? SentimentLabel::kPositive : SentimentLabel::kNeutral);
  a.confidence = row.Real(first + 2);
  a.language = row.Text(first + 3);
  a.script = row.Text(first + 4);
  auto topics = StringsFromJson(row.Text(first + 5), "assessment topics");
  if (!topics) return Fail(topics.error());
  a.topics = std::move(*topics);
  auto intents = StringsFromJson(row.Text(first + 6), "assessment intents");
  if (!intents) return Fail(intents.error());
  a.intents = std::move(*intents);
  a.urgency = static_cast<int>(row.Int(first + 7));
  a.priority = static_cast<int>(row.Int(first + 8));
  auto reasons = StringsFromJson(row.Text(first + 9), "assessment reasons");
  if (!reasons) return Fail(reasons.error());
  a.reasons = std::move(*reasons);
  a.model_version = row.Text(first + 10);
  return a;
}

std::string_view CloseReasonColumn(const Case& c) { return c.close_reason ? CloseReasonName(*c.close_reason) : ""; }

Result<Case> LoadCase(sqlite3* db, std::int64_t id) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM cases WHERE id = ?", kCaseColumns), id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Case>(*stmt, ReadCase, fmt::format("no case with id {}", id));
}

}  // namespace odziv::daemon::sqlite_rows

namespace odziv::daemon {
namespace {

using namespace sqlite_rows;

// The audit event, joined posts and alerts of one change to case `c`.
Status ApplyCaseChange(sqlite3* db, const Case& c, const CaseChange& change, Timestamp now) {
  auto audited = Execute(db,
                         "INSERT INTO audit_events (at, user_id, actor, brand_id, action, subject, details) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         now, change.user_id, change.actor, c.brand_id, change.action, fmt::format("case:{}", c.id),
                         change.details.empty() ? std::string("{}") : change.details);
  if (!audited) return audited;
  for (std::int64_t post_id : change.add_post_ids) {
    auto added = Execute(db, "INSERT OR IGNORE INTO case_posts (case_id, post_id, added_at) VALUES (?, ?, ?)", c.id,
                         post_id, now);
    if (!added) return Fail(added.error().WithContext(fmt::format("adding post {} to case {}", post_id, c.id)));
  }
  for (const Alert& alert : change.alerts) {
    auto written = Execute(db,
                           "INSERT OR IGNORE INTO alerts (brand_id, case_id, route, kind, dedup_key, payload, status, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                           c.brand_id, c.id, alert.route, alert.kind, alert.dedup_key,
                           alert.payload.empty() ? std::string("{}") : alert.payload, now);
    if (!written) return written;
  }
  return {};
}

// Users are read with sqlite_rows::ReadUserRow and LoadBrandRoles (sqlite_store_auth.cpp).
template <class... T>
Result<User> LoadUser(sqlite3* db, std::string_view where, std::string not_found, const T&... params) {
  auto stmt = Query(db, fmt::format("SELECT {} FROM users WHERE {}", kUserColumns, where), params...);
  if (!stmt) return Fail(stmt.error());
  auto user = ReadOne<User>(*stmt, ReadUserRow, std::move(not_found));
  if (!user) return user;
  if (auto roles = LoadBrandRoles(db, *user); !roles) return Fail(roles.error());
  return user;
}

}  // namespace

Status SqliteStore::SaveAssessment(std::int64_t post_id, const Assessment& a, const TriageRecord& triage,
                                   Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto revision = QueryInt(db_, "SELECT revision FROM posts WHERE id = ?", post_id);
  if (!revision) {
    if (revision.error().code == ErrorCode::kNotFound)
      return Fail(ErrorCode::kNotFound, fmt::format("no post with id {}", post_id));
    return Fail(revision.error());
  }
  auto saved = Execute(db_,
                       "INSERT INTO assessments (post_id, post_revision, sentiment, label, confidence, language, "
                       "script, topics, intents, urgency, priority, reasons, model_version, assessed_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       post_id, *revision, a.sentiment, SentimentLabelName(a.label), a.confidence, a.language,
                       a.script, StringsToJson(a.topics), StringsToJson(a.intents), a.urgency, a.priority,
                       StringsToJson(a.reasons), a.model_version, now);
  if (!saved) return Fail(saved.error().WithContext(fmt::format("saving the assessment of post {}", post_id)));
  auto recorded = Execute(db_,
                          "INSERT OR REPLACE INTO post_triage (post_id, brand_id, created_at, needs_answer, reason, "
                          "in_case) SELECT id, brand_id, created_at, ?, ?, EXISTS (SELECT 1 FROM case_posts WHERE "
                          "post_id = posts.id) FROM posts WHERE id = ?",
                          triage.needs_answer, triage.reason, post_id);
  if (!recorded) return Fail(recorded.error().WithContext(fmt::format("recording the triage of post {}", post_id)));
  return tx->Commit();
}

Result<Assessment> SqliteStore::GetAssessment(std::int64_t post_id) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM assessments WHERE post_id = ? ORDER BY id DESC LIMIT 1",
                                kAssessmentColumns),
                    post_id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<Assessment>(
      *stmt, [](const SqliteStatement& row) { return ReadAssessment(row, 0); },
      fmt::format("post {} has no assessment", post_id));
}

Result<std::vector<StoredPost>> SqliteStore::ListUnassessedPosts(std::optional<std::int64_t> brand_id,
                                                                 std::size_t limit, std::int64_t after_id) {
  if (limit > kMaxListLimit) return Fail(ErrorCode::kInvalidArgument, "at most 10000 posts can be listed at once");
  std::string sql = fmt::format(
      "SELECT {} FROM posts WHERE id > ? AND deleted_at IS NULL AND from_brand = 0 AND NOT EXISTS (SELECT 1 FROM "
      "assessments WHERE assessments.post_id = posts.id AND assessments.post_revision = posts.revision)",
      kPostColumns);
  std::vector<SqlValue> params;
  params.emplace_back(after_id);
  if (brand_id) {
    sql += " AND brand_id = ?";
    params.emplace_back(*brand_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit));
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<StoredPost>(*stmt, ReadPost);
}

Result<Case> SqliteStore::CreateCase(const Case& c, const CaseChange& change, Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  if (auto brand = LoadBrandById(db_, c.brand_id); !brand) return Fail(brand.error());
  auto post = QueryInt(db_, "SELECT count(*) FROM posts WHERE id = ? AND brand_id = ?", c.first_post_id, c.brand_id);
  if (!post) return Fail(post.error());
  if (*post == 0) {
    return Fail(ErrorCode::kNotFound, fmt::format("no post {} of brand {} to open a case for", c.first_post_id,
                                                  c.brand_id));
  }
  auto inserted = Execute(
      db_,
      "INSERT INTO cases (brand_id, status, priority, platform, thread_id, author_id, author_handle, language, "
      "first_post_id, sla_policy, sla_started_at, sla_budget_ms, sla_due_at, paused_at, escalation_percent, "
      "escalated_at, assignee_id, reply_external_id, replied_at, reply_post_id, confirmed_at, close_reason, "
      "close_note, closed_by_actor, closed_at, opened_at, updated_at, last_post_at, version) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
      c.brand_id, CaseStateName(c.state), c.priority, c.platform, c.thread_id, c.author_id, c.author_handle,
      c.language, c.first_post_id, c.sla_policy, c.sla_started_at, static_cast<std::int64_t>(c.sla_budget.count()),
      c.due_at, c.paused_at, c.escalation_percent, c.escalated_at, c.assignee_id, c.reply_external_id, c.replied_at,
      c.reply_post_id, c.confirmed_at, CloseReasonColumn(c), c.close_note, c.closed_by, c.closed_at, now, now,
      c.last_post_at);
  if (!inserted) return Fail(inserted.error().WithContext("opening a case"));
  auto stored = LoadCase(db_, sqlite3_last_insert_rowid(db_));
  if (!stored) return Fail(stored.error());
  CaseChange with_first = change;
  with_first.add_post_ids.insert(with_first.add_post_ids.begin(), c.first_post_id);
  if (auto applied = ApplyCaseChange(db_, *stored, with_first, now); !applied) return Fail(applied.error());
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<Case> SqliteStore::UpdateCase(const Case& c, const CaseChange& change, Timestamp now) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto updated = Execute(
      db_,
      "UPDATE cases SET status = ?, priority = ?, platform = ?, thread_id = ?, author_id = ?, author_handle = ?, "
      "language = ?, sla_policy = ?, sla_started_at = ?, sla_budget_ms = ?, sla_due_at = ?, paused_at = ?, "
      "escalation_percent = ?, escalated_at = ?, assignee_id = ?, reply_external_id = ?, replied_at = ?, "
      "reply_post_id = ?, confirmed_at = ?, close_reason = ?, close_note = ?, closed_by_actor = ?, closed_at = ?, "
      "last_post_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
      CaseStateName(c.state), c.priority, c.platform, c.thread_id, c.author_id, c.author_handle, c.language,
      c.sla_policy, c.sla_started_at, static_cast<std::int64_t>(c.sla_budget.count()), c.due_at, c.paused_at,
      c.escalation_percent, c.escalated_at, c.assignee_id, c.reply_external_id, c.replied_at, c.reply_post_id,
      c.confirmed_at, CloseReasonColumn(c), c.close_note, c.closed_by, c.closed_at, c.last_post_at, now, c.id,
      c.version);
  if (!updated) return Fail(updated.error().WithContext(fmt::format("updating case {}", c.id)));
  if (sqlite3_changes(db_) == 0) {
    auto exists = LoadCase(db_, c.id);
    if (!exists) return Fail(exists.error());
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("case {} was changed by someone else meanwhile (version {}, not {})", c.id,
                            exists->version, c.version));
  }
  auto stored = LoadCase(db_, c.id);
  if (!stored) return Fail(stored.error());
  if (auto applied = ApplyCaseChange(db_, *stored, change, now); !applied) return Fail(applied.error());
  // An answered or closed case needs no draft: one still waiting in the queue leaves it.
  if (stored->state == CaseState::kConfirmed || stored->state == CaseState::kClosed) {
    auto withdrawn = Execute(db_,
                             "UPDATE drafts SET status = 'superseded', decided_by_actor = ?, decided_at = ?, "
                             "version = version + 1 WHERE case_id = ? AND status = 'pending'",
                             change.actor, now, c.id);
    if (!withdrawn) return Fail(withdrawn.error());
  }
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<Case> SqliteStore::GetCase(std::int64_t case_id) {
  Lock lock(*this);
  return LoadCase(db_, case_id);
}

Result<std::vector<Case>> SqliteStore::ListCases(const CaseFilter& filter) {
  if (filter.limit > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument, "at most 10000 cases can be listed at once");
  // Fixed pieces of SQL; every value is a bound parameter.
  std::string sql = fmt::format("SELECT {} FROM cases WHERE 1", kCaseColumns);
  std::vector<SqlValue> params;
  if (filter.brand_id) {
    sql += " AND brand_id = ?";
    params.emplace_back(*filter.brand_id);
  }
  if (!filter.states.empty()) {
    sql += " AND status IN (";
    for (std::size_t i = 0; i < filter.states.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back(std::string(CaseStateName(filter.states[i])));
    }
    sql += ")";
  }
  if (filter.assignee_id) {
    sql += " AND assignee_id = ?";
    params.emplace_back(*filter.assignee_id);
  }
  if (filter.overdue_at) {
    sql += " AND status IN ('open', 'awaiting_approval', 'replied') AND paused_at IS NULL AND sla_due_at < ?";
    params.emplace_back(ToUnixMillis(*filter.overdue_at));
  }
  if (filter.platform) {
    sql += " AND platform = ?";
    params.emplace_back(*filter.platform);
  }
  if (filter.thread_id) {
    sql += " AND thread_id = ?";
    params.emplace_back(*filter.thread_id);
  }
  if (filter.author_id) {
    sql += " AND author_id = ?";
    params.emplace_back(*filter.author_id);
  }
  if (filter.author_handle) {
    sql += " AND author_handle = ?";
    params.emplace_back(*filter.author_handle);
  }
  if (filter.before_id) {
    sql += " AND id < ?";
    params.emplace_back(*filter.before_id);
  }
  sql += filter.most_urgent_first
             ? " ORDER BY escalation_percent DESC, sla_due_at IS NULL, sla_due_at, priority, id DESC LIMIT ?"
             : " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit));
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Case>(*stmt, ReadCase);
}

Result<std::vector<StoredPost>> SqliteStore::CasePosts(std::int64_t case_id) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);
  if (!tx) return Fail(tx.error());
  if (auto c = LoadCase(db_, case_id); !c) return Fail(c.error());
  std::string columns;
  for (std::string_view rest = kPostColumns; !rest.empty();) {
    const auto comma = rest.find(", ");
    columns += fmt::format("{}posts.{}", columns.empty() ? "" : ", ", rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM case_posts JOIN posts ON posts.id = case_posts.post_id "
                                "WHERE case_posts.case_id = ? ORDER BY posts.created_at, posts.id",
                                columns),
                    case_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<StoredPost>(*stmt, ReadPost);
}

Result<std::vector<Case>> SqliteStore::CasesOfPost(std::int64_t post_id) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM cases WHERE id IN (SELECT case_id FROM case_posts WHERE post_id = ?) "
                                "ORDER BY id DESC",
                                kCaseColumns),
                    post_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Case>(*stmt, ReadCase);
}

Result<std::vector<AuditEvent>> SqliteStore::ListAuditEvents(std::string_view subject) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    "SELECT id, at, user_id, actor, brand_id, action, subject, details FROM audit_events "
                    "WHERE subject = ? ORDER BY id",
                    subject);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<AuditEvent>(*stmt, [](const SqliteStatement& row) {
    return AuditEvent{row.Int(0),          row.Time(1),  row.OptionalInt(2), row.Text(3),
                      row.OptionalInt(4), row.Text(5), row.Text(6),        row.Text(7)};
  });
}

namespace sqlite_rows {
Alert ReadAlert(const SqliteStatement& row) {
  return Alert{row.Int(0),  row.Int(1),  row.OptionalInt(2), row.Text(3), row.Text(4), row.Text(5),
               row.Text(6), row.Text(7), row.Time(8),        static_cast<int>(row.Int(9)), row.Text(10)};
}
}  // namespace sqlite_rows

Result<std::vector<Alert>> SqliteStore::ListAlerts(std::optional<std::int64_t> case_id) {
  Lock lock(*this);
  auto stmt = case_id ? Query(db_, fmt::format("SELECT {} FROM alerts WHERE case_id = ? ORDER BY id", kAlertColumns),
                              *case_id)
                      : Query(db_, fmt::format("SELECT {} FROM alerts ORDER BY id", kAlertColumns));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Alert>(*stmt, ReadAlert);
}

Result<std::vector<Alert>> SqliteStore::ListDueAlerts(Timestamp now, std::size_t limit) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM alerts WHERE status = 'pending' AND "
                                "(next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?",
                                kAlertColumns),
                    now, static_cast<std::int64_t>(std::min(limit, kMaxListLimit)));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Alert>(*stmt, ReadAlert);
}

Status SqliteStore::RecordAlertAttempt(std::int64_t alert_id, std::string_view status,
                                       std::optional<Timestamp> next_attempt_at, std::string_view error,
                                       Timestamp now) {
  if (status != "sent" && status != "pending" && status != "failed")
    return Fail(ErrorCode::kInvalidArgument, fmt::format("alert status '{}' is not sent, pending or failed", status));
  Lock lock(*this);
  std::optional<Timestamp> sent_at;
  if (status == "sent") sent_at = now;
  auto recorded = Execute(db_,
                          "UPDATE alerts SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
                          "sent_at = ? WHERE id = ?",
                          status, next_attempt_at, error, sent_at, alert_id);
  if (!recorded) return recorded;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no alert with id {}", alert_id));
  return {};
}

namespace {

// The columns of a PostOutcome row: the post, then a flag and the columns of the newest assessment (alias a), of
// the latest case (alias c; NULLs when `with_case` is false) and of the triage record (alias t).
std::string OutcomeColumns(bool with_case) {
  std::string cases = Qualified(kCaseColumns, "c");
  if (!with_case) {
    cases = "NULL";
    for (int i = 1; i < ColumnCount(kCaseColumns); ++i) cases += ", NULL";
  }
  return fmt::format("{}, a.id IS NOT NULL, {}, {}, {}, t.post_id IS NOT NULL, t.needs_answer, t.reason",
                     Qualified(kPostColumns, "p"), Qualified(kAssessmentColumns, "a"),
                     with_case ? "c.id IS NOT NULL" : "0", cases);
}

// Appends the rows of `stmt`, selected with OutcomeColumns, to `out`.
Status ReadOutcomes(SqliteStatement& stmt, std::vector<PostOutcome>& out) {
  static const int kAssessmentAt = ColumnCount(kPostColumns) + 1;
  static const int kCaseAt = kAssessmentAt + ColumnCount(kAssessmentColumns) + 1;
  static const int kTriageAt = kCaseAt + ColumnCount(kCaseColumns) + 1;
  for (;;) {
    auto more = stmt.Step();
    if (!more) return Fail(more.error());
    if (!*more) return {};
    stmt.SetColumnBase(0);
    auto post = ReadPost(stmt);
    if (!post) return Fail(post.error());
    PostOutcome outcome{std::move(*post), std::nullopt, std::nullopt, std::nullopt};
    if (stmt.Int(kAssessmentAt - 1) != 0) {
      auto a = ReadAssessment(stmt, kAssessmentAt);
      if (!a) return Fail(a.error());
      outcome.assessment = std::move(*a);
    }
    if (stmt.Int(kCaseAt - 1) != 0) {
      stmt.SetColumnBase(kCaseAt);
      auto c = ReadCase(stmt);
      stmt.SetColumnBase(0);
      if (!c) return Fail(c.error());
      outcome.latest_case = std::move(*c);
    }
    if (stmt.Int(kTriageAt - 1) != 0) outcome.triage = TriageRecord{stmt.Int(kTriageAt) != 0, stmt.Text(kTriageAt + 1)};
    out.push_back(std::move(outcome));
  }
}

}  // namespace

Result<std::vector<PostOutcome>> SqliteStore::ListPostOutcomes(const OutcomeFilter& filter) {
  if (filter.limit > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument, "at most 10000 posts can be listed at once");
  // One statement per page, walking the posts in id order (the brand's posts_by_brand range for one brand)
  // from the previous page's last id, so that a page costs its length whatever the number of posts before it;
  // the newest assessment, the latest case and the triage record come by index.
  std::string sql = fmt::format(
      "SELECT {} FROM posts p "
      "LEFT JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE post_id = p.id) "
      "LEFT JOIN cases c ON c.id = (SELECT max(case_id) FROM case_posts WHERE post_id = p.id) "
      "LEFT JOIN post_triage t ON t.post_id = p.id "
      "WHERE p.from_brand = 0",
      OutcomeColumns(/*with_case=*/true));
  std::vector<SqlValue> params;
  const std::string brand = filter.brand_id ? " AND brand_id = ?" : "";
  if (filter.since && filter.after_id == 0) {
    // The first page of a period starts at the period's lowest id, found in the creation-time index, instead
    // of walking every older post; later pages start after the previous one. (SQLite seeks by one bound on
    // the id only, so this one replaces "id > after_id"; without INDEXED BY it would read min(id) by walking
    // the table from its first row.)
    sql += fmt::format(" AND p.id >= (SELECT min(id) FROM posts INDEXED BY {} WHERE created_at >= ?{})",
                       filter.brand_id ? "posts_by_brand_created" : "posts_by_created", brand);
    params.emplace_back(ToUnixMillis(*filter.since));
    if (filter.brand_id) params.emplace_back(*filter.brand_id);
  } else {
    sql += " AND p.id > ?";
    params.emplace_back(filter.after_id);
  }
  Lock lock(*this);
  if (filter.unrecorded_only) {
    // Nothing to walk above the last post judged before triage was recorded: on a database created since,
    // not even the period's first id is looked up (that reads the period's part of posts_by_created).
    auto last = QueryInt(db_, "SELECT last_unrecorded_post_id FROM triage_record_start WHERE id = 1");
    if (!last) return Fail(last.error());
    if (*last <= filter.after_id) return std::vector<PostOutcome>{};
    sql += " AND p.id <= ? AND t.post_id IS NULL AND NOT EXISTS (SELECT 1 FROM case_posts WHERE post_id = p.id)";
    params.emplace_back(*last);
  }
  if (filter.brand_id) {
    sql += " AND p.brand_id = ?";
    params.emplace_back(*filter.brand_id);
  }
  if (filter.since) {
    sql += " AND p.created_at >= ?";
    params.emplace_back(ToUnixMillis(*filter.since));
  }
  sql += " ORDER BY p.id LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit));
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  std::vector<PostOutcome> out;
  out.reserve(std::min<std::size_t>(filter.limit, 1024));
  if (auto read = ReadOutcomes(*stmt, out); !read) return Fail(read.error());
  return out;
}

Result<std::vector<UnansweredCandidate>> SqliteStore::ListUnansweredCandidates(std::optional<std::int64_t> brand_id,
                                                                              std::optional<Timestamp> since) {
  const std::int64_t since_ms = since ? ToUnixMillis(*since) : INT64_MIN;
  // Two small sets instead of the period's posts, each row only the columns the audit uses. The posts of the
  // unanswered cases (cases_by_status or a (brand_id, status) index), each kept when that case is its latest.
  constexpr std::string_view kPost =
      "p.id, p.brand_id, p.platform, p.external_id, CASE WHEN p.author_handle = '' THEN p.author_id ELSE "
      "p.author_handle END, p.url, p.created_at";
  std::string by_case = fmt::format(
      "SELECT {}, c.id, c.status, c.sla_due_at, c.first_post_id, t.post_id IS NOT NULL, t.needs_answer, t.reason "
      "FROM cases c JOIN case_posts cp ON cp.case_id = c.id JOIN posts p ON p.id = cp.post_id "
      "LEFT JOIN post_triage t ON t.post_id = p.id "
      "WHERE c.status IN ('open', 'awaiting_approval', 'replied'){} AND p.from_brand = 0 AND p.created_at >= ? "
      "AND cp.case_id = (SELECT max(case_id) FROM case_posts WHERE post_id = p.id)",
      kPost, brand_id ? " AND c.brand_id = ?" : "");
  // The posts triage said needed an answer that are in no case, from the partial index that holds only those.
  std::string without_case = fmt::format(
      "SELECT {}, NULL, NULL, NULL, NULL, 1, t.needs_answer, t.reason "
      "FROM post_triage t INDEXED BY post_triage_unanswered JOIN posts p ON p.id = t.post_id "
      "WHERE t.needs_answer = 1 AND t.in_case = 0 AND t.created_at >= ?{} AND p.deleted_at IS NULL AND "
      "p.from_brand = 0 AND NOT EXISTS (SELECT 1 FROM case_posts WHERE post_id = p.id)",
      kPost, brand_id ? " AND t.brand_id = ?" : "");
  std::vector<SqlValue> by_case_params;
  if (brand_id) by_case_params.emplace_back(*brand_id);
  by_case_params.emplace_back(since_ms);
  std::vector<SqlValue> without_case_params;
  without_case_params.emplace_back(since_ms);
  if (brand_id) without_case_params.emplace_back(*brand_id);

  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);  // one snapshot for both
  if (!tx) return Fail(tx.error());
  std::vector<UnansweredCandidate> out;
  for (const auto& [sql, params] :
       {std::pair{&by_case, &by_case_params}, std::pair{&without_case, &without_case_params}}) {
    auto stmt = QueryWith(db_, *sql, *params);
    if (!stmt) return Fail(stmt.error());
    for (;;) {
      auto more = stmt->Step();
      if (!more) return Fail(more.error());
      if (!*more) break;
      UnansweredCandidate row;
      row.post_id = stmt->Int(0);
      row.brand_id = stmt->Int(1);
      row.platform = stmt->Text(2);
      row.external_id = stmt->Text(3);
      row.author = stmt->Text(4);
      row.url = stmt->Text(5);
      row.created_at = FromUnixMillis(stmt->Int(6));
      if (auto case_id = stmt->OptionalInt(7)) {
        auto state = ParseCaseState(stmt->Text(8));
        if (!state)
          return Fail(ErrorCode::kInternal, fmt::format("case {}: unknown state '{}'", *case_id, stmt->Text(8)));
        row.latest_case = UnansweredCandidate::LatestCase{*case_id, *state, stmt->OptionalTime(9), stmt->Int(10)};
      }
      if (stmt->Int(11) != 0) row.triage = TriageRecord{stmt->Int(12) != 0, stmt->Text(13)};
      out.push_back(std::move(row));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const UnansweredCandidate& x, const UnansweredCandidate& y) { return x.post_id < y.post_id; });
  return out;
}

Result<StoredPost> SqliteStore::FindPost(std::int64_t brand_id, std::string_view platform,
                                         std::string_view external_id) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM posts WHERE brand_id = ? AND platform = ? AND external_id = ?",
                                kPostColumns),
                    brand_id, platform, external_id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<StoredPost>(*stmt, ReadPost,
                             fmt::format("no post {}/{} of brand {}", platform, external_id, brand_id));
}

Result<std::vector<StoredPost>> SqliteStore::ListThreadPosts(std::int64_t brand_id, std::string_view platform,
                                                             std::string_view thread_id) {
  Lock lock(*this);
  // Three index lookups (thread, the root itself, direct replies) rather than one OR, which SQLite answers
  // by walking every post of the brand.
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM posts WHERE id IN ("
                                "SELECT id FROM posts WHERE brand_id = ?1 AND platform = ?2 AND thread_id = ?3 "
                                "UNION ALL SELECT id FROM posts WHERE brand_id = ?1 AND platform = ?2 AND external_id = ?3 "
                                "UNION ALL SELECT id FROM posts WHERE brand_id = ?1 AND platform = ?2 AND parent_id = ?3) "
                                "ORDER BY created_at, id LIMIT 1000",
                                kPostColumns),
                    brand_id, platform, thread_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<StoredPost>(*stmt, ReadPost);
}

Result<User> SqliteStore::AddUser(const User& user) {
  if (auto problem = CheckSourceName(user.login)) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("login '{}': lower-case letters, digits, '.', '_' and '-', "
                                                         "1 to 64 characters",
                                                         user.login));
  }
  if (auto checked = CheckUserLists(user); !checked) return Fail(checked.error());
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  auto added = Execute(db_,
                       "INSERT INTO users (login, display_name, email, languages, platforms, disabled, is_admin, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       user.login, user.name, user.email, StringsToJson(user.languages), StringsToJson(user.platforms),
                       user.disabled, user.instance_admin, Now());
  if (!added) return Fail(Reword(added.error(), fmt::format("a user with login '{}' already exists", user.login)));
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  for (const auto& [brand_id, role] : user.brand_roles) {
    if (auto brand = LoadBrandById(db_, brand_id); !brand) return Fail(brand.error());
    auto granted =
        Execute(db_, "INSERT INTO user_brands (user_id, brand_id, role) VALUES (?, ?, ?)", id, brand_id, role);
    if (!granted) return Fail(granted.error());
  }
  auto stored = LoadUser(db_, "id = ?", fmt::format("no user with id {}", id), id);
  if (!stored) return Fail(stored.error());
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error());
  return stored;
}

Result<User> SqliteStore::GetUser(std::string_view login) {
  Lock lock(*this);
  return LoadUser(db_, "login = ?", fmt::format("no user with login '{}'", login), login);
}

Result<User> SqliteStore::GetUserById(std::int64_t id) {
  Lock lock(*this);
  return LoadUser(db_, "id = ?", fmt::format("no user with id {}", id), id);
}

Result<std::vector<User>> SqliteStore::ListUsers(std::optional<std::int64_t> brand_id) {
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);
  if (!tx) return Fail(tx.error());
  auto stmt = brand_id ? Query(db_,
                               fmt::format("SELECT {} FROM users WHERE id IN (SELECT user_id FROM user_brands WHERE "
                                           "brand_id = ?) ORDER BY login",
                                           kUserColumns),
                               *brand_id)
                       : Query(db_, fmt::format("SELECT {} FROM users ORDER BY login", kUserColumns));
  if (!stmt) return Fail(stmt.error());
  auto users = ReadAll<User>(*stmt, ReadUserRow);
  if (!users) return users;
  for (User& user : *users)
    if (auto roles = LoadBrandRoles(db_, user); !roles) return Fail(roles.error());
  return users;
}

Result<std::vector<AssigneeLoad>> SqliteStore::AssigneeLoads(std::int64_t brand_id) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    "SELECT users.id, "
                    "(SELECT count(*) FROM cases WHERE cases.assignee_id = users.id AND cases.brand_id = ?1 AND "
                    "cases.status IN ('open', 'awaiting_approval', 'replied')), "
                    "(SELECT max(opened_at) FROM cases WHERE cases.assignee_id = users.id AND cases.brand_id = ?1) "
                    "FROM users JOIN user_brands ON user_brands.user_id = users.id "
                    "WHERE user_brands.brand_id = ?1 AND user_brands.role IN ('agent', 'lead', 'admin') AND "
                    "users.disabled = 0 ORDER BY users.id",
                    brand_id);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<AssigneeLoad>(*stmt, [](const SqliteStatement& row) {
    return AssigneeLoad{row.Int(0), row.Int(1), row.OptionalTime(2)};
  });
}

// ---- Alert statistics. Posts by brand and creation time use posts_by_brand_created; each post's newest
// assessment is found through assessments_by_post; cases through cases_by_brand_status; alerts through
// alerts_by_brand.

namespace {
// The newest assessment of post `p`, for joins.
constexpr std::string_view kNewestAssessment =
    "a.id = (SELECT max(id) FROM assessments WHERE post_id = p.id)";
}  // namespace

Result<SentimentCounts> SqliteStore::CountPostsBySentiment(std::int64_t brand_id, Timestamp from, Timestamp to) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT coalesce(a.label, ''), count(*) FROM posts p LEFT JOIN assessments a ON {} "
                                "WHERE p.brand_id = ? AND p.created_at >= ? AND p.created_at < ? "
                                "AND p.deleted_at IS NULL AND p.from_brand = 0 GROUP BY 1",
                                kNewestAssessment),
                    brand_id, from, to);
  if (!stmt) return Fail(stmt.error());
  SentimentCounts counts;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return counts;
    const std::string label = stmt->Text(0);
    const std::int64_t n = stmt->Int(1);
    if (label == "neg") counts.negative += n;
    else if (label == "neu") counts.neutral += n;
    else if (label == "pos") counts.positive += n;
    else counts.unassessed += n;
  }
}

Result<std::vector<PostOutcome>> SqliteStore::WorstPosts(std::int64_t brand_id, Timestamp from, Timestamp to,
                                                         std::size_t limit) {
  if (limit > kMaxListLimit) return Fail(ErrorCode::kInvalidArgument, "at most 10000 posts can be listed at once");
  std::string columns;
  for (std::string_view rest = kPostColumns; !rest.empty();) {
    const auto comma = rest.find(", ");
    columns += fmt::format("{}p.{}", columns.empty() ? "" : ", ", rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  std::string assessment_columns;
  for (std::string_view rest = kAssessmentColumns; !rest.empty();) {
    const auto comma = rest.find(", ");
    assessment_columns += fmt::format(", a.{}", rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {}{} FROM posts p JOIN assessments a ON {} "
                                "WHERE p.brand_id = ? AND p.created_at >= ? AND p.created_at < ? "
                                "AND p.deleted_at IS NULL AND p.from_brand = 0 AND a.label = 'neg' "
                                "ORDER BY a.priority, a.sentiment, p.author_reach DESC, p.id LIMIT ?",
                                columns, assessment_columns, kNewestAssessment),
                    brand_id, from, to, static_cast<std::int64_t>(limit));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<PostOutcome>(*stmt, [](const SqliteStatement& row) -> Result<PostOutcome> {
    auto post = ReadPost(row);
    if (!post) return Fail(post.error());
    auto assessment = ReadAssessment(row, 27);
    if (!assessment) return Fail(assessment.error());
    return PostOutcome{std::move(*post), std::move(*assessment), std::nullopt, std::nullopt};
  });
}

Result<CaseCounts> SqliteStore::CountUnansweredCases(std::int64_t brand_id, Timestamp now) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    "SELECT count(*), coalesce(sum(paused_at IS NULL AND sla_due_at < ?), 0) FROM cases "
                    "WHERE brand_id = ? AND status IN ('open', 'awaiting_approval', 'replied')",
                    now, brand_id);
  if (!stmt) return Fail(stmt.error());
  return ReadOne<CaseCounts>(
      *stmt, [](const SqliteStatement& row) { return CaseCounts{row.Int(0), row.Int(1)}; }, "no row");
}

Result<bool> SqliteStore::EnqueueAlert(const Alert& alert, std::optional<Timestamp> not_before, Timestamp now) {
  if (alert.dedup_key.empty()) return Fail(ErrorCode::kInvalidArgument, "an alert needs a dedup key");
  Lock lock(*this);
  auto written = Execute(db_,
                         "INSERT OR IGNORE INTO alerts (brand_id, case_id, route, kind, dedup_key, payload, status, "
                         "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                         alert.brand_id, alert.case_id, alert.route, alert.kind, alert.dedup_key,
                         alert.payload.empty() ? std::string("{}") : alert.payload, not_before, now);
  if (!written) return Fail(written.error().WithContext(fmt::format("writing alert {}", alert.dedup_key)));
  return sqlite3_changes(db_) > 0;
}

Result<std::int64_t> SqliteStore::CountSentAlerts(std::int64_t brand_id, std::string_view route, Timestamp since) {
  Lock lock(*this);
  return QueryInt(db_,
                  "SELECT count(*) FROM alerts WHERE brand_id = ? AND route = ? AND status = 'sent' AND sent_at >= ?",
                  brand_id, route, since);
}

Status SqliteStore::HoldAlert(std::int64_t alert_id, std::string_view status, std::optional<Timestamp> until,
                              std::string_view note) {
  if (status != "pending" && status != "suppressed")
    return Fail(ErrorCode::kInvalidArgument, fmt::format("alert status '{}' is not pending or suppressed", status));
  Lock lock(*this);
  auto held = Execute(db_, "UPDATE alerts SET status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?", status,
                      until, note, alert_id);
  if (!held) return held;
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, fmt::format("no alert with id {}", alert_id));
  return {};
}

Result<std::vector<Alert>> SqliteStore::ListBrandAlerts(std::int64_t brand_id, std::string_view status,
                                                        Timestamp from, Timestamp to, std::size_t limit) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM alerts WHERE brand_id = ? AND created_at >= ? AND created_at < ? "
                                "AND status = ? ORDER BY created_at, id LIMIT ?",
                                kAlertColumns),
                    brand_id, from, to, status, static_cast<std::int64_t>(std::min(limit, kMaxListLimit)));
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Alert>(*stmt, ReadAlert);
}

Result<std::optional<Alert>> SqliteStore::LatestAlert(std::int64_t brand_id, std::string_view kind) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    fmt::format("SELECT {} FROM alerts WHERE brand_id = ? AND kind = ? "
                                "ORDER BY created_at DESC, id DESC LIMIT 1",
                                kAlertColumns),
                    brand_id, kind);
  if (!stmt) return Fail(stmt.error());
  auto rows = ReadAll<Alert>(*stmt, ReadAlert);
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<Alert>();
  return std::optional<Alert>(std::move(rows->front()));
}

Result<std::vector<IngestReport>> SqliteStore::IngestPushed(std::span<const PushedPosts> pushes, Timestamp now) {
  Lock lock(*this);
  const std::string context = fmt::format("storing {} pushed deliveries", pushes.size());
  // The whole batch is one transaction: one fsync for many pushes is what makes bursts affordable.
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error().WithContext(context));
  auto statements = PrepareIngest(db_);
  if (!statements) return Fail(statements.error().WithContext(context));
  std::vector<IngestReport> reports;
  reports.reserve(pushes.size());
  for (const PushedPosts& push : pushes) {
    auto brand_id = QueryInt(db_, "SELECT brand_id FROM sources WHERE id = ?", push.source_id);
    if (!brand_id) {
      return Fail(brand_id.error().code == ErrorCode::kNotFound
                      ? Error{ErrorCode::kNotFound, fmt::format("no source with id {}", push.source_id), std::nullopt}
                      : brand_id.error().WithContext(context));
    }
    auto report = IngestPosts(db_, *statements, *brand_id, push.source_id, push.posts, now);
    if (!report) return Fail(report.error().WithContext(fmt::format("{}: source {}", context, push.source_id)));
    reports.push_back(std::move(*report));
  }
  if (auto committed = tx->Commit(); !committed) return Fail(committed.error().WithContext(context));
  return reports;
}

}  // namespace odziv::daemon
