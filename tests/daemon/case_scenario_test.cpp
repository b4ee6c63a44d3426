// A day of traffic for two brands, driven through the real SqliteStore, Pipeline (CaseTracker) and
// SlaWatchdog with a fake clock ticking every minute, and checked with `odziv audit unanswered` in-process.
#include <catch2/catch.hpp>
#include <cpprest/json.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "daemon/command.h"
#include "daemon/exit_status.h"
#include "daemon/pipeline.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using std::chrono::minutes;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

Post MakePost(const std::string& platform, const std::string& id, PostKind kind, const std::string& handle,
              const char* created, const std::string& text) {
  Post p;
  p.platform = platform;
  p.external_id = id;
  p.kind = kind;
  p.thread_id = id;
  p.author = Author{"id-" + handle, "@" + handle, handle, 10};
  p.text = text;
  p.language = "bs";
  p.created_at = At(created);
  return p;
}

Post BrandReply(const Post& to, const std::string& id, const char* created) {
  Post p;
  p.platform = to.platform;
  p.external_id = id;
  p.kind = PostKind::kComment;
  p.thread_id = to.thread_id;
  p.parent_id = to.external_id;
  p.author = Author{"brand", "@brand", "Brand", 0};
  p.text = "Hvala, javljamo se!";
  p.created_at = At(created);
  p.from_brand = true;
  return p;
}

Assessment Judged(SentimentLabel label, int priority, std::vector<std::string> intents = {},
                  std::string language = "bs") {
  Assessment a;
  a.label = label;
  a.sentiment = label == SentimentLabel::kNegative ? -0.7 : (label == SentimentLabel::kPositive ? 0.7 : 0.0);
  a.confidence = 0.9;
  a.language = std::move(language);
  a.script = "latin";
  a.intents = std::move(intents);
  a.priority = priority;
  a.urgency = priority == 1 ? 90 : 30;
  a.model_version = "hand-made";
  return a;
}

struct World {
  fs::path dir;
  FakeClock clock{At("2026-11-23T06:00:00Z")};  // Monday, 07:00 in Sarajevo
  std::unique_ptr<SqliteStore> store;
  std::map<std::string, Assessment> judgements;  // by external id
  std::unique_ptr<Pipeline> pipeline;
  Brand zrno, kafa;
  Source zrno_source, kafa_source;

  World() {
    std::random_device random;
    dir = fs::temp_directory_path() / ("odziv-scenario-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(dir);
    SqliteStoreOptions options;
    options.path = dir / "odziv.db";
    options.clock = &clock;
    auto opened = SqliteStore::Open(options);
    REQUIRE(opened);
    store = std::move(*opened);
    pipeline = std::make_unique<Pipeline>(*store, [this](const StoredPost& p) {
      auto found = judgements.find(p.post.external_id);
      REQUIRE(found != judgements.end());
      return found->second;
    });
  }
  ~World() {
    pipeline.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  int Cli(std::vector<std::string> args, std::string& out) {
    args.push_back("--db");
    args.push_back((dir / "odziv.db").string());
    std::istringstream in;
    std::ostringstream o, e;
    const int status = RunCli(args, in, o, e);
    out = o.str() + e.str();
    return status;
  }

  // Stores a page of posts as a poll would, and hands it to the pipeline.
  void Poll(const Source& source, std::vector<Post> posts) {
    auto stored = store->IngestPage(source.id, posts, "", clock.Now(), std::nullopt);
    REQUIRE(stored);
    REQUIRE(pipeline->OnPoll(*stored, clock.Now()));
  }

  std::int64_t PostId(const Brand& brand, const Post& post) {
    auto found = store->FindPost(brand.id, post.platform, post.external_id);
    REQUIRE(found);
    return found->id;
  }

  Case CaseOf(const Brand& brand, const Post& post) {
    auto cases = store->CasesOfPost(PostId(brand, post));
    REQUIRE(cases);
    REQUIRE(cases->size() == 1);
    return cases->front();
  }

  std::vector<Alert> AlertsOf(const Case& c) {
    auto alerts = store->ListAlerts(c.id);
    REQUIRE(alerts);
    return *alerts;
  }
};

const char* kZrnoSettings = R"({
  "sla": {
    "business_hours": {"mon-fri": "08:00-16:00"},
    "holidays": ["2026-11-24"],
    "policies": [
      {"name": "p1", "max_priority": 1, "minutes": 60, "clock": "always"},
      {"name": "review", "kinds": ["review"], "minutes": 240},
      {"name": "default", "minutes": 480}
    ],
    "escalation": [{"at": 0.5, "route": "assignee"}, {"at": 0.8, "route": "team"}, {"at": 1.0, "route": "manager"}]
  },
  "assignment": {"mode": "round_robin"}
})";

const char* kKafaSettings = R"({
  "sla": {
    "policies": [{"name": "all", "minutes": 120, "clock": "always"}],
    "escalation": [{"at": 0.5, "route": "assignee"}, {"at": 1.0, "route": "manager"}],
    "confirm_wait_minutes": 15
  },
  "triage": {"answer_kinds": ["message"]}
})";

}  // namespace

struct Day {
  World w;
  Post z1, z2, z3, z4, z5, z6, z7, z8, z9, z10, z11, z12, z13, k1, k2, k3;
};

// The day is simulated once per process; each SECTION of the test below inspects it (the last one also
// changes it), so that the minute-by-minute run is not repeated per section.
Day& SimulatedDay() {
  static std::unique_ptr<Day> day = [] {
    auto d = std::make_unique<Day>();
    World& w = d->w;
    std::string out;
    Post &z1 = d->z1, &z2 = d->z2, &z3 = d->z3, &z4 = d->z4, &z5 = d->z5, &z6 = d->z6, &z7 = d->z7;
    Post &z8 = d->z8, &z9 = d->z9, &z10 = d->z10, &z11 = d->z11, &z12 = d->z12, &z13 = d->z13;
    Post &k1 = d->k1, &k2 = d->k2, &k3 = d->k3;

    REQUIRE(w.Cli({"brand", "add", "zrno", "--name", "Zrno", "--timezone", "Europe/Sarajevo", "--settings",
                   kZrnoSettings},
                  out) == kExitOk);
    REQUIRE(w.Cli({"brand", "add", "kafa", "--name", "Kafa", "--timezone", "America/New_York", "--settings",
                   kKafaSettings},
                  out) == kExitOk);
    REQUIRE(w.Cli({"user", "add", "amra", "--name", "Amra", "--brand", "zrno", "--languages", "bs,hr"}, out) ==
            kExitOk);
    REQUIRE(w.Cli({"user", "add", "boris", "--name", "Boris", "--brand", "zrno", "--languages", "en"}, out) == kExitOk);
    REQUIRE(w.Cli({"user", "add", "dina", "--name", "Dina", "--brand", "zrno", "--languages", "sr"}, out) == kExitOk);
    REQUIRE(w.Cli({"user", "add", "cara", "--name", "Cara", "--brand", "kafa:lead"}, out) == kExitOk);
    w.zrno = *w.store->GetBrand("zrno");
    w.kafa = *w.store->GetBrand("kafa");
    Source zs;
    zs.brand_id = w.zrno.id;
    zs.name = "zrno-replay";
    zs.platform = "replay";
    w.zrno_source = *w.store->AddSource(zs);
    Source ks;
    ks.brand_id = w.kafa.id;
    ks.name = "kafa-replay";
    ks.platform = "replay";
    w.kafa_source = *w.store->AddSource(ks);

    // Zrno (Sarajevo, Mon–Fri 08:00–16:00, Tuesday a holiday).
    z1 = MakePost("google", "z1", PostKind::kReview, "ana", "2026-11-23T13:00:00Z", "Hladna kafa, 2 zvjezdice");
    z1.rating = 2;
    z2 = MakePost("x", "z2", PostKind::kMention, "bojan", "2026-11-23T07:30:00Z", "Spora dostava, opet");
    z3 = MakePost("x", "z3", PostKind::kMention, "ceca", "2026-11-23T08:00:00Z", "Gdje je moja narudzba?? HITNO");
    z4 = MakePost("facebook", "z4", PostKind::kComment, "dino", "2026-11-23T09:00:00Z", "Katastrofa");
    z5 = MakePost("x", "z5", PostKind::kMention, "ema", "2026-11-23T10:00:00Z", "Najbolja kafa u gradu");
    z6 = MakePost("x", "z6", PostKind::kMention, "spambot", "2026-11-23T10:05:00Z", "Kupite pratioce");
    z7 = MakePost("x", "z7", PostKind::kMention, "zrno", "2026-11-23T10:10:00Z", "Nova kafa od danas!");
    z7.from_brand = true;
    z8 = MakePost("x", "z8", PostKind::kMention, "bojan", "2026-11-23T12:00:00Z", "I danas kasni");
    z9 = MakePost("x", "z9", PostKind::kMention, "ana", "2026-11-23T14:00:00Z", "Ni na X-u niko ne odgovara");
    z10 = MakePost("x", "z10", PostKind::kMention, "ana", "2026-11-23T14:30:00Z", "Halo?");
    z11 = MakePost("x", "z11", PostKind::kMention, "iva", "2026-11-23T15:00:00Z", "Pogresan racun");
    // Two customers complain under the brand's own post z7: one thread, two customers, two cases.
    z12 = MakePost("facebook", "z12", PostKind::kComment, "jasna", "2026-11-23T15:20:00Z", "Cijene su porasle");
    z13 = MakePost("facebook", "z13", PostKind::kComment, "kemal", "2026-11-23T15:21:00Z", "I kod mene isto");
    z7.platform = "facebook";
    for (Post* p : {&z12, &z13}) {
      p->thread_id = "z7";
      p->parent_id = "z7";
    }
    w.judgements = {
        {"z12", Judged(SentimentLabel::kNegative, 3)},
        {"z13", Judged(SentimentLabel::kNegative, 3)},
        {"z11", Judged(SentimentLabel::kNegative, 3, {"complaint"})},
        {"z1", Judged(SentimentLabel::kNeutral, 3)},  // needs an answer by its stars alone
        {"z2", Judged(SentimentLabel::kNegative, 3, {"complaint"})},
        {"z3", Judged(SentimentLabel::kNegative, 1, {"question"})},
        {"z4", Judged(SentimentLabel::kNegative, 3)},
        {"z5", Judged(SentimentLabel::kPositive, 4)},
        {"z6", Judged(SentimentLabel::kNegative, 3, {"spam"})},
        {"z8", Judged(SentimentLabel::kNegative, 3)},
        {"z9", Judged(SentimentLabel::kNegative, 3)},
        {"z10", Judged(SentimentLabel::kNeutral, 4, {"question"})},
    };
    // Kafa (New York, around the clock, 2 h for everything).
    k1 = MakePost("instagram", "k1", PostKind::kMessage, "fran", "2026-11-23T10:00:00Z", "Where is my refund?");
    k2 = MakePost("google", "k2", PostKind::kReview, "goran", "2026-11-23T10:30:00Z", "Rude staff");
    k2.rating = 1;
    k3 = MakePost("x", "k3", PostKind::kMention, "hana", "2026-11-23T11:00:00Z", "Do you open on Sunday?");
    for (Post* p : {&k1, &k2, &k3}) p->language = "en";
    w.judgements["k1"] = Judged(SentimentLabel::kNeutral, 3, {}, "en");  // a message: answered by the brand's rule
    w.judgements["k2"] = Judged(SentimentLabel::kNegative, 2, {"complaint"}, "en");
    w.judgements["k3"] = Judged(SentimentLabel::kNeutral, 4, {"question"}, "en");

    // What happens at which minute (UTC).
    std::multimap<Timestamp, std::function<void()>> events;
    auto at = [&](const char* iso, std::function<void()> f) { events.emplace(At(iso), std::move(f)); };
    at("2026-11-23T07:30:00Z", [&] { w.Poll(w.zrno_source, {z2}); });
    at("2026-11-23T08:00:00Z", [&] { w.Poll(w.zrno_source, {z3}); });
    // Zrno answers z2 from the platform's own app: odziv sees the reply in the thread.
    at("2026-11-23T09:00:00Z", [&] { w.Poll(w.zrno_source, {z4, BrandReply(z2, "zr-2", "2026-11-23T08:55:00Z")}); });
    // odziv sends a reply to z3 that never shows up on the platform.
    at("2026-11-23T08:20:00Z", [&] {
      REQUIRE(w.pipeline->tracker().MarkReplied(w.CaseOf(w.zrno, z3).id, "zr-3", Actor{"amra", std::nullopt},
                                                w.clock.Now()));
    });
    at("2026-11-23T10:00:00Z", [&] {
      Post gone = z4;
      gone.deleted_at = At("2026-11-23T09:50:00Z");
      w.Poll(w.zrno_source, {gone, z5});
    });
    at("2026-11-23T10:10:00Z", [&] { w.Poll(w.zrno_source, {z6, z7}); });
    at("2026-11-23T10:00:00Z", [&] { w.Poll(w.kafa_source, {k1}); });
    at("2026-11-23T10:30:00Z", [&] { w.Poll(w.kafa_source, {k2}); });
    at("2026-11-23T10:45:00Z", [&] {
      REQUIRE(w.pipeline->tracker().MarkReplied(w.CaseOf(w.kafa, k2).id, "kr-2", Actor{}, w.clock.Now()));
    });
    at("2026-11-23T10:50:00Z", [&] { w.Poll(w.kafa_source, {BrandReply(k2, "kr-2", "2026-11-23T10:45:30Z")}); });
    at("2026-11-23T11:00:00Z", [&] { w.Poll(w.kafa_source, {k3}); });
    at("2026-11-23T11:20:00Z", [&] { w.Poll(w.kafa_source, {BrandReply(k3, "kr-3", "2026-11-23T11:19:00Z")}); });
    at("2026-11-23T12:00:00Z", [&] { w.Poll(w.zrno_source, {z8}); });
    at("2026-11-23T12:30:00Z", [&] {
      REQUIRE(w.pipeline->tracker().MarkReplied(w.CaseOf(w.zrno, z8).id, "zr-8", Actor{}, w.clock.Now()));
    });
    at("2026-11-23T12:40:00Z", [&] { w.Poll(w.zrno_source, {BrandReply(z8, "zr-8", "2026-11-23T12:30:05Z")}); });
    at("2026-11-23T13:00:00Z", [&] { w.Poll(w.zrno_source, {z1}); });
    at("2026-11-23T14:00:00Z", [&] { w.Poll(w.zrno_source, {z9}); });
    at("2026-11-23T14:30:00Z", [&] { w.Poll(w.zrno_source, {z10}); });
    at("2026-11-23T15:25:00Z", [&] { w.Poll(w.zrno_source, {z12, z13}); });
    at("2026-11-23T15:40:00Z", [&] { w.Poll(w.zrno_source, {BrandReply(z12, "zr-12", "2026-11-23T15:35:00Z")}); });
    // The brand answered before odziv judged the post: the case opens and is confirmed at once.
    at("2026-11-23T15:10:00Z", [&] { w.Poll(w.zrno_source, {z11, BrandReply(z11, "zr-11", "2026-11-23T15:05:00Z")}); });

    // Run from Monday 06:00 to Wednesday 12:00 UTC, one minute at a time.
    const Timestamp end = At("2026-11-25T12:00:00Z");
    for (Timestamp now = w.clock.Now(); now <= end; now += minutes(1)) {
      w.clock.Set(now);
      auto [first, last] = events.equal_range(now);
      for (auto e = first; e != last; ++e) e->second();
      auto ticked = w.pipeline->Tick(now);
      REQUIRE(ticked);
      REQUIRE(ticked->watchdog.errors == 0);
    }

    return d;
  }();
  return *day;
}

TEST_CASE("A day of traffic for two brands: deadlines, escalations, replies, deletions and the audit") {
  Day& d = SimulatedDay();
  World& w = d.w;
  std::string out;
  const Post &z1 = d.z1, &z2 = d.z2, &z3 = d.z3, &z4 = d.z4, &z5 = d.z5, &z6 = d.z6, &z7 = d.z7;
  const Post &z8 = d.z8, &z9 = d.z9, &z10 = d.z10, &z11 = d.z11, &z12 = d.z12, &z13 = d.z13;
  const Post &k1 = d.k1, &k2 = d.k2, &k3 = d.k3;
  SECTION("every post that needs an answer opened a case with the deadline of its brand's policy") {
    const Case c1 = w.CaseOf(w.zrno, z1);
    // 2★ review at 14:00 Sarajevo on Monday, 4 business hours: 2 h on Monday, Tuesday is a holiday,
    // 2 h on Wednesday from 08:00 → Wednesday 10:00 Sarajevo.
    CHECK(c1.sla_policy == "review");
    CHECK(c1.due_at == At("2026-11-25T09:00:00Z"));
    const Case c2 = w.CaseOf(w.zrno, z2);
    CHECK(c2.sla_policy == "default");
    CHECK(c2.due_at == At("2026-11-25T07:30:00Z"));  // 7.5 h Monday + 0.5 h Wednesday
    const Case c3 = w.CaseOf(w.zrno, z3);
    CHECK(c3.sla_policy == "p1");
    CHECK(c3.due_at == At("2026-11-23T09:00:00Z"));  // around the clock
    const Case k1c = w.CaseOf(w.kafa, k1);
    CHECK(k1c.due_at == At("2026-11-23T12:00:00Z"));
    // Tracked, ignored and the brand's own posts open nothing.
    for (const Post* p : {&z5, &z6, &z7}) {
      auto cases = w.store->CasesOfPost(w.PostId(w.zrno, *p));
      REQUIRE(cases);
      CHECK(cases->empty());
    }
    // Assigned round robin among the people who write Bosnian/Serbian/Croatian; never Boris (English only).
    const auto boris = w.store->GetUser("boris")->id;
    std::set<std::int64_t> assignees;
    for (const Post* p : {&z1, &z2, &z3, &z8, &z9}) {
      const Case c = w.CaseOf(w.zrno, *p);
      REQUIRE(c.assignee_id);
      CHECK(*c.assignee_id != boris);
      assignees.insert(*c.assignee_id);
    }
    CHECK(assignees.size() == 2);
    CHECK(w.CaseOf(w.zrno, z2).assignee_id != w.CaseOf(w.zrno, z3).assignee_id);
    // A second post of the same author on the same platform joins the open case; the case shows the
    // author's earlier case on another platform (same handle).
    CHECK(w.CaseOf(w.zrno, z10).id == w.CaseOf(w.zrno, z9).id);
    REQUIRE(w.Cli({"cases", "show", std::to_string(w.CaseOf(w.zrno, z9).id), "--json"}, out) == kExitOk);
    auto shown = web::json::value::parse(out);
    CHECK(shown["posts"].size() == 2);
    REQUIRE(shown["author_cases"].size() == 1);
    CHECK(shown["author_cases"][0]["id"].as_integer() == c1.id);
    CHECK(shown["author_cases"][0]["match"].as_string() == "same handle");
  }

  SECTION("escalations fire at the configured fractions of the time, once each") {
    const Case c1 = w.CaseOf(w.zrno, z1);
    auto alerts = w.AlertsOf(c1);
    REQUIRE(alerts.size() == 3);
    // 50% of 4 business hours = Monday 16:00 Sarajevo; 80% = 3 h 12 min = Wednesday 09:12; 100% = 10:00.
    CHECK(alerts[0].dedup_key == fmt::format("case:{}:sla:0.5", c1.id));
    CHECK(alerts[0].route == "assignee");
    CHECK(alerts[0].kind == "sla_approaching");
    CHECK(alerts[0].created_at == At("2026-11-23T15:00:00Z"));
    CHECK(alerts[1].route == "team");
    CHECK(alerts[1].created_at == At("2026-11-25T08:12:00Z"));
    CHECK(alerts[2].route == "manager");
    CHECK(alerts[2].kind == "sla_missed");
    CHECK(alerts[2].dedup_key == fmt::format("case:{}:sla:1", c1.id));
    CHECK(alerts[2].created_at == At("2026-11-25T09:00:00Z"));
    CHECK(w.store->GetCase(c1.id)->escalation_percent == 100);
    auto k1_alerts = w.AlertsOf(w.CaseOf(w.kafa, k1));
    REQUIRE(k1_alerts.size() == 2);
    CHECK(k1_alerts[0].created_at == At("2026-11-23T11:00:00Z"));
    CHECK(k1_alerts[1].created_at == At("2026-11-23T12:00:00Z"));
    // A case answered in time never escalated.
    CHECK(w.AlertsOf(w.CaseOf(w.zrno, z2)).empty());
    CHECK(w.AlertsOf(w.CaseOf(w.kafa, k3)).empty());
  }

  SECTION("replies made outside odziv and replies seen on the platform confirm their cases") {
    const Case c2 = w.CaseOf(w.zrno, z2);
    CHECK(c2.state == CaseState::kConfirmed);
    CHECK(c2.reply_external_id == "zr-2");
    CHECK(c2.confirmed_at == At("2026-11-23T09:00:00Z"));
    auto history = w.store->ListAuditEvents(fmt::format("case:{}", c2.id));
    REQUIRE(history);
    REQUIRE(history->size() == 2);
    CHECK(history->back().action == "case.confirm");
    CHECK(history->back().details.find("\"outside_odziv\":true") != std::string::npos);
    CHECK(w.CaseOf(w.kafa, k3).state == CaseState::kConfirmed);
    const Case c8 = w.CaseOf(w.zrno, z8);
    CHECK(c8.state == CaseState::kConfirmed);
    CHECK(c8.replied_at == At("2026-11-23T12:30:00Z"));
    CHECK(w.CaseOf(w.kafa, k2).state == CaseState::kConfirmed);
    // A reply to one customer under the brand's own post answers that customer only.
    CHECK(w.CaseOf(w.zrno, z12).id != w.CaseOf(w.zrno, z13).id);
    CHECK(w.CaseOf(w.zrno, z12).state == CaseState::kConfirmed);
    CHECK(w.CaseOf(w.zrno, z13).state == CaseState::kOpen);
    const Case c11 = w.CaseOf(w.zrno, z11);
    CHECK(c11.state == CaseState::kConfirmed);
    CHECK(c11.reply_external_id == "zr-11");
  }

  SECTION("a reply that never shows up re-opens its case with an alert") {
    const Case c3 = w.CaseOf(w.zrno, z3);
    CHECK(c3.state == CaseState::kOpen);
    auto alerts = w.AlertsOf(c3);
    REQUIRE(!alerts.empty());
    CHECK(alerts[0].kind == "delivery_failed");
    CHECK(alerts[0].dedup_key == fmt::format("case:{}:reply_missing:zr-3", c3.id));
    CHECK(alerts[0].created_at == At("2026-11-23T08:50:00Z"));  // sent 08:20 + 30 min
    auto history = w.store->ListAuditEvents(fmt::format("case:{}", c3.id));
    REQUIRE(history);
    std::vector<std::string> actions;
    for (const AuditEvent& e : *history) actions.push_back(e.action);
    CHECK(actions ==
          std::vector<std::string>{"case.open", "case.reply", "case.reopen", "case.escalate", "case.escalate"});
    CHECK((*history)[1].actor == "amra");
  }

  SECTION("a post deleted by its author closes its case visibly") {
    const Case c4 = w.CaseOf(w.zrno, z4);
    CHECK(c4.state == CaseState::kClosed);
    CHECK(c4.close_reason == CloseReason::kPostDeleted);
    CHECK(c4.closed_by == "daemon");
    REQUIRE(w.Cli({"cases", "show", std::to_string(c4.id)}, out) == kExitOk);
    CHECK(out.find("post_deleted") != std::string::npos);
  }

  SECTION("odziv audit unanswered lists exactly the cases left alone, and passes once people close them") {
    // Left alone: z1 (zrno's 2★ review), z3 (reply dropped), z9 + z10 (ana on X), z13 (kemal under the
    // brand's post) and k1 (kafa's message).
    REQUIRE(w.Cli({"audit", "unanswered", "--json", "--now", "2026-11-25T12:00:00Z"}, out) == kExitFailure);
    auto report = web::json::value::parse(out);
    std::set<std::string> posts;
    for (const auto& row : report["unanswered"].as_array()) posts.insert(row.at("external_id").as_string());
    CHECK(posts == std::set<std::string>{"z1", "z3", "z9", "z10", "z13", "k1"});
    // The pipeline recorded each triage verdict with its judgement, which is what the audit reads.
    OutcomeFilter outcomes;
    outcomes.brand_id = w.zrno.id;
    const auto judged = w.store->ListPostOutcomes(outcomes);
    REQUIRE(judged);
    for (const PostOutcome& o : *judged) {
      if (o.post.post.external_id != "z1") continue;
      REQUIRE(o.triage);
      CHECK(o.triage->needs_answer);
      CHECK(o.triage->reason == "2★ review");
    }
    for (const auto& row : report["unanswered"].as_array()) {
      if (row.at("external_id").as_string() == "z1") CHECK(row.at("late_s").as_integer() == 3 * 3600);
    }
    REQUIRE(w.Cli({"audit", "unanswered", "--brand", "kafa", "--json", "--now", "2026-11-25T12:00:00Z"}, out) ==
            kExitFailure);
    CHECK(web::json::value::parse(out)["count"].as_integer() == 1);
    REQUIRE(w.Cli({"cases", "list", "--state", "unanswered", "--overdue", "--json", "--now", "2026-11-25T12:00:00Z"},
                  out) == kExitOk);
    CHECK(web::json::value::parse(out)["cases"].size() == 3);  // z9 is due only on Wednesday afternoon
    // The work queue: missed deadlines first, the one missed earliest at the top.
    REQUIRE(w.Cli({"cases", "list", "--state", "unanswered", "--urgent", "--json", "--now", "2026-11-25T12:00:00Z"},
                  out) == kExitOk);
    auto queue = web::json::value::parse(out)["cases"];
    REQUIRE(queue.size() == 5);
    CHECK(queue[0]["id"].as_integer() == w.CaseOf(w.zrno, z3).id);  // due Monday 09:00
    CHECK(queue[1]["id"].as_integer() == w.CaseOf(w.kafa, k1).id);  // due Monday 12:00
    CHECK(queue[2]["id"].as_integer() == w.CaseOf(w.zrno, z1).id);  // due Wednesday 09:00
    CHECK(queue[3]["escalation_percent"].as_integer() < 100);

    // People close what is left, with reasons; then the audit proves nothing is missed.
    for (const Case& c : {w.CaseOf(w.zrno, z1), w.CaseOf(w.zrno, z3), w.CaseOf(w.zrno, z9), w.CaseOf(w.zrno, z13),
                          w.CaseOf(w.kafa, k1)}) {
      REQUIRE(w.Cli({"cases", "close", std::to_string(c.id), "--reason", "resolved_privately", "--note",
                     "called the customer", "--as", c.brand_id == w.zrno.id ? "amra" : "cara"},
                    out) == kExitOk);
    }
    CHECK(w.Cli({"cases", "close", std::to_string(w.CaseOf(w.zrno, z1).id), "--reason", "spam"}, out) == kExitFailure);
    REQUIRE(w.Cli({"cases", "assign", std::to_string(w.CaseOf(w.zrno, z1).id), "--to", "dina", "--json"}, out) ==
            kExitOk);
    CHECK(web::json::value::parse(out)["assignee"].as_string() == "dina");
    CHECK(web::json::value::parse(out)["close_reason"].as_string() == "resolved_privately");
    CHECK(w.Cli({"cases", "close", "1", "--reason", "post_deleted"}, out) == kExitUsage);
    REQUIRE(w.Cli({"audit", "unanswered"}, out) == kExitOk);
    CHECK(out.find("every post that needed an answer got one") != std::string::npos);
    auto history = w.store->ListAuditEvents(fmt::format("case:{}", w.CaseOf(w.kafa, k1).id));
    REQUIRE(history);
    CHECK(history->back().action == "case.close");
    CHECK(history->back().actor == "cara");
    CHECK(history->back().details.find("called the customer") != std::string::npos);
  }
}
