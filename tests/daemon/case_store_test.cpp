// SqliteStore's assessments, cases, alerts and users.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>

#include <random>

#include "daemon/migrations.h"
#include "daemon/sqlite_store.h"
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
