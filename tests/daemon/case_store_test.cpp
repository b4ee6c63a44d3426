// SqliteStore's assessments, cases, alerts and users.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>
#include <tuple>

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
  REQUIRE(f.store->SaveAssessment(ids[0], a, TriageRecord{}, kT0));
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
  CHECK(f.store->SaveAssessment(9999, a, TriageRecord{}, kT0).error().code == ErrorCode::kNotFound);
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
  REQUIRE(f.store->SaveAssessment(ids[0], a, TriageRecord{true, "first"}, kT0));
  a.label = SentimentLabel::kPositive;  // judged again: the newest judgement counts
  REQUIRE(f.store->SaveAssessment(ids[0], a, TriageRecord{false, "second"}, kT0));
  CaseOn(f, ids[2], CaseState::kClosed);
  const Case reopened = CaseOn(f, ids[2], CaseState::kOpen);  // the customer wrote again: the newest case counts

  OutcomeFilter filter;
  filter.limit = 2;
  auto page = f.store->ListPostOutcomes(filter).value();
  CHECK(ExternalIds(page) == std::vector<std::string>{"first", "backfill"});
  REQUIRE(page[0].assessment);
  CHECK(page[0].assessment->label == SentimentLabel::kPositive);
  REQUIRE(page[0].triage);  // recorded with the newest judgement
  CHECK(page[0].triage->reason == "second");
  CHECK_FALSE(page[1].assessment);
  CHECK_FALSE(page[1].triage);
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

TEST_CASE("The unanswered audit reads unanswered cases and recorded misses by index, never the period's posts") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  auto ids = f.Ingest({APost("1"), APost("2"), APost("3")});
  Assessment a;
  a.label = SentimentLabel::kNegative;
  a.model_version = "t1";
  CaseOn(f, ids[0], CaseState::kOpen);
  REQUIRE(f.store->SaveAssessment(ids[0], a, TriageRecord{true, "sentiment 'neg'"}, kT0));
  REQUIRE(f.store->SaveAssessment(ids[1], a, TriageRecord{true, "sentiment 'neg'"}, kT0));
  const std::string path = (f.dir / "odziv.db").string();
  for (std::optional<std::int64_t> brand : {std::optional<std::int64_t>(), std::optional(f.brand.id)}) {
    for (std::optional<Timestamp> since : {std::optional<Timestamp>(), std::optional(kT0)}) {
      log.Take();
      auto found = FindUnanswered(*f.store, UnansweredQuery{brand, since, kT0});
      REQUIRE(found);
      CHECK(found->size() == 2);
      std::vector<std::string> by_case, without_case, walk;
      for (const std::string& sql : log.Take()) {
        if (sql.find("FROM cases c") != std::string::npos) by_case.push_back(sql);
        if (sql.find("FROM post_triage t") != std::string::npos) without_case.push_back(sql);
        if (sql.find("FROM posts p") != std::string::npos) walk.push_back(sql);
      }
      // One query each, none per post.
      REQUIRE(by_case.size() == 1);
      REQUIRE(without_case.size() == 1);
      CHECK(walk.empty());  // posts judged before triage was recorded: none in a database created since
      std::string plan = testing::StatementLog::Explain(path, by_case[0]);
      INFO(by_case[0] << "\n" << plan);
      // One brand's unanswered cases: either (brand_id, status, …) index serves.
      const bool by_status =
          brand ? plan.find("SEARCH c USING INDEX cases_by_brand_state (brand_id=? AND status=?)") != std::string::npos ||
                      plan.find("SEARCH c USING INDEX cases_by_brand_state_urgency (brand_id=? AND status=?)") !=
                          std::string::npos
                : plan.find("SEARCH c USING INDEX cases_by_status (status=?)") != std::string::npos;
      CHECK(by_status);
      CHECK(plan.find("SEARCH cp USING COVERING INDEX sqlite_autoindex_case_posts_1 (case_id=?)") !=
            std::string::npos);
      CHECK(plan.find("SEARCH p USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
      CHECK(plan.find("SEARCH case_posts USING COVERING INDEX case_posts_by_post (post_id=?)") != std::string::npos);
      CHECK(plan.find("SCAN") == std::string::npos);
      CHECK(plan.find("TEMP B-TREE") == std::string::npos);
      plan = testing::StatementLog::Explain(path, without_case[0]);
      INFO(without_case[0] << "\n" << plan);
      CHECK(plan.find("SEARCH t USING INDEX post_triage_unanswered (created_at>?)") != std::string::npos);
      CHECK(plan.find("SEARCH p USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
      CHECK(plan.find("SCAN") == std::string::npos);
      CHECK(plan.find("TEMP B-TREE") == std::string::npos);
    }
  }
}

TEST_CASE("The unanswered audit lists a post triage said needed an answer and that got no case, not answered ones") {
  Fixture f;
  std::vector<Post> posts;
  for (const char* id : {"missed", "answered", "waiting", "joined", "judged-fine", "deleted", "old"}) {
    posts.push_back(APost(id));
    posts.back().author.id = id;  // each its own customer
  }
  posts.back().created_at = kT0 - std::chrono::hours(48);
  auto ids = f.Ingest(posts);
  Assessment a;
  a.label = SentimentLabel::kNegative;
  a.priority = 3;
  a.model_version = "t1";
  const TriageRecord needs{true, "sentiment 'neg'"};
  // Recorded before the case is opened (the case_posts trigger marks it) and after (marked when written).
  REQUIRE(f.store->SaveAssessment(ids[0], a, needs, kT0));
  REQUIRE(f.store->SaveAssessment(ids[1], a, needs, kT0));
  CaseOn(f, ids[1], CaseState::kClosed);
  const Case waiting = CaseOn(f, ids[2], CaseState::kOpen);
  REQUIRE(f.store->SaveAssessment(ids[2], a, needs, kT0));
  // A follow-up that triage only tracked joins the open case: it does not count on its own.
  Case join = waiting;
  CaseChange joined;
  joined.action = "case.join";
  joined.add_post_ids = {ids[3]};
  REQUIRE(f.store->UpdateCase(join, joined, kT0));
  REQUIRE(f.store->SaveAssessment(ids[3], a, TriageRecord{false, "nothing calls for an answer"}, kT0));
  // Negative, but the brand's rules when it was judged did not call for an answer.
  REQUIRE(f.store->SaveAssessment(ids[4], a, TriageRecord{false, "platform 'x' is only tracked"}, kT0));
  REQUIRE(f.store->SaveAssessment(ids[5], a, needs, kT0));
  Post gone = posts[5];
  gone.deleted_at = kT0 + std::chrono::minutes(5);
  REQUIRE(f.store->IngestPage(f.source.id, std::vector<Post>{gone}, "", kT0, std::nullopt));
  REQUIRE(f.store->SaveAssessment(ids[6], a, needs, kT0));

  auto found = FindUnanswered(*f.store, UnansweredQuery{std::nullopt, std::nullopt, kT0});
  REQUIRE(found);
  REQUIRE(found->size() == 3);
  CHECK((*found)[0].post.external_id == "missed");
  CHECK_FALSE((*found)[0].post.latest_case);
  CHECK((*found)[0].reason == "sentiment 'neg' (no case was opened)");
  CHECK((*found)[0].due_at);  // the deadline its policy would have set
  CHECK((*found)[1].post.external_id == "waiting");
  REQUIRE((*found)[1].post.latest_case);
  CHECK((*found)[1].post.latest_case->id == waiting.id);
  CHECK((*found)[1].reason == "sentiment 'neg'");
  CHECK((*found)[2].post.external_id == "old");

  // A period, and a brand, narrow it.
  found = FindUnanswered(*f.store, UnansweredQuery{f.brand.id, kT0 - std::chrono::hours(1), kT0});
  REQUIRE(found);
  CHECK(found->size() == 2);
  found = FindUnanswered(*f.store, UnansweredQuery{f.brand.id + 1, std::nullopt, kT0});
  REQUIRE(found);
  CHECK(found->empty());

  // Answered or closed, none is left: the missed post gets its case and the waiting one is closed.
  CaseOn(f, ids[0], CaseState::kClosed);
  Case close = f.store->GetCase(waiting.id).value();
  close.state = CaseState::kClosed;
  close.close_reason = CloseReason::kResolvedPrivately;
  close.closed_by = "cli";
  close.closed_at = kT0;
  CaseChange closing;
  closing.action = "case.close";
  REQUIRE(f.store->UpdateCase(close, closing, kT0));
  CaseOn(f, ids[6], CaseState::kClosed);
  found = FindUnanswered(*f.store, UnansweredQuery{std::nullopt, std::nullopt, kT0});
  REQUIRE(found);
  CHECK(found->empty());
}

TEST_CASE("The unanswered audit holds posts to the triage rules they were judged under, not rules edited later") {
  Fixture f;
  std::vector<Post> posts{APost("neutral"), APost("missed")};
  posts[1].author.id = "a2";
  auto ids = f.Ingest(posts);
  Assessment a;
  a.label = SentimentLabel::kNeutral;
  a.priority = 4;
  a.model_version = "t1";
  REQUIRE(f.store->SaveAssessment(ids[0], a, TriageRecord{false, "nothing calls for an answer"}, kT0));
  a.label = SentimentLabel::kNegative;
  REQUIRE(f.store->SaveAssessment(ids[1], a, TriageRecord{true, "sentiment 'neg'"}, kT0));
  auto listed = [&] {
    std::vector<std::string> out;
    const auto found = FindUnanswered(*f.store, UnansweredQuery{std::nullopt, std::nullopt, kT0});
    REQUIRE(found);
    for (const UnansweredPost& row : *found) out.push_back(row.post.external_id + ": " + row.reason);
    return out;
  };
  const std::vector<std::string> expected{"missed: sentiment 'neg' (no case was opened)"};
  CHECK(listed() == expected);
  // Neutral posts need an answer from now on: the one judged before did not, and is not listed.
  Brand brand = f.brand;
  brand.settings = R"({"triage": {"answer_labels": ["neg", "neu"]}})";
  REQUIRE(f.store->UpdateBrand(brand));
  CHECK(listed() == expected);
  // Nothing needs an answer any more: the post that did when it came, and got no case, is still listed.
  brand.settings = R"({"triage": {"answer_labels": [], "answer_max_rating": 0, "answer_intents": [],
                        "answer_max_priority": 0}})";
  REQUIRE(f.store->UpdateBrand(brand));
  CHECK(listed() == expected);
}

TEST_CASE("Posts judged before triage was recorded are judged again under the brand's current rules") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  std::vector<Post> posts{APost("negative"), APost("positive"), APost("follow-up"), APost("later")};
  for (std::size_t i = 0; i < posts.size(); ++i) posts[i].author.id = "a" + std::to_string(i);
  auto ids = f.Ingest(posts);
  Assessment neg;
  neg.label = SentimentLabel::kNegative;
  neg.priority = 3;
  neg.model_version = "t1";
  Assessment pos = neg;
  pos.label = SentimentLabel::kPositive;
  pos.priority = 4;
  REQUIRE(f.store->SaveAssessment(ids[0], neg, TriageRecord{}, kT0));
  REQUIRE(f.store->SaveAssessment(ids[1], pos, TriageRecord{}, kT0));
  const Case open = CaseOn(f, ids[1], CaseState::kOpen);
  CaseChange joined;
  joined.action = "case.join";
  joined.add_post_ids = {ids[2]};
  REQUIRE(f.store->UpdateCase(open, joined, kT0));
  REQUIRE(f.store->SaveAssessment(ids[2], neg, TriageRecord{}, kT0));
  // As a database from before schema 8 has them: the first three judged without a record.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((f.dir / "odziv.db").c_str(), &db) == SQLITE_OK);
    const std::string sql =
        fmt::format("DELETE FROM post_triage; UPDATE triage_record_start SET last_unrecorded_post_id = {};", ids[2]);
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  // Judged since the upgrade, with its record: negative, but the rules then did not answer it.
  REQUIRE(f.store->SaveAssessment(ids[3], neg, TriageRecord{false, "platform 'x' is only tracked"}, kT0));
  log.Take();
  auto found = FindUnanswered(*f.store, UnansweredQuery{std::nullopt, std::nullopt, kT0});
  REQUIRE(found);
  // Those posts are walked in id order up to the last one judged before, a page a query.
  std::vector<std::string> walk;
  for (const std::string& sql : log.Take())
    if (sql.find("FROM posts p") != std::string::npos) walk.push_back(sql);
  REQUIRE(walk.size() == 1);
  const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), walk[0]);
  INFO(walk[0] << "\n" << plan);
  CHECK(plan.find("SEARCH p USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)") != std::string::npos);
  CHECK(plan.find("SCAN") == std::string::npos);
  std::vector<std::string> listed;
  for (const UnansweredPost& row : *found) listed.push_back(row.post.external_id + ": " + row.reason);
  CHECK(listed == std::vector<std::string>{"negative: sentiment 'neg' (no case was opened)",
                                           "positive: opened the case", "follow-up: sentiment 'neg'"});
  // Under rules that answer nothing negative, only the post that opened the case is left.
  Brand brand = f.brand;
  brand.settings = R"({"triage": {"answer_labels": [], "answer_intents": [], "answer_max_priority": 0}})";
  REQUIRE(f.store->UpdateBrand(brand));
  found = FindUnanswered(*f.store, UnansweredQuery{std::nullopt, std::nullopt, kT0});
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].reason == "opened the case");
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

TEST_CASE("Cases most urgent first come a page at a time in (priority, deadline, id) order through an index") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  Brand other_brand;
  other_brand.slug = "kora";
  other_brand.name = "Kora";
  const Brand other = f.store->AddBrand(other_brand).value();
  const Source other_source = testing::AddTestSource(*f.store, other.id, "kora-x");
  // 60 cases over two brands and every state, with priorities and deadlines that tie often, some without one.
  std::mt19937 random(7);
  const std::array states{CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied, CaseState::kConfirmed,
                          CaseState::kClosed};
  std::vector<Case> cases;
  for (int i = 0; i < 60; ++i) {
    const bool second = i % 3 == 0;
    const Post p = APost(fmt::format("u{}", i));
    const std::int64_t post_id =
        f.store->IngestPage(second ? other_source.id : f.source.id, std::vector<Post>{p}, "", kT0, std::nullopt).value().inserted_ids[0];
    Case c;
    c.brand_id = second ? other.id : f.brand.id;
    c.platform = "x";
    c.thread_id = p.external_id;
    c.author_id = "a1";
    c.first_post_id = post_id;
    c.priority = 1 + static_cast<int>(random() % 4);
    if (random() % 4 != 0) c.due_at = kT0 + std::chrono::hours(random() % 3);
    CaseChange open;
    open.action = "case.open";
    Case created = f.store->CreateCase(c, open, kT0).value();
    created.state = states[random() % states.size()];
    if (created.state == CaseState::kClosed) {
      created.close_reason = CloseReason::kResolvedPrivately;
      created.closed_by = "cli";
      created.closed_at = kT0;
    }
    CaseChange change;
    change.action = "case.test";
    if (created.state == CaseState::kOpen) {
      cases.push_back(created);
      continue;
    }
    auto updated = f.store->UpdateCase(created, change, kT0);
    INFO(CaseStateName(created.state) << ": " << (updated ? "" : updated.error().message));
    REQUIRE(updated);
    cases.push_back(*updated);
  }
  auto expected = [&](const std::vector<CaseState>& only, std::optional<int> priority) {
    std::vector<Case> out;
    for (const Case& c : cases)
      if ((only.empty() || std::find(only.begin(), only.end(), c.state) != only.end()) &&
          (!priority || c.priority == *priority))
        out.push_back(c);
    std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) {
      const CaseUrgencyKey x = UrgencyKeyOf(a), y = UrgencyKeyOf(b);
      return std::tie(x.priority, x.due_ms, x.id) < std::tie(y.priority, y.due_ms, y.id);
    });
    std::vector<std::int64_t> ids;
    for (const Case& c : out) ids.push_back(c.id);
    return ids;
  };
  // A list of more brands than the merged form takes (51 × 5 states) is sorted instead, with the same answer.
  std::vector<std::int64_t> many_brands{f.brand.id, other.id};
  for (std::int64_t id = 1000; many_brands.size() < 51; ++id) many_brands.push_back(id);
  for (const auto& brands : {std::vector<std::int64_t>{f.brand.id, other.id}, many_brands}) {
    for (const std::vector<CaseState>& only :
         {std::vector<CaseState>{}, std::vector{CaseState::kClosed, CaseState::kOpen, CaseState::kOpen}}) {
      for (std::optional<int> priority : {std::optional<int>{}, std::optional<int>{2}}) {
        for (std::size_t limit : {1, 2, 5}) {
          INFO("brands " << brands.size() << ", states " << only.size() << ", limit " << limit);
          CasePageFilter filter;
          filter.brand_ids = brands;
          filter.states = only;
          filter.priority = priority;
          filter.most_urgent_first = true;
          filter.limit = limit;
          std::vector<std::int64_t> walked;
          for (;;) {
            auto page = f.store->ListCasePage(filter).value();
            for (const Case& c : page) walked.push_back(c.id);
            if (page.size() < limit) break;
            filter.after = UrgencyKeyOf(page.back());
          }
          CHECK(walked == expected(only, priority));
        }
      }
    }
  }
  // A page after a cursor reads three index ranges of each brand and state, never the whole table.
  CasePageFilter filter;
  filter.brand_ids = {f.brand.id, other.id};
  filter.most_urgent_first = true;
  filter.limit = 3;
  filter.after = UrgencyKeyOf(f.store->ListCasePage(filter).value().back());
  log.Take();
  REQUIRE(f.store->ListCasePage(filter).value().size() == 3);
  const std::vector<std::string> statements = log.Take();
  REQUIRE(statements.size() == 1);
  const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), statements[0]);
  INFO(plan);
  CHECK(plan.find("INDEX cases_by_brand_state_urgency (brand_id=? AND status=? AND priority=? AND <expr>=? AND id>?)") !=
        std::string::npos);
  CHECK(plan.find("INDEX cases_by_brand_state_urgency (brand_id=? AND status=? AND priority=? AND <expr>>?)") !=
        std::string::npos);
  CHECK(plan.find("INDEX cases_by_brand_state_urgency (brand_id=? AND status=? AND priority>?)") != std::string::npos);
  CHECK(plan.find("SCAN cases") == std::string::npos);
}

TEST_CASE("The dashboard counts posts by label and topic from counts kept per 15 minutes, exact at any bounds") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  std::mt19937 random(11);
  const std::array labels{SentimentLabel::kNegative, SentimentLabel::kNeutral, SentimentLabel::kPositive};
  const std::array<std::vector<std::string>, 4> topic_sets{std::vector<std::string>{},
                                                           {"delivery"},
                                                           {"billing", "delivery"},
                                                           {"praise", "praise"}};
  // What the dashboard must count, kept alongside: every post's time, whether it counts, its newest judgement.
  struct Expected {
    Timestamp created;
    bool counts = true;
    std::optional<SentimentLabel> label;
    std::vector<std::string> topics;
  };
  std::map<std::int64_t, Expected> expected;
  std::vector<Post> posts;
  for (int i = 0; i < 120; ++i) {
    Post p = APost(fmt::format("d{}", i));
    p.created_at = kT0 + std::chrono::milliseconds(random() % (6 * 3'600'000));
    p.from_brand = random() % 10 == 0;
    if (random() % 15 == 0) p.deleted_at = p.created_at;
    posts.push_back(p);
  }
  const auto ids = f.Ingest(posts);
  REQUIRE(ids.size() == posts.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    expected[ids[i]] = {posts[i].created_at, !posts[i].from_brand && !posts[i].deleted_at, std::nullopt, {}};
  // Judged once, some twice with another label and topics, some deleted afterwards.
  auto judge = [&](std::int64_t id) {
    Assessment a;
    a.label = labels[random() % labels.size()];
    a.topics = topic_sets[random() % topic_sets.size()];
    a.model_version = "t";
    REQUIRE(f.store->SaveAssessment(id, a, TriageRecord{}, kT0));
    expected[id].label = a.label;
    expected[id].topics = a.topics;
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (posts[i].from_brand || random() % 5 == 0) continue;
    judge(ids[i]);
    if (random() % 3 == 0) judge(ids[i]);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (posts[i].from_brand || posts[i].deleted_at || random() % 8 != 0) continue;
    Post gone = posts[i];
    gone.deleted_at = kT0 + std::chrono::hours(7);
    REQUIRE(f.store->IngestPage(f.source.id, std::vector<Post>{gone}, "", kT0, std::nullopt));
    expected[ids[i]].counts = false;
  }

  auto check = [&](const std::vector<Timestamp>& bounds) {
    DashboardQuery q{{f.brand.id}, bounds, kT0 + std::chrono::hours(8)};
    const Dashboard d = f.store->DashboardStatistics(q).value();
    REQUIRE(d.buckets.size() == bounds.size() - 1);
    std::map<std::string, std::vector<std::int64_t>> topics;
    for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
      DashboardBucket want;
      for (const auto& [id, e] : expected) {
        if (!e.counts || e.created < bounds[b] || e.created >= bounds[b + 1]) continue;
        ++want.posts;
        if (e.label == SentimentLabel::kNegative) ++want.neg;
        if (e.label == SentimentLabel::kNeutral) ++want.neu;
        if (e.label == SentimentLabel::kPositive) ++want.pos;
        for (const std::string& t : e.topics) {
          auto& counts = topics[t];
          counts.resize(bounds.size() - 1);
          ++counts[b];
        }
      }
      INFO("bucket " << b);
      CHECK(d.buckets[b].posts == want.posts);
      CHECK(d.buckets[b].neg == want.neg);
      CHECK(d.buckets[b].neu == want.neu);
      CHECK(d.buckets[b].pos == want.pos);
    }
    std::map<std::string, std::vector<std::int64_t>> got;
    for (const DashboardTopic& t : d.topics) got[t.topic] = t.counts;
    CHECK(got == topics);
  };
  // Bounds that cut 15-minute slots anywhere (a range from 7 min 13 s, hours of a +5:45 zone, now mid-slot),
  // a bucket inside one slot, and whole slots.
  const auto ms = [](std::int64_t v) { return std::chrono::milliseconds(v); };
  std::vector<Timestamp> cut{kT0 + ms(433'000)};
  for (int h = 1; h <= 5; ++h) cut.push_back(kT0 + std::chrono::hours(h) - std::chrono::minutes(15));
  cut.push_back(kT0 + std::chrono::hours(5) + ms(187'001));
  cut.push_back(kT0 + std::chrono::hours(5) + ms(187'002));
  cut.push_back(kT0 + std::chrono::hours(6) + ms(1));
  check(cut);
  check({kT0 - std::chrono::hours(1), kT0 + std::chrono::hours(3), kT0 + std::chrono::hours(9)});
  // Whole slots read only the counts, never the posts.
  log.Take();
  const Timestamp slot = kT0 + std::chrono::seconds(200);  // kT0 is 700 s into a 15-minute slot
  check({slot, slot + std::chrono::hours(2), slot + std::chrono::hours(6)});
  // The cases opened, answered and missed come from their indexes alone.
  for (const std::string& sql : log.Take()) {
    INFO(sql);
    CHECK(sql.find("posts p") == std::string::npos);
    if (sql.find("WITH bucket") == std::string::npos) continue;
    const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), sql);
    INFO(plan);
    CHECK(plan.find("SEARCH c USING COVERING INDEX cases_by_brand_") != std::string::npos);
  }
  // A database from before the counts gets them from its posts when migrated.
  f.store.reset();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((f.dir / "odziv.db").string().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "DROP TRIGGER post_counts_added; DROP TRIGGER post_counts_moved; DROP TRIGGER post_counts_judged; "
                       "DROP TABLE post_counts; DROP TABLE topic_counts; DROP TRIGGER post_labels_judged; "
                       "DROP TRIGGER post_labels_moved; DROP TABLE post_labels; PRAGMA user_version = 11;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  f.store = testing::OpenTempStore(f.dir, &f.clock);
  check(cut);
  // … and the newest label of each judged post (migration 13), deleted posts included as in the list.
  PostPageFilter negative;
  negative.brand_ids = {f.brand.id};
  negative.label = SentimentLabel::kNegative;
  negative.limit = 1000;
  std::set<std::int64_t> listed, judged_negative;
  const std::vector<StoredPost> page = f.store->ListPostPage(negative).value();
  for (const StoredPost& p : page) listed.insert(p.id);
  for (const auto& [id, e] : expected)
    if (e.label == SentimentLabel::kNegative) judged_negative.insert(id);
  CHECK(listed == judged_negative);
}

TEST_CASE("Posts of one label come newest first by their newest judgement, from an index of labels") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  std::mt19937 random(5);
  std::vector<Post> posts;
  for (int i = 0; i < 40; ++i) {
    Post p = APost(fmt::format("l{}", i));
    p.platform = i % 4 == 0 ? "x" : "mastodon";
    posts.push_back(p);
  }
  const auto ids = f.Ingest(posts);
  REQUIRE(ids.size() == posts.size());
  std::map<std::int64_t, SentimentLabel> newest;
  for (std::int64_t id : ids) {
    for (int times = static_cast<int>(random() % 3); times > 0; --times) {  // never, once or twice
      Assessment a;
      a.label = random() % 2 ? SentimentLabel::kNegative : SentimentLabel::kPositive;
      a.model_version = "t";
      REQUIRE(f.store->SaveAssessment(id, a, TriageRecord{}, kT0));
      newest[id] = a.label;
    }
  }
  auto expected = [&](std::optional<std::string> platform) {
    std::vector<std::int64_t> out;
    for (std::size_t i = ids.size(); i-- > 0;)
      if (newest.count(ids[i]) && newest[ids[i]] == SentimentLabel::kNegative &&
          (!platform || posts[i].platform == *platform))
        out.push_back(ids[i]);
    return out;
  };
  std::vector<std::int64_t> many_brands{f.brand.id};  // past 50 brands the label is looked up per post
  for (std::int64_t id = 1000; many_brands.size() < 51; ++id) many_brands.push_back(id);
  for (const auto& brands : {std::vector<std::int64_t>{f.brand.id}, many_brands}) {
    for (std::optional<std::string> platform : {std::optional<std::string>{}, std::optional<std::string>{"x"}}) {
      for (std::size_t limit : {1, 3, 100}) {
        INFO("brands " << brands.size() << ", limit " << limit);
        PostPageFilter filter;
        filter.brand_ids = brands;
        filter.label = SentimentLabel::kNegative;
        filter.platform = platform;
        filter.limit = limit;
        std::vector<std::int64_t> walked;
        for (;;) {
          auto page = f.store->ListPostPage(filter).value();
          for (const StoredPost& post : page) walked.push_back(post.id);
          if (page.size() < limit) break;
          filter.before_id = page.back().id;
        }
        CHECK(walked == expected(platform));
      }
    }
  }
  PostPageFilter filter;
  filter.brand_ids = {f.brand.id};
  filter.label = SentimentLabel::kNegative;
  filter.before_id = ids[30];
  log.Take();
  REQUIRE(f.store->ListPostPage(filter));
  const std::vector<std::string> statements = log.Take();
  REQUIRE(statements.size() == 1);
  const std::string plan = testing::StatementLog::Explain((f.dir / "odziv.db").string(), statements[0]);
  INFO(statements[0] << "\n" << plan);
  CHECK(plan.find("SEARCH l USING COVERING INDEX post_labels_by_brand (brand_id=? AND label=? AND post_id<?)") !=
        std::string::npos);
  CHECK(plan.find("SEARCH p USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  CHECK(plan.find("SCAN l") == std::string::npos);
  CHECK(plan.find("SCAN p") == std::string::npos);
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

TEST_CASE("Operations counts follow cases, alerts and deliveries as they change, without counting every case") {
  testing::StatementLog log;  // before the store opens its connection
  Fixture f;
  const std::string path = (f.dir / "odziv.db").string();
  // What /metrics counted before the counts were kept: every case ever, by this formula.
  auto missed_by_formula = [&](Timestamp now) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM cases c WHERE c.sla_due_at <= ?1 AND (coalesce(c.replied_at, "
                               "c.confirmed_at) IS NULL OR coalesce(c.replied_at, c.confirmed_at) > c.sla_due_at) AND "
                               "NOT (coalesce(c.replied_at, c.confirmed_at) IS NULL AND ((c.closed_at IS NOT NULL AND "
                               "c.closed_at <= c.sla_due_at) OR c.paused_at IS NOT NULL))",
                               -1, &stmt, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, ToUnixMillis(now));
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const std::int64_t count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
  };
  const auto at = [](int minutes) { return kT0 + std::chrono::minutes(minutes); };
  std::vector<Post> posts;
  for (int i = 0; i < 7; ++i) posts.push_back(APost("p" + std::to_string(i)));
  auto ids = f.Ingest(posts);
  std::vector<Case> cases;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Case c;
    c.brand_id = f.brand.id;
    c.platform = "x";
    c.thread_id = posts[i].external_id;
    c.first_post_id = ids[i];
    c.due_at = at(i == 6 ? 300 : 60);
    CaseChange open;
    open.action = "case.open";
    if (i == 0) open.alerts = {Alert{0, 0, std::nullopt, "team", "new_case", "p0:new", "{}", "pending", kT0, 0, ""}};
    cases.push_back(f.store->CreateCase(c, open, kT0).value());
  }
  auto change = [&](std::size_t i, auto edit) {
    Case c = f.store->GetCase(cases[i].id).value();
    edit(c);
    CaseChange update;
    update.action = "case.test";
    cases[i] = f.store->UpdateCase(c, update, kT0).value();
  };
  change(0, [&](Case& c) { c.state = CaseState::kReplied; c.replied_at = at(120); });  // answered late: missed
  change(1, [&](Case& c) { c.state = CaseState::kReplied; c.replied_at = at(30); });   // answered in time
  auto close = [&](Timestamp when) {
    return [when](Case& c) {
      c.state = CaseState::kClosed;
      c.close_reason = CloseReason::kResolvedPrivately;
      c.closed_by = "cli";
      c.closed_at = when;
    };
  };
  change(2, close(at(120)));                            // closed late without an answer: missed
  change(3, close(at(10)));                             // closed in time without one
  change(4, [&](Case& c) { c.paused_at = at(20); });    // waiting for the customer
  // 5 stays open and is overdue from minute 60 on; 6 is due at minute 300.
  CHECK(f.store->CountOperations(at(180)).value().sla_missed == 3);
  // At any time after these changes (/metrics asks at the present), the counts agree with the formula.
  for (int minutes : {120, 180, 299, 300, 301}) {
    CHECK(f.store->CountOperations(at(minutes))->sla_missed == missed_by_formula(at(minutes)));
  }

  // The answer to case 0 disappears and it re-opens; 5 is answered late; 6 is closed after its deadline; 4
  // resumes.
  change(0, [&](Case& c) { c.state = CaseState::kOpen; c.replied_at.reset(); });
  change(5, [&](Case& c) { c.state = CaseState::kReplied; c.replied_at = at(200); });
  change(6, close(at(400)));
  change(4, [&](Case& c) { c.paused_at.reset(); });
  for (int minutes : {400, 500}) {
    CHECK(f.store->CountOperations(at(minutes))->sla_missed == missed_by_formula(at(minutes)));
  }
  CHECK(f.store->CountOperations(at(400))->sla_missed == 5);  // 0 and 4 (overdue again), 2, 5 and 6

  // Alerts and deliveries by status.
  const Alert alert = f.store->ListAlerts(cases[0].id).value().at(0);
  REQUIRE(f.store->RecordAlertAttempt(alert.id, "sent", std::nullopt, "", kT0));
  StoredDraft draft;
  draft.case_id = cases[1].id;
  draft.post_id = ids[1];
  draft.text = "Hvala, javljamo se.";
  DraftChange approve;
  approve.action = "draft.approve";
  approve.deliver = true;
  REQUIRE(f.store->AddDraft(draft, approve, kT0));
  OperationsCounts counts = f.store->CountOperations(kT0).value();
  CHECK(counts.alerts == std::map<std::string, std::int64_t>{{"sent", 1}});
  CHECK(counts.deliveries == std::map<std::string, std::int64_t>{{"pending", 1}});
  const Delivery delivery = f.store->ListDeliveries(std::nullopt, cases[1].id).value().at(0);
  REQUIRE(f.store->ClaimDelivery(delivery.id, kT0));
  REQUIRE(f.store->RecordDeliveryOutcome(delivery.id, DeliveryOutcome{DeliveryStatus::kSent, "r1", "", {}, "", {}},
                                         kT0));
  log.Take();
  counts = f.store->CountOperations(kT0).value();
  CHECK(counts.deliveries == std::map<std::string, std::int64_t>{{"sent", 1}});  // none pending: left out

  // No statement counts every case, delivery or alert: the overdue ones come from the partial index.
  std::string plans;
  for (const std::string& sql : log.Take()) plans += sql + "\n" + testing::StatementLog::Explain(path, sql);
  INFO(plans);
  CHECK(plans.find("INDEX cases_awaiting_response (sla_due_at<?)") != std::string::npos);
  for (const char* table : {"SCAN cases", "SCAN c", "SCAN deliveries", "SCAN alerts"})
    CHECK(plans.find(table) == std::string::npos);
}
