// The /api/v1 routes through HttpRouter::Dispatch, on a real SqliteStore, with a test Authenticator that
// answers with a fixed principal: paging with cursors, filters, permissions, version checks, audit events,
// request body checks, and the brand isolation walk over every route AddApiRoutes and AddStatsRoutes register.
#include "daemon/api_routes.h"

#include <catch2/catch.hpp>
#include <cpprest/json.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "daemon/api_stats.h"
#include "daemon/approval_queue.h"
#include "daemon/auth.h"
#include "daemon/brand_drafter.h"
#include "daemon/case_tracker.h"
#include "daemon/drafting_stage.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
using web::json::value;
namespace fs = std::filesystem;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

// Answers every request as `principal`, or 401 when there is none.
class FixedAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> principal;
  Result<Principal> Authenticate(const ServerRequest&) override {
    if (!principal) return Fail(ErrorCode::kUnauthenticated, "sign in first");
    return *principal;
  }
};

struct Reply {
  int status = 0;
  value json;
  std::string body;
};

struct Fixture {
  fs::path dir;
  FakeClock clock{At("2026-11-23T09:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  FixedAuthenticator auth;
  HttpRouter router;
  Brand acme, bora;
  Source acme_x, bora_x;
  User agent, viewer, lead, bora_agent;
  int next_post = 1;

  Fixture() {
    dir = testing::MakeTempDir("odziv-api");
    store = testing::OpenTempStore(dir, &clock);
    acme = AddBrand("acme", "Acme Coffee");
    bora = AddBrand("bora", "Borovnica Pekara");
    acme_x = AddSource(acme, "acme-x");
    bora_x = AddSource(bora, "bora-x");
    agent = AddUser("ana", {{acme.id, "agent"}});
    viewer = AddUser("vid", {{acme.id, "viewer"}});
    lead = AddUser("lea", {{acme.id, "lead"}});
    bora_agent = AddUser("boris", {{bora.id, "agent"}});
    AddApiRoutes(router, *store, auth, clock, ApiOptions{});
    AddStatsRoutes(router, *store, auth, clock);
  }
  ~Fixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  Brand AddBrand(const std::string& slug, const std::string& name) {
    Brand b;
    b.slug = slug;
    b.name = name;
    return store->AddBrand(b).value();
  }
  Source AddSource(const Brand& brand, const std::string& name) {
    Source s;
    s.brand_id = brand.id;
    s.name = name;
    s.platform = "x";
    return store->AddSource(s).value();
  }
  User AddUser(const std::string& login, std::map<std::int64_t, std::string> roles) {
    User u;
    u.login = login;
    u.name = login;
    u.brand_roles = std::move(roles);
    return store->AddUser(u).value();
  }

  void As(const User& user, bool instance_admin = false) {
    Principal p;
    p.user = user;
    p.instance_admin = instance_admin;
    auth.principal = p;
  }

  // A post of `brand` judged `label`; a negative one opens a case of `priority`.
  StoredPost AddPost(const Source& source, const std::string& text, const std::string& handle,
                     SentimentLabel label = SentimentLabel::kNegative, int priority = 3) {
    Post p;
    p.platform = "x";
    p.external_id = "p" + std::to_string(next_post++);
    p.thread_id = p.external_id;
    p.author = Author{"id-" + handle, handle, handle, 10};
    p.text = text;
    p.language = "en";
    p.created_at = clock.Now();
    auto ids = store->IngestPage(source.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt).value().inserted_ids;
    const StoredPost post = store->GetPost(ids.at(0)).value();
    Assessment a;
    a.label = label;
    a.sentiment = label == SentimentLabel::kNegative ? -0.7 : (label == SentimentLabel::kPositive ? 0.8 : 0.0);
    a.language = "en";
    a.script = "latin";
    a.topics = {"delivery"};
    a.intents = {label == SentimentLabel::kNegative ? "complaint" : "praise"};
    a.priority = priority;
    a.urgency = 50;
    REQUIRE(store->SaveAssessment(post.id, a, TriageRecord{}, clock.Now()));
    CaseTracker tracker(*store);
    REQUIRE(tracker.OnAssessed(post, a, clock.Now()));
    return post;
  }

  void Draft() {
    DraftingStage stage(*store, DefaultTemplateDrafting());
    REQUIRE(stage.DraftPending(clock.Now()));
  }

  StoredDraft PendingDraftOf(const StoredPost& post) {
    DraftFilter filter;
    filter.statuses = {DraftStatus::kPending};
    const auto pending = store->ListDrafts(filter).value();
    for (const StoredDraft& d : pending)
      if (d.post_id == post.id) return d;
    FAIL("no pending draft for post " << post.id);
    return {};
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& body = "") {
    ServerRequest request;
    request.method = method;
    const auto q = path.find('?');
    request.path = path.substr(0, q);
    if (q != std::string::npos) request.query = ParseQuery(path.substr(q + 1));
    request.body = body;
    ServerResponse response = router.Dispatch(request);
    Reply reply{response.status, value::null(), response.body};
    if (!response.body.empty()) reply.json = value::parse(response.body);
    return reply;
  }

  // Every item id of a list route, page by page with `limit` items per page.
  std::vector<std::int64_t> AllPages(const std::string& path, int limit, const std::string& id_of = "id") {
    std::vector<std::int64_t> ids;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
      Reply r = Call("GET", fmt::format("{}{}limit={}{}", path, sep, limit, cursor.empty() ? "" : "&cursor=" + cursor));
      REQUIRE(r.status == 200);
      const auto& items = r.json.at("items").as_array();
      CHECK(items.size() <= static_cast<std::size_t>(limit));
      for (const value& item : items) {
        const value& holder = id_of == "id" ? item : item.at(id_of);
        ids.push_back(holder.at("id").as_number().to_int64());
      }
      if (r.json.at("next_cursor").is_null()) return ids;
      cursor = r.json.at("next_cursor").as_string();
    }
    FAIL("paging did not end");
    return ids;
  }

  // Brand B's data as the store holds it, to show that nothing of it changed.
  std::string Snapshot(const Brand& brand) {
    std::string out = fmt::format("{}|{}|{}|{}\n", brand.slug, store->GetBrand(brand.slug)->name,
                                  store->GetBrand(brand.slug)->settings, store->GetBrand(brand.slug)->timezone);
    const auto sources = store->ListSources(brand.id).value();
    for (const Source& s : sources)
      out += fmt::format("source {} {} {}\n", s.name, s.paused, s.settings.size());
    CaseFilter cases;
    cases.brand_id = brand.id;
    const auto stored_cases = store->ListCases(cases).value();
    for (const Case& c : stored_cases)
      out += fmt::format("case {} v{} {} {}\n", c.id, c.version, CaseStateName(c.state), c.assignee_id.value_or(0));
    DraftFilter drafts;
    drafts.brand_id = brand.id;
    const auto stored_drafts = store->ListDrafts(drafts).value();
    for (const StoredDraft& d : stored_drafts)
      out += fmt::format("draft {} v{} {} {}\n", d.id, d.version, DraftStatusName(d.status), d.text);
    out += fmt::format("deliveries {}\n", store->ListDeliveries(std::nullopt, std::nullopt)->size());
    return out;
  }
};

bool Mentions(const Reply& r, const std::string& text) { return r.body.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("API routes answer 401 without credentials and with the one error shape") {
  Fixture f;
  Reply r = f.Call("GET", "/api/v1/brands");
  CHECK(r.status == 401);
  CHECK(r.json.at("error").at("code").as_string() == "unauthenticated");
}

TEST_CASE("GET /api/v1/brands lists only the brands the principal has a role in, with case counts") {
  Fixture f;
  f.AddPost(f.acme_x, "Cold coffee again", "@cold");
  f.AddPost(f.bora_x, "Stale bread", "@stale");
  f.As(f.agent);
  Reply r = f.Call("GET", "/api/v1/brands");
  REQUIRE(r.status == 200);
  const auto& items = r.json.at("items").as_array();
  REQUIRE(items.size() == 1);
  CHECK(items.at(0).at("slug").as_string() == "acme");
  CHECK(items.at(0).at("role").as_string() == "agent");
  CHECK(items.at(0).at("open_cases").as_integer() == 1);
  CHECK(r.json.at("next_cursor").is_null());
  // An instance admin sees every brand.
  User admin = f.AddUser("root", {{f.acme.id, "admin"}, {f.bora.id, "admin"}});
  f.As(admin, true);
  CHECK(f.Call("GET", "/api/v1/brands").json.at("items").size() == 2);
}

TEST_CASE("API lists page with cursors: every item once, none missing") {
  Fixture f;
  for (int i = 0; i < 7; ++i) {
    f.AddPost(f.acme_x, fmt::format("Complaint number {}", i), fmt::format("@c{}", i), SentimentLabel::kNegative,
              1 + i % 4);
    f.clock.Advance(std::chrono::minutes(1));
  }
  f.AddPost(f.acme_x, "Lovely service", "@happy", SentimentLabel::kPositive);
  // A second brand whose posts interleave with the first's: pages merge both.
  for (int i = 0; i < 3; ++i) f.AddPost(f.bora_x, fmt::format("Bread {}", i), fmt::format("@b{}", i));
  f.AddPost(f.acme_x, "Latest complaint", "@last", SentimentLabel::kNegative, 2);
  f.Draft();
  for (std::int64_t brand : {f.acme.id}) {
    Alert a;
    a.brand_id = brand;
    a.route = "team";
    a.kind = "spike";
    for (int i = 0; i < 5; ++i) {
      a.dedup_key = fmt::format("spike:{}", i);
      REQUIRE(f.store->EnqueueAlert(a, std::nullopt, f.clock.Now()).value());
    }
  }
  f.As(f.AddUser("both", {{f.acme.id, "agent"}, {f.bora.id, "viewer"}}));
  auto check_paging = [&](const std::string& path, const std::string& id_of = "id") {
    INFO(path);
    const std::vector<std::int64_t> all = f.AllPages(path, 500, id_of);
    REQUIRE(all.size() >= 5);
    for (int limit : {1, 2, 3}) {
      CHECK(f.AllPages(path, limit, id_of) == all);
    }
    CHECK(std::set<std::int64_t>(all.begin(), all.end()).size() == all.size());
    return all;
  };
  const auto posts = check_paging("/api/v1/posts");
  CHECK(posts.size() == 12);
  CHECK(std::is_sorted(posts.rbegin(), posts.rend()));  // newest first
  CHECK(f.AllPages("/api/v1/posts?brand=bora", 2).size() == 3);
  const auto newest = check_paging("/api/v1/cases");
  CHECK(newest.size() == 11);
  const auto urgent = check_paging("/api/v1/cases?sort=urgency");
  CHECK(std::set<std::int64_t>(urgent.begin(), urgent.end()) == std::set<std::int64_t>(newest.begin(), newest.end()));
  Reply first = f.Call("GET", "/api/v1/cases?sort=urgency&limit=500");
  int previous = 0;
  for (const value& c : first.json.at("items").as_array()) {
    CHECK(c.at("priority").as_integer() >= previous);
    previous = c.at("priority").as_integer();
  }
  check_paging("/api/v1/alerts");
  const auto queue = check_paging("/api/v1/queue", "draft");
  CHECK(queue.size() == 11);
  // A cursor of one list is refused by another of a different shape, and garbage is 400.
  Reply page = f.Call("GET", "/api/v1/cases?limit=1");
  const std::string cursor = page.json.at("next_cursor").as_string();
  CHECK(f.Call("GET", "/api/v1/cases?sort=urgency&cursor=" + cursor).status == 400);
  CHECK(f.Call("GET", "/api/v1/posts?cursor=not-a-cursor").status == 400);
  CHECK(f.Call("GET", "/api/v1/queue?limit=0").status == 400);
  CHECK(f.Call("GET", "/api/v1/alerts?limit=501").status == 400);
}

TEST_CASE("API list filters: label, platform, since, state, priority, overdue, assignee, alert status") {
  Fixture f;
  const StoredPost bad = f.AddPost(f.acme_x, "Burnt beans", "@burnt", SentimentLabel::kNegative, 1);
  f.clock.Advance(std::chrono::hours(2));
  const StoredPost good = f.AddPost(f.acme_x, "Great crema", "@crema", SentimentLabel::kPositive);
  const StoredPost meh = f.AddPost(f.acme_x, "Opening hours?", "@hours", SentimentLabel::kNeutral);
  f.As(f.agent);

  Reply neg = f.Call("GET", "/api/v1/posts?label=neg");
  REQUIRE(neg.json.at("items").size() == 1);
  CHECK(neg.json.at("items").at(0).at("id").as_number().to_int64() == bad.id);
  CHECK(neg.json.at("items").at(0).at("assessment").at("label").as_string() == "neg");
  CHECK(f.Call("GET", "/api/v1/posts?label=pos").json.at("items").at(0).at("id").as_number().to_int64() == good.id);
  CHECK(f.Call("GET", "/api/v1/posts?label=neu").json.at("items").at(0).at("id").as_number().to_int64() == meh.id);
  CHECK(f.Call("GET", "/api/v1/posts?platform=mastodon").json.at("items").size() == 0);
  CHECK(f.Call("GET", "/api/v1/posts?platform=x").json.at("items").size() == 3);
  CHECK(f.Call("GET", "/api/v1/posts?since=2026-11-23T10:00:00Z").json.at("items").size() == 2);
  Reply bad_label = f.Call("GET", "/api/v1/posts?label=angry");
  CHECK(bad_label.status == 400);
  CHECK(Mentions(bad_label, "label"));
  CHECK(f.Call("GET", "/api/v1/posts?since=yesterday").status == 400);

  // The burnt-beans case is P1; its deadline has passed two hours later.
  Reply p1 = f.Call("GET", "/api/v1/cases?priority=1");
  REQUIRE(p1.json.at("items").size() == 1);
  const std::int64_t case_id = p1.json.at("items").at(0).at("id").as_number().to_int64();
  CHECK(f.Call("GET", "/api/v1/cases?priority=2").json.at("items").size() == 0);
  CHECK(f.Call("GET", "/api/v1/cases?priority=9").status == 400);
  CHECK(f.Call("GET", "/api/v1/cases?state=open").json.at("items").size() == 1);
  CHECK(f.Call("GET", "/api/v1/cases?state=closed").json.at("items").size() == 0);
  CHECK(f.Call("GET", "/api/v1/cases?state=lost").status == 400);
  CHECK(f.Call("GET", "/api/v1/cases?overdue=1").json.at("items").size() == 1);
  CHECK(f.Call("GET", "/api/v1/cases?sort=oldest").status == 400);
  REQUIRE(f.Call("POST", fmt::format("/api/v1/cases/{}/assign", case_id), R"({"login":"ana"})").status == 200);
  CHECK(f.Call("GET", "/api/v1/cases?assignee=ana").json.at("items").size() == 1);
  CHECK(f.Call("GET", "/api/v1/cases?assignee=lea").json.at("items").size() == 0);

  Alert a;
  a.brand_id = f.acme.id;
  a.route = "team";
  a.kind = "spike";
  a.dedup_key = "spike:1";
  REQUIRE(f.store->EnqueueAlert(a, std::nullopt, f.clock.Now()).value());
  CHECK(f.Call("GET", "/api/v1/alerts?status=pending").json.at("items").size() == 1);
  CHECK(f.Call("GET", "/api/v1/alerts?status=sent").json.at("items").size() == 0);
  CHECK(f.Call("GET", "/api/v1/alerts?status=lost").status == 400);
}

TEST_CASE("GET /api/v1/cases/{id} has the thread, the author's earlier cases, drafts and audit") {
  Fixture f;
  const StoredPost earlier = f.AddPost(f.acme_x, "First complaint", "@repeat");
  f.As(f.agent);
  Reply list = f.Call("GET", "/api/v1/cases");
  const std::int64_t first_case = list.json.at("items").at(0).at("id").as_number().to_int64();
  REQUIRE(f.Call("POST", fmt::format("/api/v1/cases/{}/close", first_case), R"({"reason":"resolved_privately"})")
              .status == 200);
  f.clock.Advance(std::chrono::hours(48));
  const StoredPost later = f.AddPost(f.acme_x, "Second complaint", "@repeat");
  f.Draft();
  const std::int64_t second_case = f.store->CasesOfPost(later.id)->at(0).id;
  Reply r = f.Call("GET", fmt::format("/api/v1/cases/{}", second_case));
  REQUIRE(r.status == 200);
  CHECK(r.json.at("brand").as_string() == "acme");
  REQUIRE(r.json.at("posts").size() == 1);
  CHECK(r.json.at("posts").at(0).at("text").as_string() == "Second complaint");
  CHECK(r.json.at("posts").at(0).at("assessment").at("label").as_string() == "neg");
  REQUIRE(r.json.at("history").size() == 1);
  CHECK(r.json.at("history").at(0).at("id").as_number().to_int64() == first_case);
  REQUIRE(r.json.at("drafts").size() == 1);
  bool drafted = false;
  for (const value& e : r.json.at("audit").as_array()) drafted |= e.at("action").as_string() == "draft.create";
  CHECK(drafted);
  (void)earlier;
}

TEST_CASE("assign and close write the same audit events as the CLI, and need a working role") {
  Fixture f;
  f.AddPost(f.acme_x, "Where is my order", "@late");
  f.As(f.viewer);
  const std::int64_t id = f.Call("GET", "/api/v1/cases").json.at("items").at(0).at("id").as_number().to_int64();
  const std::string assign = fmt::format("/api/v1/cases/{}/assign", id);
  const std::string close = fmt::format("/api/v1/cases/{}/close", id);
  CHECK(f.Call("POST", assign, R"({"login":"ana"})").status == 403);
  CHECK(f.Call("POST", close, R"({"reason":"spam"})").status == 403);

  f.As(f.agent);
  Reply bad = f.Call("POST", assign, R"({"login":7})");
  CHECK(bad.status == 400);
  CHECK(Mentions(bad, "login"));
  CHECK(f.Call("POST", assign, R"({"login":"boris"})").status == 400);  // no role in this brand
  // Whoever odziv picked first, the case goes to the lead, then to nobody.
  REQUIRE(f.Call("POST", assign, R"({"login":null})").status == 200);
  Reply assigned = f.Call("POST", assign, R"({"login":"lea"})");
  REQUIRE(assigned.status == 200);
  CHECK(assigned.json.at("assignee").as_string() == "lea");
  CHECK(f.Call("POST", assign, R"({"login":"vid"})").status == 409);  // a viewer does not work cases
  Reply bad_reason = f.Call("POST", close, R"({"reason":"post_deleted"})");
  CHECK(bad_reason.status == 400);
  CHECK(Mentions(bad_reason, "reason"));
  CHECK(f.Call("POST", close, R"({"reason":"spam","note":5})").status == 400);
  Reply closed = f.Call("POST", close, R"({"reason":"duplicate","note":"same as 12"})");
  REQUIRE(closed.status == 200);
  CHECK(closed.json.at("state").as_string() == "closed");
  CHECK(f.Call("POST", close, R"({"reason":"duplicate"})").status == 409);

  std::vector<std::string> actions;
  const auto events = f.store->ListAuditEvents(fmt::format("case:{}", id)).value();
  for (const AuditEvent& e : events) {
    if (e.actor == "ana") actions.push_back(e.action);
  }
  CHECK(actions == std::vector<std::string>{"case.assign", "case.assign", "case.close"});
}

TEST_CASE("drafts: a viewer cannot decide, a stale version is 409, edit-and-approve writes the delivery") {
  Fixture f;
  const StoredPost post = f.AddPost(f.acme_x, "My cup was cracked", "@cup");
  f.Draft();
  const StoredDraft d = f.PendingDraftOf(post);
  const std::string path = fmt::format("/api/v1/drafts/{}", d.id);

  f.As(f.viewer);
  Reply seen = f.Call("GET", path);
  REQUIRE(seen.status == 200);
  CHECK(seen.json.at("draft").at("version").as_number().to_int64() == d.version);
  CHECK(seen.json.at("brand").at("slug").as_string() == "acme");
  CHECK(seen.json.at("post").at("assessment").at("label").as_string() == "neg");
  Reply refused = f.Call("POST", path + "/approve", fmt::format(R"({{"version":{}}})", d.version));
  CHECK(refused.status == 403);
  CHECK(refused.json.at("error").at("code").as_string() == "permission_denied");

  f.As(f.agent);
  Reply no_version = f.Call("POST", path + "/approve", "{}");
  CHECK(no_version.status == 400);
  CHECK(Mentions(no_version, "version"));
  CHECK(f.Call("PATCH", path, R"({"version":1})").status == 400);  // no text
  CHECK(f.Call("PATCH", path, fmt::format(R"({{"text":"","version":{}}})", d.version)).status == 400);
  CHECK(f.Call("POST", path + "/reject", fmt::format(R"({{"version":{}}})", d.version)).status == 400);
  CHECK(f.Call("POST", path + "/approve", "not json").status == 400);
  Reply stale = f.Call("POST", path + "/approve", fmt::format(R"({{"version":{}}})", d.version + 5));
  CHECK(stale.status == 409);
  CHECK(stale.json.at("error").at("code").as_string() == "failed_precondition");

  Reply edited = f.Call("PATCH", path,
                        fmt::format(R"({{"text":"Sorry about the cup, a new one is on us.","version":{},"approve":true}})",
                                    d.version));
  REQUIRE(edited.status == 200);
  CHECK(edited.json.at("draft").at("status").as_string() == "approved");
  CHECK(edited.json.at("draft").at("text").as_string() == "Sorry about the cup, a new one is on us.");
  REQUIRE(edited.json.at("deliveries").size() == 1);
  const auto deliveries = f.store->ListDeliveries(d.id, std::nullopt).value();
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].text == "Sorry about the cup, a new one is on us.");
  // The old version is stale now.
  CHECK(f.Call("POST", path + "/reject", fmt::format(R"({{"reason":"no","version":{}}})", d.version)).status == 409);
  bool audited = false;
  const auto events = f.store->ListAuditEvents(fmt::format("draft:{}", d.id)).value();
  for (const AuditEvent& e : events)
    audited |= e.action == "draft.edit" && e.actor == "ana";
  CHECK(audited);
}

TEST_CASE("rejecting a draft through the API opens its case again, and the change poll notices") {
  Fixture f;
  const StoredPost post = f.AddPost(f.acme_x, "Wrong order", "@wrong");
  f.Draft();
  const StoredDraft d = f.PendingDraftOf(post);
  f.As(f.agent);
  Reply first = f.Call("GET", "/api/v1/changes");
  REQUIRE(first.status == 200);
  const std::string token = first.json.at("token").as_string();
  Reply quiet = f.Call("GET", "/api/v1/changes?since=" + token);
  CHECK_FALSE(quiet.json.at("queue_changed").as_bool());
  CHECK(quiet.json.at("token").as_string() == token);
  // A change in another brand is not the agent's business.
  f.AddPost(f.bora_x, "Burnt loaf", "@loaf");
  f.Draft();
  CHECK_FALSE(f.Call("GET", "/api/v1/changes?since=" + token).json.at("queue_changed").as_bool());
  Reply rejected = f.Call("POST", fmt::format("/api/v1/drafts/{}/reject", d.id),
                          fmt::format(R"({{"reason":"tone is off","version":{}}})", d.version));
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json.at("draft").at("status").as_string() == "rejected");
  CHECK(rejected.json.at("case").at("state").as_string() == "open");
  Reply changed = f.Call("GET", "/api/v1/changes?since=" + token);
  CHECK(changed.json.at("queue_changed").as_bool());
  CHECK(changed.json.at("token").as_string() != token);
  CHECK(f.Call("GET", "/api/v1/changes?since=garbage").status == 400);
}

// The queue's pages are kept between requests (daemon/queue_page_cache.h): these show that no kept page is
// ever answered after a change, from this process or another, or to a principal of other brands.
std::vector<std::int64_t> QueueDraftIds(const Reply& page) {
  std::vector<std::int64_t> ids;
  for (const value& item : page.json.at("items").as_array())
    ids.push_back(item.at("draft").at("id").as_number().to_int64());
  return ids;
}

TEST_CASE("the queue page shows an approval, a new case and another process's change at once") {
  Fixture f;
  const StoredPost cup = f.AddPost(f.acme_x, "My cup was cracked", "@cup", SentimentLabel::kNegative, 1);
  const StoredPost lid = f.AddPost(f.acme_x, "The lid leaks", "@lid", SentimentLabel::kNegative, 2);
  f.Draft();
  f.As(f.agent);
  const StoredDraft cup_draft = f.PendingDraftOf(cup);
  const StoredDraft lid_draft = f.PendingDraftOf(lid);
  Reply first = f.Call("GET", "/api/v1/queue");
  REQUIRE(first.status == 200);
  CHECK(QueueDraftIds(first) == std::vector<std::int64_t>{cup_draft.id, lid_draft.id});
  CHECK(f.Call("GET", "/api/v1/queue").body == first.body);  // nothing changed, the clock stood still

  // The clock stands still throughout: only the change itself can make the page differ.
  Reply approved = f.Call("POST", fmt::format("/api/v1/drafts/{}/approve", cup_draft.id),
                          fmt::format(R"({{"version":{}}})", cup_draft.version));
  REQUIRE(approved.status == 200);
  CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{lid_draft.id});

  const StoredPost spill = f.AddPost(f.acme_x, "Coffee spilled everywhere", "@spill", SentimentLabel::kNegative, 1);
  f.Draft();
  const StoredDraft spill_draft = f.PendingDraftOf(spill);
  CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{spill_draft.id, lid_draft.id});

  // Another process (here: another connection to the same file) rejects a draft.
  {
    SqliteStoreOptions options;
    options.path = f.dir / "odziv.db";
    options.clock = &f.clock;
    auto other = SqliteStore::Open(options).value();
    REQUIRE(ApprovalQueue(*other).Reject(lid_draft.id, "Not our lid", f.agent, f.clock.Now()));
  }
  CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{spill_draft.id});

  // Time left on the SLA runs on: a page is not kept past a second even when nothing changes.
  const auto time_left = [&] {
    return f.Call("GET", "/api/v1/queue").json.at("items").at(0).at("time_left_s").as_number().to_int64();
  };
  const std::int64_t before = time_left();
  f.clock.Advance(std::chrono::seconds(2));
  CHECK(time_left() == before - 2);
}

TEST_CASE("principals of different brands never share a queue page") {
  Fixture f;
  const StoredPost acme_post = f.AddPost(f.acme_x, "My cup was cracked", "@cup");
  const StoredPost bora_post = f.AddPost(f.bora_x, "Stale bread", "@bread");
  f.Draft();
  const std::int64_t acme_draft = f.PendingDraftOf(acme_post).id;
  const std::int64_t bora_draft = f.PendingDraftOf(bora_post).id;
  const User both = f.AddUser("both", {{f.acme.id, "agent"}, {f.bora.id, "viewer"}});
  // Asked in turn, with the same query, the same clock and no change in between.
  for (int round = 0; round < 2; ++round) {
    f.As(f.agent);
    CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{acme_draft});
    f.As(f.bora_agent);
    CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{bora_draft});
    f.As(both);
    CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")).size() == 2);
    CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue?brand=bora")) == std::vector<std::int64_t>{bora_draft});
    f.As(f.viewer);  // another person of the same brand is shown the same page
    CHECK(QueueDraftIds(f.Call("GET", "/api/v1/queue")) == std::vector<std::int64_t>{acme_draft});
    f.As(f.bora_agent);
    CHECK(f.Call("GET", "/api/v1/queue?brand=acme").status == 404);
  }
}

TEST_CASE("PATCH /api/v1/brands/{slug}: leads only, a bad setting is 400 with the reader's message and changes nothing") {
  Fixture f;
  f.As(f.agent);
  CHECK(f.Call("PATCH", "/api/v1/brands/acme", R"({"name":"Acme"})").status == 403);
  CHECK_FALSE(f.Call("GET", "/api/v1/brands/acme").json.has_field("settings"));
  f.As(f.lead);
  const std::string before = f.Snapshot(f.acme);
  Reply bad = f.Call("PATCH", "/api/v1/brands/acme",
                     R"({"name":"Acme Roasters","settings":{"approval":{"two_people_for":"everything"}}})");
  CHECK(bad.status == 400);
  CHECK(Mentions(bad, "approval"));
  CHECK(f.Call("PATCH", "/api/v1/brands/acme", R"({"timezone":"Mars/Olympus"})").status == 400);
  CHECK(f.Call("PATCH", "/api/v1/brands/acme", R"({"settings":[1]})").status == 400);
  CHECK(f.Call("PATCH", "/api/v1/brands/acme", R"({"nmae":"typo"})").status == 400);
  CHECK(f.Snapshot(f.acme) == before);
  Reply ok = f.Call("PATCH", "/api/v1/brands/acme", R"({"name":"Acme Roasters","timezone":"Europe/Sarajevo"})");
  REQUIRE(ok.status == 200);
  CHECK(ok.json.at("name").as_string() == "Acme Roasters");
  CHECK(ok.json.has_field("settings"));
  CHECK(f.store->GetBrand("acme")->timezone == "Europe/Sarajevo");
  bool audited = false;
  const auto events = f.store->ListAuditEvents(fmt::format("brand:{}", f.acme.id)).value();
  for (const AuditEvent& e : events)
    audited |= e.action == "brand.update" && e.actor == "lea";
  CHECK(audited);
}

TEST_CASE("POST /api/v1/brands is for instance admins; sources are added, changed and removed by leads") {
  Fixture f;
  f.As(f.lead);
  CHECK(f.Call("POST", "/api/v1/brands", R"({"slug":"cvijet","name":"Cvijet"})").status == 403);
  User root = f.AddUser("root", {});
  f.As(root, true);
  Reply added = f.Call("POST", "/api/v1/brands", R"({"slug":"cvijet","name":"Cvijet","timezone":"Europe/Zagreb"})");
  REQUIRE(added.status == 201);
  CHECK(added.json.at("slug").as_string() == "cvijet");
  CHECK(f.Call("POST", "/api/v1/brands", R"({"slug":"cvijet","name":"Again"})").status == 409);
  CHECK(f.Call("POST", "/api/v1/brands", R"({"slug":"Bad Slug","name":"x"})").status == 400);

  f.As(f.agent);
  CHECK(f.Call("POST", "/api/v1/brands/acme/sources", R"({"name":"acme-rss","platform":"rss"})").status == 403);
  Reply listed = f.Call("GET", "/api/v1/brands/acme/sources");
  REQUIRE(listed.status == 200);
  CHECK(listed.json.at("items").at(0).at("name").as_string() == "acme-x");
  f.As(f.lead);
  Reply pasted = f.Call("POST", "/api/v1/brands/acme/sources",
                        R"({"name":"acme-m","platform":"mastodon","settings":{"access_token":"abc123secret"}})");
  CHECK(pasted.status == 400);
  CHECK_FALSE(Mentions(pasted, "abc123secret"));
  CHECK(f.Call("POST", "/api/v1/brands/acme/sources", R"({"name":"acme-q","platform":"carrier-pigeon"})").status ==
        400);
  Reply source = f.Call("POST", "/api/v1/brands/acme/sources",
                        R"({"name":"acme-rss","platform":"rss","settings":{"url":"https://example.com/feed"}})");
  REQUIRE(source.status == 201);
  CHECK(source.json.at("state").as_string() == "active");
  const std::int64_t source_id = f.store->GetSource("acme-rss")->id;
  Reply paused = f.Call("PATCH", "/api/v1/brands/acme/sources/acme-rss", R"({"paused":true,"poll_interval_s":600})");
  REQUIRE(paused.status == 200);
  CHECK(paused.json.at("state").as_string() == "paused");
  CHECK(f.store->GetSource("acme-rss")->poll_interval == std::chrono::seconds(600));
  CHECK(f.Call("PATCH", "/api/v1/brands/acme/sources/acme-rss", R"({"poll_interval_s":0})").status == 400);
  CHECK(f.Call("DELETE", "/api/v1/brands/acme/sources/acme-rss").status == 204);
  CHECK_FALSE(f.store->GetSource("acme-rss"));
  // Each change is in the brand's audit trail, under the source's subject.
  std::vector<std::string> actions;
  const auto events = f.store->ListAuditEvents(fmt::format("source:{}", source_id)).value();
  for (const AuditEvent& e : events)
    actions.push_back(e.action + " " + e.actor);
  CHECK(actions == std::vector<std::string>{"source.add lea", "source.update lea", "source.remove lea"});
}

// The issue's acceptance test: an agent of brand A walks EVERY route AddApiRoutes registered, with brand B's
// real slug, source name and ids in the path and valid bodies, and learns nothing of B and changes nothing.
TEST_CASE("brand isolation walk: every API route answers 404 for another brand's things and leaks nothing") {
  Fixture f;
  // Brand B's data, with words that appear nowhere else.
  const StoredPost b_post = f.AddPost(f.bora_x, "Zucchini muffin went mouldy overnight", "@quokka_baker");
  f.AddPost(f.bora_x, "Pretzel xylophone complaint", "@wombat_eater");
  // Brand A has data of its own, so that its lists are not trivially empty.
  f.AddPost(f.acme_x, "Espresso too bitter", "@acme_fan");
  f.Draft();
  const StoredDraft b_draft = f.PendingDraftOf(b_post);
  const std::int64_t b_case = f.store->CasesOfPost(b_post.id)->at(0).id;
  Alert alert;
  alert.brand_id = f.bora.id;
  alert.route = "team";
  alert.kind = "spike";
  alert.dedup_key = "bora:spike";
  alert.payload = R"({"summary":"Borovnica spike of mouldy muffins"})";
  REQUIRE(f.store->EnqueueAlert(alert, std::nullopt, f.clock.Now()).value());

  const std::vector<std::string> traces{"bora", "Borovnica", "Zucchini", "Pretzel", "quokka", "wombat", b_draft.text};
  // Valid bodies, so that a refusal cannot come from a body problem checked before the lookup.
  const std::map<std::string, std::string> bodies{
      {"POST /api/v1/brands", R"({"slug":"bora","name":"Borovnica Pekara"})"},
      {"PATCH /api/v1/brands/{slug}", R"({"name":"Taken Over"})"},
      {"POST /api/v1/brands/{slug}/sources", R"({"name":"bora-rss","platform":"rss","settings":{"url":"https://e.x/f"}})"},
      {"PATCH /api/v1/brands/{slug}/sources/{name}", R"({"paused":true})"},
      {"DELETE /api/v1/brands/{slug}/sources/{name}", ""},
      {"POST /api/v1/cases/{id}/assign", R"({"login":"ana"})"},
      {"POST /api/v1/cases/{id}/close", R"({"reason":"spam","note":"x"})"},
      {"PATCH /api/v1/drafts/{id}", fmt::format(R"({{"text":"Hello","version":{},"approve":true}})", b_draft.version)},
      {"POST /api/v1/drafts/{id}/approve", fmt::format(R"({{"version":{}}})", b_draft.version)},
      {"POST /api/v1/drafts/{id}/reject", fmt::format(R"({{"reason":"no","version":{}}})", b_draft.version)},
  };
  // Which of brand B's ids fills "{id}", by the collection the route is under.
  const std::map<std::string, std::int64_t> ids{
      {"posts", b_post.id}, {"cases", b_case}, {"drafts", b_draft.id}};

  const std::string before = f.Snapshot(f.bora);
  f.As(f.agent);
  const auto routes = f.router.Routes();
  REQUIRE(routes.size() >= 20);
  for (const auto& route : routes) {
    const std::string name = route.method + " " + route.pattern;
    INFO(name);
    REQUIRE(route.pattern.starts_with("/api/v1/"));
    // Fill the pattern with B's real names and ids.
    std::string path;
    bool has_params = false;
    std::string collection;
    std::size_t start = 1;
    while (start <= route.pattern.size()) {
      std::size_t end = route.pattern.find('/', start);
      if (end == std::string::npos) end = route.pattern.size();
      const std::string seg = route.pattern.substr(start, end - start);
      if (seg == "{slug}") {
        path += "/bora";
        has_params = true;
      } else if (seg == "{name}") {
        path += "/" + f.bora_x.name;
        has_params = true;
      } else if (seg == "{id}") {
        auto id = ids.find(collection);
        if (id == ids.end()) FAIL("the walk does not know which of brand B's ids fills " << name << ": add it");
        path += "/" + std::to_string(id->second);
        has_params = true;
      } else if (!seg.empty() && seg.front() == '{') {
        FAIL("the walk does not know the parameter " << seg << " of " << name << ": add it");
      } else {
        path += "/" + seg;
        collection = seg;
      }
      start = end + 1;
    }
    std::string body;
    if (route.method != "GET") {
      auto found = bodies.find(name);
      if (found == bodies.end()) FAIL("the walk has no valid body for " << name << ": add one");
      body = found->second;
    }
    // A trace is B's data that the request did not carry itself (an error may repeat the caller's words).
    auto check_no_trace = [&](const Reply& r, const std::string& request) {
      for (const std::string& t : traces) {
        INFO("trace " << t << " in " << r.body);
        CHECK((request.find(t) != std::string::npos || !Mentions(r, t)));
      }
    };
    if (has_params) {
      Reply r = f.Call(route.method, path, body);
      INFO(r.body);
      CHECK(r.status == 404);
      CHECK(r.json.at("error").at("code").as_string() == "not_found");
      check_no_trace(r, path + body);
    } else if (route.method == "GET") {
      Reply all = f.Call("GET", path);
      CHECK(all.status == 200);
      check_no_trace(all, path);
      Reply filtered = f.Call("GET", path + "?brand=bora");
      INFO(filtered.body);
      CHECK((filtered.status == 404 || filtered.status == 200));
      check_no_trace(filtered, path + "?brand=bora");
    } else {
      // Routes that make something new (a brand) are refused to an agent outright.
      Reply r = f.Call(route.method, path, body);
      CHECK(r.status == 403);
      check_no_trace(r, path + body);
    }
  }
  // List routes that take a brand answer 404 for B, exactly as for a brand that does not exist.
  for (const char* list : {"/api/v1/posts", "/api/v1/cases", "/api/v1/alerts", "/api/v1/queue"}) {
    INFO(list);
    Reply b = f.Call("GET", std::string(list) + "?brand=bora");
    Reply none = f.Call("GET", std::string(list) + "?brand=nosuch");
    CHECK(b.status == 404);
    CHECK(none.status == 404);
    CHECK(b.json.at("error").at("message").as_string().find("bora") != std::string::npos);
    CHECK(none.json.at("error").at("message").as_string().find("nosuch") != std::string::npos);
  }
  CHECK(f.Snapshot(f.bora) == before);
}

TEST_CASE("an instance admin's lists over many brands page the same way") {
  Fixture f;
  std::map<std::int64_t, std::string> roles{{f.acme.id, "admin"}, {f.bora.id, "admin"}};
  for (int i = 0; i < 60; ++i) roles[f.AddBrand(fmt::format("brand-{}", i), "Brand").id] = "admin";
  for (int i = 0; i < 4; ++i) {
    f.AddPost(f.acme_x, fmt::format("Acme complaint {}", i), fmt::format("@a{}", i));
    f.AddPost(f.bora_x, fmt::format("Bora complaint {}", i), fmt::format("@b{}", i));
  }
  f.As(f.AddUser("root", roles), true);
  const std::vector<std::int64_t> posts = f.AllPages("/api/v1/posts", 3);
  CHECK(posts.size() == 8);
  CHECK(std::is_sorted(posts.rbegin(), posts.rend()));
  CHECK(f.AllPages("/api/v1/cases", 3).size() == 8);
  CHECK(f.Call("GET", "/api/v1/brands").json.at("items").size() == 62);
}

TEST_CASE("docs/openapi.json describes every route the daemon registers under /api/v1, and no route it does not") {
  Fixture f;
  StoreAuthenticator sign_in(*f.store, f.clock);
  AddAuthRoutes(f.router, *f.store, sign_in, f.clock);
  std::ifstream in(std::string(ODZIV_SOURCE_DIR) + "/docs/openapi.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const value doc = value::parse(text.str());
  std::set<std::string> registered, documented;
  for (const auto& route : f.router.Routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    registered.insert(method + " " + route.pattern);
  }
  for (const auto& [path, operations] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : operations.as_object()) documented.insert(method + " " + path);
  }
  CHECK(registered == documented);
}
