#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "daemon/migrations.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/statement_log.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system's temp directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("odziv-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);
FakeClock test_clock(kT0);

std::unique_ptr<SqliteStore> OpenAt(const fs::path& file) {
  SqliteStoreOptions options;
  options.path = file;
  options.clock = &test_clock;
  auto store = SqliteStore::Open(options);
  if (!store) FAIL(Describe(store.error()));
  return std::move(*store);
}

// A store on a fresh file with one brand ("zrno") and one source ("zrno-x").
struct Fixture {
  TempDir dir;
  fs::path file = dir.path() / "odziv.db";
  std::unique_ptr<SqliteStore> store = OpenAt(file);
  Brand brand = AddBrandOrFail("zrno");
  Source source = AddSourceOrFail(brand.id, "zrno-x");

  Brand AddBrandOrFail(const std::string& slug) {
    Brand b;
    b.slug = slug;
    b.name = "Kafeterija " + slug;
    auto added = store->AddBrand(b);
    if (!added) FAIL(Describe(added.error()));
    return *added;
  }
  Source AddSourceOrFail(std::int64_t brand_id, const std::string& name) {
    Source s;
    s.brand_id = brand_id;
    s.name = name;
    s.platform = "x";
    s.settings = {{"query", "zrno"}, {"token", "env:X_TOKEN"}};
    s.poll_interval = std::chrono::seconds(60);
    auto added = store->AddSource(s);
    if (!added) FAIL(Describe(added.error()));
    return *added;
  }
  IngestReport Ingest(const std::vector<Post>& posts, std::string cursor = "c1", Timestamp now = kT0) {
    return Ingest(source.id, posts, std::move(cursor), now);
  }
  IngestReport Ingest(std::int64_t source_id, const std::vector<Post>& posts, std::string cursor = "c1",
                      Timestamp now = kT0) {
    auto report = store->IngestPage(source_id, posts, cursor, now, std::nullopt);
    if (!report) FAIL(Describe(report.error()));
    return *report;
  }
};

Post MakePost(const std::string& external_id, const std::string& text) {
  Post post;
  post.platform = "x";
  post.external_id = external_id;
  post.kind = PostKind::kMention;
  post.thread_id = external_id;
  post.author = Author{"42", "@mila", "Mila", 1200};
  post.text = text;
  post.language = "sr";
  post.url = "https://x.com/mila/status/" + external_id;
  post.created_at = kT0 - std::chrono::minutes(5);
  post.metrics = PostMetrics{3, 1, 0, 90};
  return post;
}

std::string FileBytes(const fs::path& file) {
  std::string bytes(fs::file_size(file), '\0');
  std::ifstream(file, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

// Runs SQL on the file through a connection of its own (another process, as far as locking goes).
void RawExec(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::string RawText(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("OpenSqliteStore creates a WAL database at the newest schema") {
  TempDir dir;
  const fs::path file = dir.path() / "odziv.db";
  SqliteStoreOptions options;
  options.path = file;
  auto store = OpenSqliteStore(options);
  REQUIRE(store);
  auto version = (*store)->SchemaVersion();
  REQUIRE(version);
  CHECK(*version == LatestSchemaVersion());
  CHECK(fs::exists(file));
  CHECK(RawText(file, "PRAGMA journal_mode") == "wal");
  CHECK(RawText(file, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_events'") == "1");
}

TEST_CASE("Reopening a database applies no migration twice and keeps the data") {
  Fixture f;
  f.store.reset();
  auto store = OpenAt(f.file);
  CHECK(store->SchemaVersion().value() == LatestSchemaVersion());
  CHECK(store->GetBrand("zrno").value().name == "Kafeterija zrno");
  CHECK(store->CheckIntegrity());
}

TEST_CASE("Brands are added, read, listed by slug, updated and refused when the slug is taken or invalid") {
  Fixture f;
  CHECK(f.brand.id > 0);
  CHECK(f.brand.created_at == kT0);
  f.AddBrandOrFail("acme");
  auto brands = f.store->ListBrands();
  REQUIRE(brands);
  REQUIRE(brands->size() == 2);
  CHECK((*brands)[0].slug == "acme");

  Brand duplicate;
  duplicate.slug = "zrno";
  auto taken = f.store->AddBrand(duplicate);
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == ErrorCode::kAlreadyExists);
  CHECK(taken.error().message.find("'zrno'") != std::string::npos);

  Brand bad;
  bad.slug = "Not A Slug";
  CHECK(f.store->AddBrand(bad).error().code == ErrorCode::kInvalidArgument);
  bad.slug = "ok";
  bad.settings = "not json";
  CHECK(f.store->AddBrand(bad).error().code == ErrorCode::kInvalidArgument);

  Brand changed = f.brand;
  changed.name = "Zrno d.o.o.";
  changed.timezone = "Europe/Belgrade";
  changed.settings = R"({"sla_minutes": 60})";
  REQUIRE(f.store->UpdateBrand(changed));
  auto read = f.store->GetBrandById(f.brand.id);
  REQUIRE(read);
  CHECK(read->name == "Zrno d.o.o.");
  CHECK(read->timezone == "Europe/Belgrade");
  CHECK(read->settings == R"({"sla_minutes": 60})");

  changed.slug = "acme";
  CHECK(f.store->UpdateBrand(changed).error().code == ErrorCode::kAlreadyExists);
  changed.id = 999;
  changed.slug = "other";
  CHECK(f.store->UpdateBrand(changed).error().code == ErrorCode::kNotFound);
  auto missing = f.store->GetBrand("nope");
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message.find("'nope'") != std::string::npos);
}

TEST_CASE("A store batch commits its writes together; a call that fails inside it undoes only itself") {
  Fixture f;
  auto other = OpenAt(f.file);  // another connection to the same file
  auto batch = f.store->BeginBatch();
  REQUIRE(batch);
  f.AddBrandOrFail("acme");
  Brand duplicate;
  duplicate.slug = "zrno";
  auto taken = f.store->AddBrand(duplicate);
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == ErrorCode::kAlreadyExists);
  f.AddBrandOrFail("bistro");
  CHECK(f.store->ListBrands().value().size() == 3);
  CHECK(other->ListBrands().value().size() == 1);  // nothing of the batch before it commits
  REQUIRE((*batch)->Commit());
  batch->reset();
  CHECK(other->ListBrands().value().size() == 3);
  CHECK(f.store->ListBrands().value().size() == 3);
}

TEST_CASE("A store batch dropped without Commit undoes every write in it, and the store goes on") {
  Fixture f;
  {
    auto batch = f.store->BeginBatch();
    REQUIRE(batch);
    f.AddBrandOrFail("acme");
    f.AddBrandOrFail("bistro");
  }
  CHECK(f.store->ListBrands().value().size() == 1);
  f.AddBrandOrFail("acme");
  CHECK(f.store->ListBrands().value().size() == 2);
}

TEST_CASE("Sources keep their settings and configuration apart from poll state") {
  Fixture f;
  auto read = f.store->GetSource("zrno-x");
  REQUIRE(read);
  CHECK(read->settings == f.source.settings);
  CHECK(read->poll_interval == std::chrono::seconds(60));
  CHECK(read->health == SourceHealth::kOk);
  CHECK(read->cursor.empty());
  CHECK_FALSE(read->last_poll_at);

  f.Ingest({}, "cursor-7");
  Source changed = *read;
  changed.settings["query"] = "zrno OR \"kafeterija zrno\"";
  changed.poll_interval.reset();
  changed.paused = true;
  changed.cursor = "ignored";  // UpdateSource never writes poll state
  REQUIRE(f.store->UpdateSource(changed));
  read = f.store->GetSourceById(f.source.id);
  REQUIRE(read);
  CHECK(read->settings.at("query") == "zrno OR \"kafeterija zrno\"");
  CHECK_FALSE(read->poll_interval);
  CHECK(read->paused);
  CHECK(read->cursor == "cursor-7");

  Source duplicate = f.source;
  CHECK(f.store->AddSource(duplicate).error().code == ErrorCode::kAlreadyExists);
  duplicate.name = "other";
  duplicate.brand_id = 999;
  CHECK(f.store->AddSource(duplicate).error().code == ErrorCode::kNotFound);
  f.AddSourceOrFail(f.brand.id, "zrno-rss");
  CHECK(f.store->ListSources(f.brand.id).value().size() == 2);
  CHECK(f.store->ListSources(std::nullopt).value().front().name == "zrno-rss");
}

TEST_CASE("Poll failures are recorded and ResetSourceHealth clears them but keeps the cursor") {
  Fixture f;
  f.Ingest({}, "c9");
  PollFailure failure{SourceHealth::kNeedsHuman, 3, "401 from x: token revoked", kT0 + std::chrono::hours(1)};
  REQUIRE(f.store->RecordPollFailure(f.source.id, failure, kT0 + std::chrono::minutes(1)));
  auto read = f.store->GetSourceById(f.source.id).value();
  CHECK(read.health == SourceHealth::kNeedsHuman);
  CHECK(read.consecutive_failures == 3);
  CHECK(read.last_error == "401 from x: token revoked");
  CHECK(read.next_poll_at == kT0 + std::chrono::hours(1));
  CHECK(read.cursor == "c9");

  REQUIRE(f.store->ResetSourceHealth(f.source.id));
  read = f.store->GetSourceById(f.source.id).value();
  CHECK(read.health == SourceHealth::kOk);
  CHECK(read.consecutive_failures == 0);
  CHECK(read.last_error.empty());
  CHECK_FALSE(read.next_poll_at);
  CHECK(read.cursor == "c9");
  CHECK(f.store->RecordPollFailure(999, failure, kT0).error().code == ErrorCode::kNotFound);
}

TEST_CASE("IngestPage stores a post fetched twice once") {
  Fixture f;
  auto first = f.Ingest({MakePost("1", "čekam porudžbinu"), MakePost("2", "hvala")});
  CHECK(first.inserted == 2);
  REQUIRE(first.inserted_ids.size() == 2);
  CHECK(first.inserted_ids[0] < first.inserted_ids[1]);

  auto second = f.Ingest({MakePost("1", "čekam porudžbinu")}, "c2");
  CHECK(second.inserted == 0);
  CHECK(second.unchanged == 1);
  CHECK(second.inserted_ids.empty());
  CHECK(f.store->CountPosts(f.brand.id).value() == 2);

  auto stored = f.store->GetPost(first.inserted_ids[0]);
  REQUIRE(stored);
  CHECK(stored->brand_id == f.brand.id);
  CHECK(stored->source_id == f.source.id);
  CHECK(stored->post.text == "čekam porudžbinu");
  CHECK(stored->post.author.reach == 1200);
  CHECK(stored->post.metrics.views == 90);
  CHECK(stored->post.created_at == kT0 - std::chrono::minutes(5));
  CHECK(stored->fetched_at == kT0);
  CHECK(stored->revision == 1);
}

TEST_CASE("IngestPage sets the cursor, marks the source healthy and records the poll") {
  Fixture f;
  REQUIRE(f.store->RecordPollFailure(f.source.id, PollFailure{SourceHealth::kDegraded, 2, "503", std::nullopt}, kT0));
  auto report = f.store->IngestPage(f.source.id, {}, "next-page", kT0 + std::chrono::minutes(2),
                                    kT0 + std::chrono::minutes(3));
  REQUIRE(report);
  auto read = f.store->GetSourceById(f.source.id).value();
  CHECK(read.cursor == "next-page");
  CHECK(read.health == SourceHealth::kOk);
  CHECK(read.consecutive_failures == 0);
  CHECK(read.last_error.empty());
  CHECK(read.last_poll_at == kT0 + std::chrono::minutes(2));
  CHECK(read.next_poll_at == kT0 + std::chrono::minutes(3));
}

TEST_CASE("IngestPage keeps the old text of an edited post as a revision") {
  Fixture f;
  const std::int64_t id = f.Ingest({MakePost("1", "first")}).inserted_ids.at(0);

  Post edited = MakePost("1", "second");
  edited.edited_at = kT0 + std::chrono::minutes(1);
  auto report = f.Ingest({edited}, "c2", kT0 + std::chrono::minutes(2));
  CHECK(report.edited == 1);
  CHECK(report.changed_ids == std::vector<std::int64_t>{id});

  Post again = MakePost("1", "third");
  again.edited_at = kT0 + std::chrono::minutes(3);
  CHECK(f.Ingest({again}, "c3", kT0 + std::chrono::minutes(4)).edited == 1);

  // A page fetched again shows the older version: nothing changes.
  CHECK(f.Ingest({edited}, "c4", kT0 + std::chrono::minutes(5)).unchanged == 1);
  // An endpoint that reports no edit time refreshes the counters and keeps the known edit time.
  Post counted = MakePost("1", "third");
  counted.metrics.likes = 99;
  CHECK(f.Ingest({counted}, "c5", kT0 + std::chrono::minutes(6)).refreshed == 1);

  auto stored = f.store->GetPost(id).value();
  CHECK(stored.post.text == "third");
  CHECK(stored.post.edited_at == kT0 + std::chrono::minutes(3));
  CHECK(stored.post.metrics.likes == 99);
  CHECK(stored.revision == 3);
  CHECK(stored.updated_at == kT0 + std::chrono::minutes(6));
  CHECK(stored.fetched_at == kT0);
  auto history = f.store->PostHistory(id);
  REQUIRE(history);
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].revision == 1);
  CHECK((*history)[0].text == "first");
  CHECK_FALSE((*history)[0].edited_at);
  CHECK((*history)[0].replaced_at == kT0 + std::chrono::minutes(2));
  CHECK((*history)[1].text == "second");
  CHECK((*history)[1].edited_at == kT0 + std::chrono::minutes(1));
  CHECK(f.store->PostHistory(999).error().code == ErrorCode::kNotFound);
}

TEST_CASE("IngestPage marks a deleted post without removing it or its text") {
  Fixture f;
  const std::int64_t id = f.Ingest({MakePost("1", "loša usluga")}).inserted_ids.at(0);
  Post tombstone = MakePost("1", "[deleted]");
  tombstone.metrics = {};
  tombstone.deleted_at = kT0 + std::chrono::minutes(9);
  auto report = f.Ingest({tombstone}, "c2");
  CHECK(report.deleted == 1);
  CHECK(report.changed_ids == std::vector<std::int64_t>{id});
  CHECK(f.Ingest({tombstone}, "c3").unchanged == 1);

  auto stored = f.store->GetPost(id).value();
  CHECK(stored.post.deleted_at == kT0 + std::chrono::minutes(9));
  CHECK(stored.post.text == "loša usluga");
  CHECK(stored.post.metrics.views == 90);
  CHECK(f.store->CountPosts(f.brand.id).value() == 1);
}

TEST_CASE("IngestPage counts new metrics or reach as refreshed") {
  Fixture f;
  const std::int64_t id = f.Ingest({MakePost("1", "super")}).inserted_ids.at(0);
  Post more = MakePost("1", "super");
  more.metrics.likes = 50;
  more.author.reach = 5000;
  auto report = f.Ingest({more}, "c2");
  CHECK(report.refreshed == 1);
  CHECK(report.changed_ids.empty());
  auto stored = f.store->GetPost(id).value();
  CHECK(stored.post.metrics.likes == 50);
  CHECK(stored.post.author.reach == 5000);
  CHECK(stored.revision == 1);
}

TEST_CASE("The same post mentioning two brands is stored once for each brand") {
  Fixture f;
  Brand other = f.AddBrandOrFail("acme");
  Source other_source = f.AddSourceOrFail(other.id, "acme-x");
  CHECK(f.Ingest(f.source.id, {MakePost("1", "zrno i acme")}).inserted == 1);
  CHECK(f.Ingest(other_source.id, {MakePost("1", "zrno i acme")}).inserted == 1);
  CHECK(f.Ingest(other_source.id, {MakePost("1", "zrno i acme")}).unchanged == 1);
  CHECK(f.store->CountPosts(f.brand.id).value() == 1);
  CHECK(f.store->CountPosts(other.id).value() == 1);
  CHECK(f.store->CountPosts(std::nullopt).value() == 2);
}

TEST_CASE("IngestPage stores nothing and keeps the cursor when any part of the page fails") {
  Fixture f;
  f.Ingest({MakePost("1", "ok")}, "before");
  Post bad = MakePost("3", "five stars out of five?");
  bad.rating = 7;  // violates the rating CHECK constraint
  Post edited = MakePost("1", "edited in the failing page");
  auto report = f.store->IngestPage(f.source.id, std::vector<Post>{MakePost("2", "fine"), edited, bad}, "after",
                                    kT0 + std::chrono::minutes(1), std::nullopt);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == ErrorCode::kInvalidArgument);
  CHECK(report.error().message.find("x/3") != std::string::npos);

  CHECK(f.store->CountPosts(std::nullopt).value() == 1);
  auto stored = f.store->ListPosts(PostFilter{}).value();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].post.text == "ok");
  CHECK(f.store->PostHistory(stored[0].id).value().empty());
  auto source = f.store->GetSourceById(f.source.id).value();
  CHECK(source.cursor == "before");
  CHECK(source.last_poll_at == kT0);

  auto unknown = f.store->IngestPage(999, std::vector<Post>{MakePost("9", "x")}, "c", kT0, std::nullopt);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kNotFound);
  CHECK(f.store->CountPosts(std::nullopt).value() == 1);
}

TEST_CASE("Text with quotes, SQL and NUL bytes is stored and read back intact") {
  Fixture f;
  const std::string nasty = std::string("it's \"great\"'; DROP TABLE posts; --\0after NUL ћирилица", 62);
  REQUIRE(nasty.find('\0') != std::string::npos);
  Post post = MakePost(std::string("id'\0x", 5), nasty);
  post.author.name = nasty;
  post.url = "https://example.com/?q='); DELETE FROM brands; --";
  const std::int64_t id = f.Ingest({post}, nasty).inserted_ids.at(0);
  auto stored = f.store->GetPost(id).value();
  CHECK(stored.post.text == nasty);
  CHECK(stored.post.author.name == nasty);
  CHECK(stored.post.external_id == std::string("id'\0x", 5));
  CHECK(stored.post.url == post.url);
  CHECK(f.store->GetSourceById(f.source.id).value().cursor == nasty);
  CHECK(f.Ingest({post}, "c2").unchanged == 1);

  Source s = f.source;
  s.settings["query"] = nasty;
  REQUIRE(f.store->UpdateSource(s));
  CHECK(f.store->GetSource("zrno-x").value().settings.at("query") == nasty);

  Brand b = f.brand;
  b.name = nasty;
  REQUIRE(f.store->UpdateBrand(b));
  CHECK(f.store->GetBrand("zrno").value().name == nasty);
  CHECK(f.store->GetBrand("zrno'; DROP TABLE brands; --").error().code == ErrorCode::kNotFound);
  CHECK(f.store->ListBrands().value().size() == 1);
}

TEST_CASE("ListPosts filters by brand, source, time and deletion and pages newest first") {
  Fixture f;
  Source rss = f.AddSourceOrFail(f.brand.id, "zrno-rss");
  Brand other = f.AddBrandOrFail("acme");
  Source other_source = f.AddSourceOrFail(other.id, "acme-x");
  std::vector<Post> page;
  for (int i = 1; i <= 5; ++i) {
    Post p = MakePost(std::to_string(i), "post " + std::to_string(i));
    p.created_at = kT0 + std::chrono::minutes(i);
    page.push_back(p);
  }
  page[1].deleted_at = kT0;  // "2" arrives already deleted
  const auto ids = f.Ingest(page).inserted_ids;
  f.Ingest(rss.id, {MakePost("rss-1", "feed")});
  f.Ingest(other_source.id, {MakePost("other", "acme")});

  PostFilter all;
  auto listed = f.store->ListPosts(all).value();
  REQUIRE(listed.size() == 7);
  CHECK(listed.front().post.external_id == "other");

  PostFilter by_source;
  by_source.source_id = f.source.id;
  by_source.limit = 2;
  listed = f.store->ListPosts(by_source).value();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == ids[4]);
  CHECK(listed[1].id == ids[3]);
  by_source.before_id = listed[1].id;
  listed = f.store->ListPosts(by_source).value();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == ids[2]);

  PostFilter live;
  live.brand_id = f.brand.id;
  live.include_deleted = false;
  CHECK(f.store->ListPosts(live).value().size() == 5);
  live.since = kT0 + std::chrono::minutes(4);
  CHECK(f.store->ListPosts(live).value().size() == 2);

  PostFilter too_many;
  too_many.limit = 10001;
  CHECK(f.store->ListPosts(too_many).error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("RemoveSource keeps the source's posts") {
  Fixture f;
  const std::int64_t id = f.Ingest({MakePost("1", "stays")}).inserted_ids.at(0);
  REQUIRE(f.store->RemoveSource("zrno-x"));
  CHECK(f.store->GetSource("zrno-x").error().code == ErrorCode::kNotFound);
  auto stored = f.store->GetPost(id).value();
  CHECK(stored.post.text == "stays");
  CHECK(stored.source_id == 0);
  CHECK(f.store->RemoveSource("zrno-x").error().code == ErrorCode::kNotFound);
}

TEST_CASE("RemoveBrand refuses a brand with sources or posts unless cascading") {
  Fixture f;
  Brand other = f.AddBrandOrFail("acme");
  Source other_source = f.AddSourceOrFail(other.id, "acme-x");
  Post edited = MakePost("1", "v2");
  f.Ingest({MakePost("1", "v1")});
  f.Ingest({edited}, "c2");
  f.Ingest(other_source.id, {MakePost("1", "acme's copy")});

  auto refused = f.store->RemoveBrand("zrno", /*cascade=*/false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kFailedPrecondition);
  CHECK(f.store->CountPosts(f.brand.id).value() == 1);

  REQUIRE(f.store->RemoveBrand("zrno", /*cascade=*/true));
  CHECK(f.store->GetBrand("zrno").error().code == ErrorCode::kNotFound);
  CHECK(f.store->GetSource("zrno-x").error().code == ErrorCode::kNotFound);
  CHECK(f.store->CountPosts(std::nullopt).value() == 1);
  CHECK(f.store->ListSources(std::nullopt).value().size() == 1);
  f.store.reset();
  CHECK(RawText(f.file, "SELECT count(*) FROM post_revisions") == "0");
  CHECK(RawText(f.file, "PRAGMA foreign_key_check") == "");

  auto store = OpenAt(f.file);
  Brand empty;
  empty.slug = "empty";
  REQUIRE(store->AddBrand(empty));
  CHECK(store->RemoveBrand("empty", /*cascade=*/false));
  CHECK(store->RemoveBrand("empty", false).error().code == ErrorCode::kNotFound);
}

TEST_CASE("ConfigGeneration increases on configuration changes and not on poll state") {
  Fixture f;
  auto generation = [&] { return f.store->ConfigGeneration().value(); };
  std::int64_t g = generation();
  f.Ingest({MakePost("1", "x")}, "c2");
  REQUIRE(f.store->RecordPollFailure(f.source.id, PollFailure{}, kT0));
  REQUIRE(f.store->ResetSourceHealth(f.source.id));
  CHECK(generation() == g);

  REQUIRE(f.store->UpdateSource(f.source));  // nothing really changed
  CHECK(generation() == g);

  Source paused = f.source;
  paused.paused = true;
  REQUIRE(f.store->UpdateSource(paused));
  CHECK(generation() > g);
  g = generation();

  Brand renamed = f.brand;
  renamed.name = "Novo ime";
  REQUIRE(f.store->UpdateBrand(renamed));
  CHECK(generation() > g);
  g = generation();

  f.AddBrandOrFail("acme");
  CHECK(generation() > g);
  g = generation();
  REQUIRE(f.store->RemoveSource("zrno-x"));
  CHECK(generation() > g);
}

TEST_CASE("Two stores on one file see each other's configuration changes") {
  Fixture f;
  auto daemon_side = OpenAt(f.file);
  const std::int64_t before = daemon_side->ConfigGeneration().value();
  Source changed = f.source;
  changed.settings["query"] = "new query";
  REQUIRE(f.store->UpdateSource(changed));  // "the CLI"
  CHECK(daemon_side->ConfigGeneration().value() > before);
  CHECK(daemon_side->GetSource("zrno-x").value().settings.at("query") == "new query");
}

TEST_CASE("A database from a newer odziv is refused and left untouched") {
  TempDir dir;
  const fs::path file = dir.path() / "odziv.db";
  OpenAt(file).reset();
  const int newer = LatestSchemaVersion() + 1;
  RawExec(file, fmt::format("PRAGMA user_version = {}", newer).c_str());
  const std::string bytes = FileBytes(file);
  const auto mtime = fs::last_write_time(file);

  SqliteStoreOptions options;
  options.path = file;
  auto store = OpenSqliteStore(options);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kFailedPrecondition);
  CHECK(store.error().message == "database " + file.string() + " is at schema " + std::to_string(newer) +
                                     ", this odziv knows up to " +
                                     std::to_string(LatestSchemaVersion()) + ": upgrade odziv");
  CHECK(FileBytes(file) == bytes);
  CHECK(fs::last_write_time(file) == mtime);
}

TEST_CASE("A file that is not an SQLite database is refused and left untouched") {
  TempDir dir;
  const fs::path file = dir.path() / "odziv.db";
  const std::string text = "brand: zrno\nthis is a config file, not a database, and it is long enough\n";
  std::ofstream(file, std::ios::binary) << text;
  SqliteStoreOptions options;
  options.path = file;
  auto store = OpenSqliteStore(options);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kMalformed);
  CHECK(store.error().message.find(file.string()) != std::string::npos);
  CHECK(FileBytes(file) == text);
}

TEST_CASE("An empty file is migrated, but not when opened read-only") {
  TempDir dir;
  const fs::path file = dir.path() / "odziv.db";
  std::ofstream{file};  // as `touch` leaves it
  SqliteStoreOptions options;
  options.path = file;
  options.read_only = true;
  auto store = OpenSqliteStore(options);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kFailedPrecondition);
  CHECK(fs::file_size(file) == 0);

  options.read_only = false;
  store = OpenSqliteStore(options);
  REQUIRE(store);
  CHECK((*store)->SchemaVersion().value() == LatestSchemaVersion());
}

TEST_CASE("A missing directory or file is a configuration error that names the path") {
  TempDir dir;
  SqliteStoreOptions options;
  options.path = dir.path() / "no-such-dir" / "odziv.db";
  auto store = OpenSqliteStore(options);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kConfig);
  CHECK(store.error().message == "directory " + (dir.path() / "no-such-dir").string() +
                                     " does not exist: create it or pass --db");

  options.path = dir.path() / "odziv.db";
  options.create_if_missing = false;
  store = OpenSqliteStore(options);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kConfig);
  CHECK_FALSE(fs::exists(options.path));
}

// Tests run as root, for whom file permissions are not enforced, so a chmod 0444 file would still be
// writable. What is tested here is the read_only option: SQLite opens the file read-only and every write
// must come back as kReadOnly.
TEST_CASE("A store opened read-only reads and refuses every write with kReadOnly") {
  Fixture f;
  f.Ingest({MakePost("1", "kept")});
  f.store.reset();
  SqliteStoreOptions options;
  options.path = f.file;
  options.read_only = true;
  auto opened = SqliteStore::Open(options);
  REQUIRE(opened);
  auto& store = *opened;
  CHECK(store->GetBrand("zrno").value().id == f.brand.id);
  CHECK(store->CountPosts(std::nullopt).value() == 1);

  Brand b;
  b.slug = "new";
  auto added = store->AddBrand(b);
  REQUIRE_FALSE(added);
  CHECK(added.error().code == ErrorCode::kReadOnly);
  CHECK(added.error().message.find(f.file.string()) != std::string::npos);
  auto ingested = store->IngestPage(f.source.id, std::vector<Post>{MakePost("2", "x")}, "c", kT0, std::nullopt);
  REQUIRE_FALSE(ingested);
  CHECK(ingested.error().code == ErrorCode::kReadOnly);
  CHECK(store->CountPosts(std::nullopt).value() == 1);
}

TEST_CASE("A write lock held by another process past the busy timeout is kBusy") {
  Fixture f;
  SqliteStoreOptions options;
  options.path = f.file;
  options.busy_timeout = std::chrono::milliseconds(50);
  auto opened = OpenSqliteStore(options);
  REQUIRE(opened);
  auto& store = *opened;

  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(f.file.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto report = store->IngestPage(f.source.id, std::vector<Post>{MakePost("1", "x")}, "c", kT0, std::nullopt);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  REQUIRE_FALSE(report);
  CHECK(report.error().code == ErrorCode::kBusy);
  CHECK(report.error().retryable());
  CHECK(report.error().message.find("locked by another process") != std::string::npos);
  CHECK(store->IngestPage(f.source.id, std::vector<Post>{MakePost("1", "x")}, "c", kT0, std::nullopt));
}

TEST_CASE("One store is safe to use from several threads at once") {
  Fixture f;
  std::atomic<int> failures{0};  // Catch2 assertions are not thread-safe: count, then check once
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f, &failures, t] {
      for (int page = 0; page < 10; ++page) {
        std::vector<Post> posts;
        for (int i = 0; i < 5; ++i) posts.push_back(MakePost(fmt::format("{}-{}-{}", t, page, i), "tekst"));
        auto report = f.store->IngestPage(f.source.id, posts, "c", kT0, std::nullopt);
        if (!report || report->inserted != 5) ++failures;
        if (!f.store->ListPosts(PostFilter{})) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(f.store->CountPosts(f.brand.id).value() == 200);
}

TEST_CASE("A store write syncs as it commits, and under a DeferredSync commits without a sync until Sync") {
  Fixture f;
  testing::StatementLog log;
  auto store = OpenAt(f.file);   // a connection the log sees
  SqliteStore* other = f.store.get();  // one it does not
  auto add = [&](const std::string& slug) {
    Brand brand;
    brand.slug = slug;
    brand.name = slug;
    REQUIRE(store->AddBrand(brand));
  };
  auto pragmas = [&] {
    std::vector<std::string> found;
    for (const std::string& sql : log.Take())
      if (sql.starts_with("PRAGMA synchronous")) found.push_back(sql);
    return found;
  };
  pragmas();

  add("acme");  // FULL from the start: nothing to switch
  CHECK(pragmas().empty());
  {
    DeferredSync deferred;
    CHECK(DeferredSync::Active());
    add("bistro");
    add("kafa");
    CHECK(pragmas() == std::vector<std::string>{"PRAGMA synchronous = NORMAL"});
    // Committed: another connection sees it before any sync.
    CHECK(other->GetBrand("kafa"));
  }
  CHECK_FALSE(DeferredSync::Active());
  REQUIRE(store->Sync());
  add("mlin");
  CHECK(pragmas() == std::vector<std::string>{"PRAGMA synchronous = FULL"});
  CHECK(other->ListBrands().value().size() == 5);
}

TEST_CASE("A store batch opened under a DeferredSync commits without a sync; later writes sync again") {
  Fixture f;
  testing::StatementLog log;
  auto store = OpenAt(f.file);
  log.Take();
  {
    DeferredSync deferred;
    auto batch = store->BeginBatch();
    REQUIRE(batch);
    Brand brand;
    brand.slug = "acme";
    REQUIRE(store->AddBrand(brand));
    REQUIRE((*batch)->Commit());
  }
  std::vector<std::string> statements = log.Take();
  REQUIRE_FALSE(statements.empty());
  CHECK(statements.front() == "PRAGMA synchronous = NORMAL");
  CHECK(std::count(statements.begin(), statements.end(), "PRAGMA synchronous = NORMAL") == 1);
  REQUIRE(store->Sync());
  CHECK(store->ListBrands().value().size() == 2);
  statements = log.Take();
  REQUIRE_FALSE(statements.empty());
  CHECK(statements.front() == "PRAGMA synchronous = FULL");
}
