// CaseTracker on a real SqliteStore: joining, pausing, assignment modes and the people's commands.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>

#include "core/http_client.h"
#include "daemon/case_tracker.h"
#include "daemon/pipeline.h"
#include "daemon/post_judge.h"
#include "daemon/brand_rules.h"
#include "daemon/urgency_rules.h"
#include "daemon/poller.h"
#include "daemon/sla_watchdog.h"
#include "platforms/registry.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

struct Fixture {
  fs::path dir;
  FakeClock clock{At("2026-11-23T09:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  Brand brand;
  Source source;
  std::unique_ptr<CaseTracker> tracker;

  explicit Fixture(const std::string& settings) {
    dir = testing::MakeTempDir("odziv-tracker");
    store = testing::OpenTempStore(dir, &clock);
    Brand b;
    b.slug = "zrno";
    b.name = "Zrno";
    b.settings = settings;
    brand = store->AddBrand(b).value();
    source = testing::AddTestSource(*store, brand.id);
    tracker = std::make_unique<CaseTracker>(*store);
  }
  ~Fixture() {
    tracker.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  StoredPost Store(const std::string& id, const std::string& author, const std::string& language = "bs",
                   const std::string& text = "sporo") {
    Post p;
    p.platform = "x";
    p.external_id = id;
    p.thread_id = id;
    p.author = Author{author, "@" + author, author, 0};
    p.text = text;
    p.language = language;
    p.created_at = clock.Now();
    auto ids = store->IngestPage(source.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt).value().inserted_ids;
    return store->GetPost(ids.at(0)).value();
  }

  TrackResult Negative(const StoredPost& post, std::string language = "bs") {
    Assessment a;
    a.label = SentimentLabel::kNegative;
    a.priority = 3;
    a.language = std::move(language);
    auto tracked = tracker->OnAssessed(post, a, clock.Now());
    REQUIRE(tracked);
    return *tracked;
  }

  std::int64_t AddUser(const std::string& login, std::string role, std::vector<std::string> languages = {}) {
    User u;
    u.login = login;
    u.name = login;
    u.languages = std::move(languages);
    u.brand_roles[brand.id] = std::move(role);
    return store->AddUser(u).value().id;
  }
};

}  // namespace

TEST_CASE("A second post of the same author joins the open case and keeps its deadline; an old case does not") {
  Fixture f("{}");
  auto first = f.Negative(f.Store("1", "ana"));
  REQUIRE(first.opened);
  f.clock.Advance(hours(1));
  auto second = f.Negative(f.Store("2", "ana"));
  CHECK_FALSE(second.opened);
  REQUIRE(second.tracked_case);
  CHECK(second.tracked_case->id == first.tracked_case->id);
  CHECK(second.tracked_case->due_at == first.tracked_case->due_at);
  // Judged again (after an edit, say): nothing changes.
  auto again = f.Negative(f.store->FindPost(f.brand.id, "x", "2").value());
  CHECK(again.tracked_case->version == second.tracked_case->version);
  // Past the 72-hour join window a new case opens.
  f.clock.Advance(hours(80));
  CHECK(f.Negative(f.Store("3", "ana")).opened);
}

TEST_CASE("A brand with new_case alerts hears of each case as it opens, within max_priority, and not of joins") {
  Fixture f(R"({"routes": {"team": {"type": "slack", "webhook_url": "env:SLACK"}},
                "new_case": {"route": "team", "max_priority": 3}})");
  auto post = f.Store("1", "ana");
  auto opened = f.Negative(post);  // P3
  REQUIRE(opened.opened);
  auto alerts = f.store->ListAlerts(opened.tracked_case->id).value();
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].kind == "new_case");
  CHECK(alerts[0].route == "team");
  CHECK(alerts[0].status == "pending");
  CHECK(alerts[0].dedup_key == fmt::format("post:{}:new_case", post.id));
  CHECK(alerts[0].created_at == f.clock.Now());
  CHECK(alerts[0].payload.find(R"("priority":3)") != std::string::npos);
  // A second post of the same author joins the case: no second alert.
  auto joined = f.Negative(f.Store("2", "ana"));
  CHECK_FALSE(joined.opened);
  CHECK(f.store->ListAlerts(opened.tracked_case->id).value().size() == 1);
  // A P4 case is below the brand's bar.
  Assessment routine;
  routine.label = SentimentLabel::kNegative;
  routine.priority = 4;
  auto quiet = f.tracker->OnAssessed(f.Store("3", "ivo"), routine, f.clock.Now()).value();
  REQUIRE(quiet.opened);
  CHECK(f.store->ListAlerts(quiet.tracked_case->id).value().empty());
}

namespace {

// Counts a PipelineTimer's ticks and the posts they judged, and waits (at most 30 s) for a condition on them.
struct TickLog {
  std::mutex mu;
  std::condition_variable changed;
  std::size_t ticks = 0;
  std::size_t assessed = 0;

  std::function<void(const PipelineReport&)> Callback() {
    return [this](const PipelineReport& report) {
      std::lock_guard lock(mu);
      ++ticks;
      assessed += report.assessed;
      changed.notify_all();
    };
  }
  bool WaitFor(const std::function<bool()>& done) {
    std::unique_lock lock(mu);
    return changed.wait_for(lock, std::chrono::seconds(30), done);
  }
};

}  // namespace

TEST_CASE("PipelineTimer judges new posts as soon as it is woken, not at its next interval") {
  Fixture f("{}");
  Pipeline pipeline(*f.store, PlaceholderJudge);
  TickLog log;
  PipelineTimer timer(pipeline, f.clock, hours(1), log.Callback());
  REQUIRE(log.WaitFor([&] { return log.ticks >= 1; }));  // the first tick, at start
  f.Store("1", "ana");
  timer.Wake();
  REQUIRE(log.WaitFor([&] { return log.assessed >= 1; }));
  CHECK(f.store->ListUnassessedPosts(std::nullopt, 10).value().empty());
}

TEST_CASE("PipelineTimer goes on at once while a tick finds a whole batch, until the backlog is judged") {
  Fixture f("{}");
  std::vector<Post> posts;
  for (int i = 0; i < 1200; ++i) {  // more than two batches of 500
    Post p;
    p.platform = "x";
    p.external_id = std::to_string(1000 + i);
    p.thread_id = p.external_id;
    p.author = Author{"a" + p.external_id, "@a" + p.external_id, "A", 0};
    p.text = "kafa";
    p.created_at = f.clock.Now();
    posts.push_back(std::move(p));
  }
  REQUIRE(f.store->IngestPage(f.source.id, posts, "", f.clock.Now(), std::nullopt).value().inserted == 1200);
  Pipeline pipeline(*f.store, PlaceholderJudge);
  TickLog log;
  PipelineTimer timer(pipeline, f.clock, hours(1), log.Callback());  // never woken, and an hour between ticks
  REQUIRE(log.WaitFor([&] { return log.assessed >= 1200; }));
  CHECK(log.ticks == 3);
  CHECK(f.store->ListUnassessedPosts(std::nullopt, 10).value().empty());
}

TEST_CASE("The pipeline judges an edited post again although it reads above the posts it has judged") {
  Fixture f("{}");
  Pipeline pipeline(*f.store, PlaceholderJudge);
  auto first = f.Store("1", "ana");
  f.Store("2", "ivo");
  REQUIRE(pipeline.Tick(f.clock.Now()).value().assessed == 2);
  f.Store("3", "eva");
  CHECK(pipeline.Tick(f.clock.Now()).value().assessed == 1);
  // An edit that this process's poll reports is judged on the next tick.
  Post edited = first.post;
  edited.text = "sporo i hladno";
  edited.edited_at = f.clock.Now() + minutes(1);
  auto polled = f.store->IngestPage(f.source.id, std::vector<Post>{edited}, "", f.clock.Now(), std::nullopt).value();
  REQUIRE(polled.edited == 1);
  REQUIRE(pipeline.OnPoll(polled, f.clock.Now()));
  CHECK(pipeline.Tick(f.clock.Now()).value().assessed == 1);
  CHECK(f.store->ListUnassessedPosts(std::nullopt, 10).value().empty());
  // One that nobody reported (another process polled) is found when a tick next reads from the start.
  edited.text = "jos uvijek sporo";
  edited.edited_at = f.clock.Now() + minutes(2);
  REQUIRE(f.store->IngestPage(f.source.id, std::vector<Post>{edited}, "", f.clock.Now(), std::nullopt).value().edited == 1);
  CHECK(pipeline.Tick(f.clock.Now()).value().assessed == 0);
  f.clock.Advance(minutes(10));
  CHECK(pipeline.Tick(f.clock.Now()).value().assessed == 1);
  CHECK(f.store->ListUnassessedPosts(std::nullopt, 10).value().empty());
}

TEST_CASE("A brand without new_case alerts opens cases without an alert") {
  Fixture f("{}");
  auto opened = f.Negative(f.Store("1", "ana"));
  REQUIRE(opened.opened);
  CHECK(f.store->ListAlerts(opened.tracked_case->id).value().empty());
}

TEST_CASE("Waiting on the customer pauses the clock and the customer's next post resumes it") {
  Fixture f(R"({"sla":{"pause_when_waiting":true}})");
  auto opened = f.Negative(f.Store("1", "ana"));
  const Timestamp due = *opened.tracked_case->due_at;  // 24 h around the clock (default policy, no hours)
  f.clock.Advance(hours(2));
  auto waiting = f.tracker->WaitForCustomer(opened.tracked_case->id, Actor{"cli", std::nullopt}, f.clock.Now());
  REQUIRE(waiting);
  CHECK(waiting->paused_at == f.clock.Now());
  f.clock.Advance(hours(5));
  auto resumed = f.Negative(f.Store("2", "ana"));
  CHECK(!resumed.tracked_case->paused_at);
  CHECK(*resumed.tracked_case->due_at == due + hours(5));

  Fixture strict("{}");
  auto other = strict.Negative(strict.Store("1", "ana"));
  CHECK(strict.tracker->WaitForCustomer(other.tracked_case->id, Actor{}, strict.clock.Now()).error().code ==
        ErrorCode::kFailedPrecondition);
}

TEST_CASE("Least-loaded assignment picks the person with the fewest unanswered cases who writes the language") {
  Fixture f(R"({"assignment":{"mode":"least_loaded"}})");
  const auto amra = f.AddUser("amra", "agent", {"bs"});
  const auto dina = f.AddUser("dina", "lead", {"hr"});
  f.AddUser("vera", "viewer");
  const auto boris = f.AddUser("boris", "agent", {"en"});
  auto c1 = f.Negative(f.Store("1", "a"));
  auto c2 = f.Negative(f.Store("2", "b"));
  CHECK(c1.tracked_case->assignee_id == amra);
  CHECK(c2.tracked_case->assignee_id == dina);
  REQUIRE(f.tracker->Close(c1.tracked_case->id, CloseReason::kDuplicate, "same as 2", Actor{}, f.clock.Now()));
  // Amra has nothing open now, Dina one case.
  CHECK(f.Negative(f.Store("3", "c")).tracked_case->assignee_id == amra);
  CHECK(f.Negative(f.Store("4", "d", "en"), "en").tracked_case->assignee_id == boris);
  // Manual reassignment, refused for a viewer.
  const auto vera = f.store->GetUser("vera").value().id;
  CHECK(f.tracker->Assign(c2.tracked_case->id, vera, Actor{}, f.clock.Now()).error().code ==
        ErrorCode::kFailedPrecondition);
  auto moved = f.tracker->Assign(c2.tracked_case->id, boris, Actor{"amra", amra}, f.clock.Now());
  REQUIRE(moved);
  CHECK(moved->assignee_id == boris);
  auto history = f.store->ListAuditEvents(fmt::format("case:{}", c2.tracked_case->id)).value();
  CHECK(history.back().action == "case.assign");
  CHECK(history.back().actor == "amra");
}

TEST_CASE("Case states move open → awaiting approval → replied → confirmed, and closed cases take no reply") {
  Fixture f("{}");
  auto opened = f.Negative(f.Store("1", "ana"));
  const auto id = opened.tracked_case->id;
  REQUIRE(f.tracker->MarkAwaitingApproval(id, Actor{}, f.clock.Now())->state == CaseState::kAwaitingApproval);
  REQUIRE(f.tracker->MarkReplied(id, "r-1", Actor{}, f.clock.Now())->state == CaseState::kReplied);
  // The reply arrives through polling.
  Post reply;
  reply.platform = "x";
  reply.external_id = "r-1";
  reply.thread_id = "1";
  reply.parent_id = "1";
  reply.from_brand = true;
  reply.text = "Izvinite!";
  reply.created_at = f.clock.Now();
  auto ids = f.store->IngestPage(f.source.id, std::vector<Post>{reply}, "", f.clock.Now(), std::nullopt)->inserted_ids;
  REQUIRE(f.tracker->OnPostChanged(f.store->GetPost(ids.at(0)).value(), f.clock.Now()));
  auto confirmed = f.store->GetCase(id).value();
  CHECK(confirmed.state == CaseState::kConfirmed);
  CHECK(confirmed.reply_post_id == ids.at(0));
  CHECK(f.tracker->MarkReplied(id, "r-2", Actor{}, f.clock.Now()).error().code == ErrorCode::kFailedPrecondition);
  REQUIRE(f.tracker->Close(id, CloseReason::kAnswered, "", Actor{}, f.clock.Now()));
  CHECK(f.tracker->Close(id, CloseReason::kSpam, "", Actor{}, f.clock.Now()).error().code ==
        ErrorCode::kFailedPrecondition);
  CHECK(f.tracker->Close(id, CloseReason::kPostDeleted, "", Actor{}, f.clock.Now()).error().code ==
        ErrorCode::kInvalidArgument);
}

TEST_CASE("SlaWatchdog asks the platform before re-opening a case whose reply was not polled") {
  Fixture f("{}");
  auto seen = f.Negative(f.Store("1", "ana"));
  auto lost = f.Negative(f.Store("2", "bojan"));
  REQUIRE(f.tracker->MarkReplied(seen.tracked_case->id, "r-1", Actor{}, f.clock.Now()));
  REQUIRE(f.tracker->MarkReplied(lost.tracked_case->id, "r-2", Actor{}, f.clock.Now()));
  int asked = 0;
  SlaWatchdog watchdog(*f.store, [&](const Case& c) -> Result<std::optional<Post>> {
    ++asked;
    if (c.reply_external_id != "r-1") return Fail(ErrorCode::kInvalidArgument, "the platform cannot tell");
    Post reply;
    reply.external_id = "r-1";
    reply.url = "https://x.example/r-1";
    reply.from_brand = true;
    return std::optional<Post>(reply);
  });
  f.clock.Advance(minutes(29));
  CHECK(watchdog.Tick(f.clock.Now())->reopened == 0);
  CHECK(asked == 0);
  f.clock.Advance(minutes(1));
  auto report = watchdog.Tick(f.clock.Now());
  REQUIRE(report);
  CHECK(report->confirmed == 1);
  CHECK(report->reopened == 1);
  CHECK(f.store->GetCase(seen.tracked_case->id)->state == CaseState::kConfirmed);
  CHECK(f.store->GetCase(lost.tracked_case->id)->state == CaseState::kOpen);
  CHECK(f.store->ListAlerts(lost.tracked_case->id)->front().kind == "delivery_failed");
}

TEST_CASE("A more urgent post joining a case pulls its deadline in") {
  Fixture f("{}");
  auto opened = f.Negative(f.Store("1", "ana"));
  CHECK(opened.tracked_case->sla_policy == "default");
  f.clock.Advance(minutes(10));
  Assessment urgent;
  urgent.label = SentimentLabel::kNegative;
  urgent.priority = 1;
  urgent.intents = {"legal_threat"};
  auto joined = f.tracker->OnAssessed(f.Store("2", "ana"), urgent, f.clock.Now());
  REQUIRE(joined);
  CHECK(joined->tracked_case->id == opened.tracked_case->id);
  CHECK(joined->tracked_case->priority == 1);
  CHECK(joined->tracked_case->sla_policy == "p1");
  CHECK(joined->tracked_case->due_at == f.clock.Now() + hours(1));
  // A later routine post does not push it out again.
  f.clock.Advance(minutes(10));
  auto routine = f.Negative(f.Store("3", "ana"));
  CHECK(routine.tracked_case->due_at == joined->tracked_case->due_at);
}

TEST_CASE("Posts polled from the replay platform flow through the pipeline into cases") {
  Fixture f("{}");
  const fs::path feed = f.dir / "feed.jsonl";
  {
    std::ofstream out(feed);
    out << R"({"id":"r1","kind":"review","rating":1,"text":"Hladno","lang":"bs","author":{"id":"a1","handle":"@ana"},)"
        << R"("created_at":"2026-11-23T08:30:00Z"})" << "\n"
        << R"({"id":"r2","kind":"review","rating":5,"text":"Super","author":{"id":"a2"},)"
        << R"("created_at":"2026-11-23T08:31:00Z"})" << "\n"
        << R"({"id":"b1","kind":"comment","thread_id":"r1","parent_id":"r1","text":"Izvinite!","from_brand":true,)"
        << R"("author":{"id":"zrno"},"created_at":"2026-11-23T08:40:00Z"})" << "\n";
  }
  Source replay;
  replay.brand_id = f.brand.id;
  replay.name = "zrno-replay";
  replay.platform = "replay";
  replay.settings = {{"file", feed.string()}, {"batch", "2"}};
  replay = f.store->AddSource(replay).value();
  auto http = MakeCpprestHttpClient(HttpClientOptions{});
  auto connector = platforms::MakeConnector(replay, platforms::ConnectorContext{*http, f.clock});
  REQUIRE(connector);
  Pipeline pipeline(*f.store, PlaceholderJudge);

  // First poll: two reviews; the 1★ one opens a case, the 5★ one is only tracked.
  auto first = PollSource(*f.store, **connector, replay, f.clock, 1, std::nullopt);
  REQUIRE(!first.error);
  REQUIRE(pipeline.OnPoll(first.stored, f.clock.Now()));
  auto ticked = pipeline.Tick(f.clock.Now());
  REQUIRE(ticked);
  CHECK(ticked->assessed == 2);
  CHECK(ticked->opened == 1);
  const auto r1 = f.store->FindPost(f.brand.id, "replay", "r1").value();
  REQUIRE(f.store->GetAssessment(r1.id)->model_version == "placeholder");
  const Case opened = f.store->CasesOfPost(r1.id).value().at(0);
  CHECK(opened.state == CaseState::kOpen);
  CHECK(opened.sla_policy == "p2");  // the placeholder judges 1–2★ as P2

  // Second poll: the brand's reply, made outside odziv, confirms the case.
  replay = f.store->GetSource("zrno-replay").value();
  auto second = PollSource(*f.store, **connector, replay, f.clock, 1, std::nullopt);
  REQUIRE(!second.error);
  REQUIRE(pipeline.OnPoll(second.stored, f.clock.Now()));
  CHECK(f.store->GetCase(opened.id)->state == CaseState::kConfirmed);
  CHECK(pipeline.Tick(f.clock.Now())->assessed == 0);  // the brand's own posts are never judged
}

TEST_CASE("A brand's own urgency weights and an author's earlier cases move the judged urgency") {
  const std::string threat = "Ako ne vratite novac, dobićete tužbu od mog advokata!";
  Fixture plain("{}");
  auto judge = MakePostJudge(plain.clock, *plain.store).value();
  const Assessment usual = judge(plain.Store("1", "ana", "bs", threat));
  REQUIRE(usual.urgency_explanation.find("legal threat") != std::string::npos);

  Fixture calm(R"({"urgency":{"legal_threat":0,"p1":95,"p2":80,"p3":60}})");
  auto calm_judge = MakePostJudge(calm.clock, *calm.store).value();
  const Assessment calmer = calm_judge(calm.Store("1", "ana", "bs", threat));
  CHECK(calmer.urgency < usual.urgency);
  CHECK(calmer.priority > usual.priority);
  CHECK(calmer.urgency_explanation.find("legal threat") == std::string::npos);

  // The same author wrote before and has a case: the next post counts them as a repeat complainant.
  REQUIRE(plain.Negative(plain.store->FindPost(plain.brand.id, "x", "1").value()).opened);
  plain.clock.Advance(hours(2));
  const Assessment again = judge(plain.Store("2", "ana", "bs", threat));
  CHECK(again.urgency_explanation.find("repeat complainant (1 before)") != std::string::npos);
  const Assessment stranger = judge(plain.Store("3", "mirza", "bs", threat));
  CHECK(stranger.urgency_explanation.find("repeat") == std::string::npos);

  // A settings change is picked up once the configuration generation moves.
  Brand changed = calm.brand;
  changed.settings = R"({"urgency":{"legal_threat":60}})";
  REQUIRE(calm.store->UpdateBrand(changed));
  calm.clock.Advance(std::chrono::seconds(10));
  CHECK(calm_judge(calm.Store("2", "mirza", "bs", threat)).urgency > calmer.urgency);
}

TEST_CASE("Urgency settings are checked key by key with a message that names the key") {
  Brand brand;
  brand.settings = R"({"urgency":{"one_star":35,"platform_points":{"google":10},"stale_after_hours":24}})";
  auto weights = LoadUrgencyWeights(brand);
  REQUIRE(weights);
  CHECK(weights->one_star == 35);
  CHECK(weights->platform_points.at("google") == 10);
  CHECK(weights->platform_points.count("x") == 0);  // the brand's list replaces the defaults
  CHECK(weights->stale_after == hours(24));
  CHECK(weights->legal_threat == sentiment::UrgencyWeights{}.legal_threat);

  CHECK(CheckUrgencySettings(R"({"urgency":{"legal_thret":10}})")->find("urgency.legal_thret") != std::string::npos);
  CHECK(CheckUrgencySettings(R"({"urgency":{"safety":"high"}})")->find("whole number") != std::string::npos);
  CHECK(CheckUrgencySettings(R"({"urgency":{"p1":40,"p2":45}})")->find("p1 > p2") != std::string::npos);
  CHECK(CheckUrgencySettings(R"({"urgency":[]})")->find("object") != std::string::npos);
  CHECK(!CheckUrgencySettings(R"({"urgency":{"p1":80}})"));
  CHECK(CheckBrandSettings(R"({"urgency":{"abuse":500}})", "UTC")->find("urgency.abuse") != std::string::npos);
}
