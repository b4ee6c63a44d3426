// SqliteStore's assessments, cases, alerts and users.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>

#include <random>

#include "daemon/migrations.h"
#include "daemon/sqlite_store.h"
#include "daemon/unanswered_audit.h"
#include "tests/daemon/statement_log.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);

struct Fixture {
  fs::path dir;
  FakeClock clock{kT0};
  std::unique_ptr<SqliteStore> store;
  Brand brand;
  Source source;

  Fixture() {
    dir = testing::MakeTempDir("odziv-case-store");
    store = testing::OpenTempStore(dir, &clock);
    Brand b;
    b.slug = "zrno";
    b.name = "Zrno";
    brand = store->AddBrand(b).value();
    source = testing::AddTestSource(*store, brand.id);
  }
  ~Fixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::vector<std::int64_t> Ingest(std::vector<Post> posts) {
    return store->IngestPage(source.id, posts, "", clock.Now(), std::nullopt).value().inserted_ids;
  }
};

Post APost(const std::string& id, const std::string& text = "sporo") {
  Post p;
  p.platform = "x";
  p.external_id = id;
  p.thread_id = id;
  p.author = Author{"a1", "@ana", "Ana", 0};
  p.text = text;
  p.created_at = kT0;
  return p;
}

}  // namespace

TEST_CASE("Assessments are saved per text revision and unjudged posts are listed until judged") {
  Fixture f;
  auto ids = f.Ingest({APost("1"), APost("2")});
  Post own = APost("3");
  own.from_brand = true;
  f.Ingest({own});
  auto pending = f.store->ListUnassessedPosts(std::nullopt, 10);
  REQUIRE(pending);
  REQUIRE(pending->size() == 2);  // the brand's own post is never judged
  Assessment a;
  a.label = SentimentLabel::kNegative;
  a.sentiment = -0.5;
  a.intents = {"complaint"};
  a.reasons = {"'sporo'"};
  a.priority = 2;
  a.model_version = "t1";
  REQUIRE(f.store->SaveAssessment(ids[0], a, kT0));
  auto stored = f.store->GetAssessment(ids[0]);
  REQUIRE(stored);
  CHECK(stored->label == SentimentLabel::kNegative);
  CHECK(stored->sentiment == Approx(-0.5));
  CHECK(stored->intents == std::vector<std::string>{"complaint"});
  CHECK(f.store->ListUnassessedPosts(f.brand.id, 10)->size() == 1);
  // An edit needs a new judgement.
  Post edited = APost("1", "sporo i hladno");
  edited.edited_at = kT0 + std::chrono::minutes(1);
  REQUIRE(f.store->IngestPage(f.source.id, std::vector<Post>{edited}, "", kT0, std::nullopt));
  CHECK(f.store->ListUnassessedPosts(f.brand.id, 10)->size() == 2);
  CHECK(f.store->GetAssessment(ids[1]).error().code == ErrorCode::kNotFound);
  CHECK(f.store->SaveAssessment(9999, a, kT0).error().code == ErrorCode::kNotFound);
}

TEST_CASE("Case changes are compare-and-set, audited, and alerts are written once per dedup key") {
  Fixture f;
  auto ids = f.Ingest({APost("1"), APost("2")});
  Case c;
  c.brand_id = f.brand.id;
  c.platform = "x";
  c.thread_id = "1";
  c.author_id = "a1";
  c.first_post_id = ids[0];
  c.due_at = kT0 + std::chrono::hours(1);
  CaseChange open;
  open.action = "case.open";
  auto created = f.store->CreateCase(c, open, kT0);
  REQUIRE(created);
  CHECK(created->version == 1);
  CHECK(created->state == CaseState::kOpen);

  Case changed = *created;
  changed.escalation_percent = 50;
  CaseChange escalate;
  escalate.action = "case.escalate";
  escalate.add_post_ids = {ids[1]};
  escalate.alerts = {Alert{0, 0, std::nullopt, "assignee", "sla_approaching", "case:1:sla:0.5", "{}", "pending", kT0, 0, ""}};
  auto updated = f.store->UpdateCase(changed, escalate, kT0);
  REQUIRE(updated);
  CHECK(updated->version == 2);
  // The same copy again is stale: refused, and nothing of it is written.
  auto stale = f.store->UpdateCase(changed, escalate, kT0);
  CHECK(stale.error().code == ErrorCode::kFailedPrecondition);
  // A fresh copy with the same alert: the alert is not written twice.
  REQUIRE(f.store->UpdateCase(*updated, escalate, kT0));
  CHECK(f.store->ListAlerts(created->id)->size() == 1);
  CHECK(f.store->CasePosts(created->id)->size() == 2);
  CHECK(f.store->ListAuditEvents(fmt::format("case:{}", created->id))->size() == 3);
  CHECK(f.store->CasesOfPost(ids[1])->front().id == created->id);

  CaseFilter overdue;
  overdue.overdue_at = kT0 + std::chrono::hours(2);
  CHECK(f.store->ListCases(overdue)->size() == 1);
  overdue.overdue_at = kT0;
  CHECK(f.store->ListCases(overdue)->empty());
  CHECK(f.store->GetCase(12345).error().code == ErrorCode::kNotFound);
}

TEST_CASE("Users keep their languages, platforms and brands, and their load per brand") {
  Fixture f;
  User u;
  u.login = "amra";
  u.name = "Amra";
  u.languages = {"bs", "en"};
  u.platforms = {"x"};
  u.brand_roles[f.brand.id] = "agent";
  auto added = f.store->AddUser(u);
  REQUIRE(added);
  CHECK(f.store->AddUser(u).error().code == ErrorCode::kAlreadyExists);
  User viewer;
  viewer.login = "vera";
  viewer.brand_roles[f.brand.id] = "viewer";
  REQUIRE(f.store->AddUser(viewer));
  auto read = f.store->GetUser("amra");
  REQUIRE(read);
  CHECK(read->languages == std::vector<std::string>{"bs", "en"});
  CHECK(read->brand_roles.at(f.brand.id) == "agent");
  CHECK(f.store->ListUsers(f.brand.id)->size() == 2);
  auto loads = f.store->AssigneeLoads(f.brand.id);
  REQUIRE(loads);
  REQUIRE(loads->size() == 1);  // viewers are never assigned
  CHECK(loads->front().user_id == added->id);
  CHECK(loads->front().unanswered_cases == 0);
  CHECK(!loads->front().last_assigned_at);
}

TEST_CASE("A database at schema 1 is migrated to cases with SLA columns and keeps its rows") {
  std::random_device random;
  const fs::path dir = fs::temp_directory_path() / ("odziv-schema1-" + std::to_string(random()));
  fs::create_directories(dir);
  const fs::path file = dir / "odziv.db";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    const std::string schema1(SqliteMigrations()[0].sql);
    REQUIRE(sqlite3_exec(db, schema1.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "INSERT INTO brands (slug, name, created_at) VALUES ('old', 'Old', 0);"
                         "INSERT INTO cases (brand_id, opened_at, updated_at) VALUES (1, 0, 0);"
                         "PRAGMA user_version = 1;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    SqliteStoreOptions options;
    options.path = file;
    auto store = SqliteStore::Open(options);
    REQUIRE(store);
    CHECK((*store)->SchemaVersion().value() == LatestSchemaVersion());
    auto old = (*store)->GetCase(1);
    REQUIRE(old);
    CHECK(old->state == CaseState::kOpen);
    CHECK(old->version == 1);
  }
  fs::remove_all(dir);
}

namespace {

std::vector<std::string> ExternalIds(const std::vector<PostOutcome>& outcomes) {
  std::vector<std::string> ids;
  for (const PostOutcome& o : outcomes) ids.push_back(o.post.post.external_id);
  return ids;
}

// A case of f's brand opened on `post_id`, left in `state` (closed ones with a reason).
Case CaseOn(Fixture& f, std::int64_t post_id, CaseState state) {
  Case c;
  c.brand_id = f.brand.id;
  c.platform = "x";
  c.thread_id = std::to_string(post_id);
  c.author_id = "a1";
  c.first_post_id = post_id;
  CaseChange open;
  open.action = "case.open";
  Case created = f.store->CreateCase(c, open, kT0).value();
  if (state == CaseState::kOpen) return created;
  created.state = state;
  created.close_reason = CloseReason::kResolvedPrivately;
  created.closed_by = "cli";
  created.closed_at = kT0;
  CaseChange close;
  close.action = "case.close";
  return f.store->UpdateCase(created, close, kT0).value();
}

}  // namespace

TEST_CASE("Post outcomes come oldest id first, a page at a time, with the newest judgement and the latest case") {
  Fixture f;
  auto at = [](int hours) { return kT0 + std::chrono::hours(hours); };
  // Polling stores posts roughly in creation order; "backfill" was fetched late, long after it was written.
  std::vector<Post> posts;
  for (auto [id, hours] : {std::pair{"first", 3}, {"backfill", 1}, {"second", 2}, {"third", 5}}) {
    posts.push_back(APost(id));
    posts.back().created_at = at(hours);
  }
  Post own = APost("own");
  own.from_brand = true;
  own.created_at = at(4);
  posts.push_back(own);
  auto ids = f.Ingest(posts);
  Assessment a;
  a.label = SentimentLabel::kNegative;
  a.model_version = "t1";
  REQUIRE(f.store->SaveAssessment(ids[0], a, kT0));
  a.label = SentimentLabel::kPositive;  // judged again: the newest judgement counts
  REQUIRE(f.store->SaveAssessment(ids[0], a, kT0));
  CaseOn(f, ids[2], CaseState::kClosed);
  const Case reopened = CaseOn(f, ids[2], CaseState::kOpen);  // the customer wrote again: the newest case counts

  OutcomeFilter filter;
  filter.limit = 2;
  auto page = f.store->ListPostOutcomes(filter).value();
  CHECK(ExternalIds(page) == std::vector<std::string>{"first", "backfill"});
  REQUIRE(page[0].assessment);
  CHECK(page[0].assessment->label == SentimentLabel::kPositive);
  CHECK_FALSE(page[1].assessment);
  filter.after_id = page.back().post.id;
  page = f.store->ListPostOutcomes(filter).value();
  CHECK(ExternalIds(page) == std::vector<std::string>{"second", "third"});  // the brand's own post is left out
  REQUIRE(page[0].latest_case);
  CHECK(page[0].latest_case->id == reopened.id);
  CHECK(page[0].latest_case->state == CaseState::kOpen);
  CHECK_FALSE(page[1].latest_case);
  filter.after_id = page.back().post.id;
  CHECK(f.store->ListPostOutcomes(filter)->empty());

  // A period starts at its lowest id, not at the first post written in it, and leaves older posts out.
  for (std::optional<std::int64_t> brand : {std::optional<std::int64_t>(), std::optional(f.brand.id)}) {
    filter = OutcomeFilter{};
    filter.brand_id = brand;
    filter.since = at(2);
    filter.limit = 1;
    std::vector<std::string> walked;
    for (;;) {
      page = f.store->ListPostOutcomes(filter).value();
      if (page.empty()) break;
      walked.push_back(page[0].post.post.external_id);
      filter.after_id = page[0].post.id;
    }
    CHECK(walked == std::vector<std::string>{"first", "second", "third"});
  }
  filter.brand_id = f.brand.id + 1;
  filter.after_id = 0;
  CHECK(f.store->ListPostOutcomes(filter)->empty());
  filter.limit = 10'001;
  CHECK(f.store->ListPostOutcomes(filter).error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("The unanswered audit reads each page in one indexed query, never the posts before its period") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  f.Ingest({APost("1"), APost("2")});
  for (std::optional<std::int64_t> brand : {std::optional<std::int64_t>(), std::optional(f.brand.id)}) {
    for (std::optional<Timestamp> since : {std::optional<Timestamp>(), std::optional(kT0)}) {
      log.Take();
      REQUIRE(FindUnanswered(*f.store, UnansweredQuery{brand, since, kT0}));
      std::vector<std::string> pages;
      for (const std::string& sql : log.Take())
        if (sql.find("FROM posts p") != std::string::npos) pages.push_back(sql);
      REQUIRE(pages.size() == 1);  // one query for the page, none per post
      const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), pages[0]);
      INFO(pages[0] << "\n" << plan);
      CHECK(plan.find(brand ? "SEARCH p USING INDEX posts_by_brand (brand_id=? AND id>?)"
                            : "SEARCH p USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
      if (since) {
        CHECK(plan.find(brand ? "COVERING INDEX posts_by_brand_created (brand_id=? AND created_at>?)"
                              : "COVERING INDEX posts_by_created (created_at>?)") != std::string::npos);
      }
      CHECK(plan.find("SCAN") == std::string::npos);
      CHECK(plan.find("TEMP B-TREE") == std::string::npos);
      CHECK(plan.find("USING COVERING INDEX assessments_by_post (post_id=?)") != std::string::npos);
      CHECK(plan.find("USING INDEX case_posts_by_post (post_id=?)") != std::string::npos);
    }
  }
}

TEST_CASE("A brand's cases are listed newest first through an index, in any state, without sorting the brand") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  auto ids = f.Ingest({APost("1"), APost("2"), APost("3")});
  const Case closed = CaseOn(f, ids[0], CaseState::kClosed);
  const Case open = CaseOn(f, ids[1], CaseState::kOpen);
  const Case newest = CaseOn(f, ids[2], CaseState::kClosed);
  for (const std::vector<CaseState>& states : {std::vector<CaseState>{}, std::vector{CaseState::kClosed}}) {
    CasePageFilter filter;
    filter.brand_ids = {f.brand.id};
    filter.states = states;
    filter.limit = 1;
    log.Take();
    auto page = f.store->ListCasePage(filter).value();
    REQUIRE(page.size() == 1);
    CHECK(page[0].id == newest.id);
    filter.before_id = page[0].id;
    page = f.store->ListCasePage(filter).value();
    REQUIRE(page.size() == 1);
    CHECK(page[0].id == (states.empty() ? open.id : closed.id));
    const std::vector<std::string> statements = log.Take();
    REQUIRE(statements.size() == 2);
    const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), statements[1]);
    INFO(statements[1] << "\n" << plan);
    CHECK(plan.find(states.empty() ? "INDEX cases_by_brand (brand_id=? AND id<?)"
                                   : "INDEX cases_by_brand_state (brand_id=? AND status=? AND id<?)") !=
          std::string::npos);
    CHECK(plan.find("SCAN cases") == std::string::npos);
  }
}

TEST_CASE("A thread is read through three index lookups: its posts, its root and direct replies, never the brand") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  Post root = APost("100");
  Post in_thread = APost("101");
  in_thread.thread_id = "100";
  in_thread.created_at = kT0 + std::chrono::minutes(2);
  Post reply_only = APost("102");  // a reply that names its parent but no thread
  reply_only.thread_id = "";
  reply_only.parent_id = "100";
  reply_only.created_at = kT0 + std::chrono::minutes(1);
  Post elsewhere = APost("200");
  const auto ids = f.Ingest({root, in_thread, reply_only, elsewhere});
  log.Take();
  auto thread = f.store->ListThreadPosts(f.brand.id, "x", "100").value();
  REQUIRE(thread.size() == 3);
  CHECK(thread[0].id == ids[0]);  // oldest first
  CHECK(thread[1].id == ids[2]);
  CHECK(thread[2].id == ids[1]);
  std::string query;
  for (const std::string& sql : log.Take())
    if (sql.find("FROM posts") != std::string::npos) query = sql;
  REQUIRE_FALSE(query.empty());
  const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), query);
  INFO(query << "\n" << plan);
  CHECK(plan.find("INDEX posts_by_thread (brand_id=? AND platform=? AND thread_id=?)") != std::string::npos);
  CHECK(plan.find("INDEX sqlite_autoindex_posts_1 (brand_id=? AND platform=? AND external_id=?)") != std::string::npos);
  CHECK(plan.find("INDEX posts_by_parent (brand_id=? AND platform=? AND parent_id=?)") != std::string::npos);
  CHECK(plan.find("SCAN") == std::string::npos);
  CHECK(plan.find("posts_by_brand") == std::string::npos);
}
