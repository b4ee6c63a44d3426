// GET /api/v1/stats on a real SqliteStore with known posts and cases and a FakeClock: buckets in the
// brand's time zone, sentiment and topic counts, SLAs met and missed, medians, open and overdue cases, and
// the brand scope (a brand the principal may not see is not found).
#include <catch2/catch.hpp>
#include <cpprest/json.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "daemon/api_stats.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using web::json::value;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

class FixedAuthenticator final : public Authenticator {
 public:
  Principal principal;
  Result<Principal> Authenticate(const ServerRequest&) override { return principal; }
};

struct StatsFixture {
  fs::path dir;
  FakeClock clock{At("2026-11-23T12:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  Brand zrno, other;
  Source zrno_x, other_x;
  FixedAuthenticator auth;
  HttpRouter router;
  int next_post = 0;

  StatsFixture() {
    dir = testing::MakeTempDir("odziv-stats");
    store = testing::OpenTempStore(dir, &clock);
    zrno = AddBrand("zrno", "Europe/Sarajevo");
    other = AddBrand("drugi", "UTC");
    zrno_x = AddSource(zrno);
    other_x = AddSource(other);
    auth.principal.user.login = "ana";
    auth.principal.user.brand_roles = {{zrno.id, "viewer"}};
    AddStatsRoutes(router, *store, auth, clock);
  }
  ~StatsFixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  Brand AddBrand(const std::string& slug, const std::string& timezone) {
    Brand b;
    b.slug = slug;
    b.name = slug;
    b.timezone = timezone;
    return store->AddBrand(b).value();
  }
  Source AddSource(const Brand& b) {
    Source s;
    s.brand_id = b.id;
    s.name = b.slug + "-x";
    s.platform = "x";
    return store->AddSource(s).value();
  }

  // A post created at `iso`, judged with `label` and `topics` unless `label` is empty.
  std::int64_t AddPost(const Source& source, const char* iso, const std::string& label,
                       std::vector<std::string> topics = {}, bool from_brand = false) {
    Post p;
    p.platform = "x";
    p.external_id = "p" + std::to_string(++next_post);
    p.thread_id = p.external_id;
    p.text = "tekst";
    p.created_at = At(iso);
    p.from_brand = from_brand;
    const std::int64_t id =
        store->IngestPage(source.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt)->inserted_ids.at(0);
    if (!label.empty()) {
      Assessment a;
      a.label = label == "neg" ? SentimentLabel::kNegative
                               : (label == "pos" ? SentimentLabel::kPositive : SentimentLabel::kNeutral);
      a.language = "bs";
      a.script = "latin";
      a.topics = std::move(topics);
      REQUIRE(store->SaveAssessment(id, a, TriageRecord{}, clock.Now()));
    }
    return id;
  }

  // A case of zrno opened at `opened` (its SLA clock too), due at `due`, first answered at `replied`.
  void AddCase(std::int64_t post_id, const char* opened, const char* due, const char* replied) {
    Case c;
    c.brand_id = zrno.id;
    c.platform = "x";
    c.first_post_id = post_id;
    c.sla_started_at = At(opened);
    c.due_at = At(due);
    CaseChange open;
    open.action = "case.open";
    Case stored = store->CreateCase(c, open, At(opened)).value();
    if (replied == nullptr) return;
    stored.replied_at = At(replied);
    stored.confirmed_at = At(replied);
    stored.state = CaseState::kConfirmed;
    CaseChange answer;
    answer.action = "case.confirm";
    REQUIRE(store->UpdateCase(stored, answer, At(replied)));
  }

  ServerResponse Get(std::map<std::string, std::string> query) {
    ServerRequest request;
    request.method = "GET";
    request.path = "/api/v1/stats";
    request.query = std::move(query);
    return router.Dispatch(request);
  }
};

std::vector<std::int64_t> Column(const value& buckets, const char* field) {
  std::vector<std::int64_t> out;
  for (const value& b : buckets.as_array()) out.push_back(b.at(field).as_number().to_int64());
  return out;
}

}  // namespace

TEST_CASE("stats count posts, topics, cases and SLAs per day in the brand's time zone") {
  StatsFixture f;
  const std::int64_t first = f.AddPost(f.zrno_x, "2026-11-21T10:00:00Z", "neg", {"delivery", "billing"});
  f.AddPost(f.zrno_x, "2026-11-21T23:30:00Z", "pos", {"quality"});  // 00:30 on the 22nd in Sarajevo
  f.AddPost(f.zrno_x, "2026-11-22T22:59:00Z", "");                  // 23:59 on the 22nd: not judged
  f.AddPost(f.zrno_x, "2026-11-23T09:00:00Z", "neu", {"delivery"});
  f.AddPost(f.zrno_x, "2026-11-23T09:30:00Z", "neu", {"delivery"}, /*from_brand=*/true);  // the brand's own
  f.AddPost(f.other_x, "2026-11-23T09:00:00Z", "neg", {"delivery"});                       // another brand
  f.AddCase(first, "2026-11-21T10:00:00Z", "2026-11-21T11:00:00Z", "2026-11-21T10:30:00Z");  // met in 30 min
  f.AddCase(first, "2026-11-21T12:00:00Z", "2026-11-21T13:00:00Z", "2026-11-22T08:00:00Z");  // missed, 20 h
  f.AddCase(first, "2026-11-23T08:00:00Z", "2026-11-23T10:00:00Z", nullptr);                 // missed, overdue
  f.AddCase(first, "2026-11-23T11:00:00Z", "2026-11-23T15:00:00Z", nullptr);                 // still in time

  ServerResponse response = f.Get({{"brand", "zrno"}, {"from", "2026-11-21T08:00:00+01:00"}});
  REQUIRE(response.status == 200);
  const value body = value::parse(response.body);
  CHECK(body.at("timezone").as_string() == "Europe/Sarajevo");
  const value& buckets = body.at("buckets");
  REQUIRE(buckets.size() == 3);
  CHECK(buckets.at(0).at("start").as_string() == "2026-11-20T23:00:00Z");
  CHECK(buckets.at(2).at("start").as_string() == "2026-11-22T23:00:00Z");
  CHECK(Column(buckets, "posts") == std::vector<std::int64_t>{1, 2, 1});
  CHECK(Column(buckets, "neg") == std::vector<std::int64_t>{1, 0, 0});
  CHECK(Column(buckets, "pos") == std::vector<std::int64_t>{0, 1, 0});
  CHECK(Column(buckets, "neu") == std::vector<std::int64_t>{0, 0, 1});
  CHECK(Column(buckets, "cases_opened") == std::vector<std::int64_t>{2, 0, 2});
  CHECK(Column(buckets, "cases_answered") == std::vector<std::int64_t>{1, 1, 0});
  CHECK(Column(buckets, "sla_met") == std::vector<std::int64_t>{1, 0, 0});
  CHECK(Column(buckets, "sla_missed") == std::vector<std::int64_t>{1, 0, 1});
  CHECK(buckets.at(0).at("median_first_response_s").as_double() == Approx(1800));
  CHECK(buckets.at(1).at("median_first_response_s").as_double() == Approx(72000));
  CHECK(buckets.at(2).at("median_first_response_s").is_null());
  CHECK(body.at("open_cases").as_number().to_int64() == 2);
  CHECK(body.at("overdue_cases").as_number().to_int64() == 1);
  CHECK(body.at("sla_compliance").as_double() == Approx(1.0 / 3.0));
  const value& topics = body.at("topics");
  REQUIRE(topics.size() == 3);
  CHECK(topics.at(0).at("topic").as_string() == "delivery");
  std::vector<std::int64_t> delivery;
  for (const value& c : topics.at(0).at("counts").as_array()) delivery.push_back(c.as_number().to_int64());
  CHECK(delivery == std::vector<std::int64_t>{1, 0, 1});
  CHECK(topics.at(1).at("topic").as_string() == "billing");
  CHECK(topics.at(2).at("topic").as_string() == "quality");

  // Hourly: the post at 09:00 UTC on the 23rd is in the hour that starts then.
  response = f.Get({{"brand", "zrno"}, {"bucket", "hour"}, {"from", "2026-11-23T08:30:00Z"}});
  REQUIRE(response.status == 200);
  const value hourly = value::parse(response.body).at("buckets");
  REQUIRE(hourly.size() == 4);  // 08, 09, 10, 11 up to now (12:00)
  CHECK(hourly.at(0).at("start").as_string() == "2026-11-23T08:00:00Z");
  CHECK(Column(hourly, "posts") == std::vector<std::int64_t>{0, 1, 0, 0});
  CHECK(Column(hourly, "sla_missed") == std::vector<std::int64_t>{0, 0, 1, 0});
}

TEST_CASE("stats across brands cover only the brands the principal may see, in UTC days") {
  StatsFixture f;
  f.AddPost(f.zrno_x, "2026-11-23T09:00:00Z", "neg");
  f.AddPost(f.other_x, "2026-11-23T09:00:00Z", "neg");
  ServerResponse response = f.Get({});
  REQUIRE(response.status == 200);
  value body = value::parse(response.body);
  CHECK(body.at("timezone").as_string() == "UTC");
  REQUIRE(body.at("buckets").size() == 7);  // today and the six days before it
  CHECK(body.at("buckets").at(6).at("start").as_string() == "2026-11-23T00:00:00Z");
  CHECK(Column(body.at("buckets"), "posts") == std::vector<std::int64_t>{0, 0, 0, 0, 0, 0, 1});
  CHECK(body.at("sla_compliance").is_null());

  f.auth.principal.user.brand_roles[f.other.id] = "agent";
  body = value::parse(f.Get({}).body);
  CHECK(body.at("buckets").at(6).at("posts").as_number().to_int64() == 2);
}

TEST_CASE("stats refuse brands the principal may not see as not found, and unusable ranges") {
  StatsFixture f;
  ServerResponse hidden = f.Get({{"brand", "drugi"}});
  CHECK(hidden.status == 404);
  ServerResponse missing = f.Get({{"brand", "nema"}});
  CHECK(missing.status == 404);
  CHECK(value::parse(hidden.body).at("error").at("code").as_string() == "not_found");
  CHECK(value::parse(missing.body).at("error").at("code").as_string() == "not_found");
  CHECK(f.Get({{"bucket", "week"}}).status == 400);
  CHECK(f.Get({{"from", "yesterday"}}).status == 400);
  CHECK(f.Get({{"from", "2026-11-23T12:00:00Z"}, {"to", "2026-11-22T00:00:00Z"}}).status == 400);
  CHECK(f.Get({{"bucket", "hour"}, {"from", "2026-10-01T00:00:00Z"}}).status == 400);  // 1284 hours
  CHECK(f.Get({{"bucket", "hour"}, {"from", "2026-10-13T00:00:00Z"}}).status == 200);  // 996 hours
}

TEST_CASE("day buckets follow the zone's calendar across a change of daylight saving time") {
  auto bounds = StatsBuckets(At("2026-10-24T12:00:00Z"), At("2026-10-26T12:00:00Z"), true, "Europe/Sarajevo");
  REQUIRE(bounds);
  REQUIRE(bounds->size() == 4);
  CHECK(FormatIsoTimestamp((*bounds)[0]) == "2026-10-23T22:00:00Z");
  CHECK(FormatIsoTimestamp((*bounds)[1]) == "2026-10-24T22:00:00Z");
  CHECK(FormatIsoTimestamp((*bounds)[2]) == "2026-10-25T23:00:00Z");  // the 25-hour day
  CHECK(FormatIsoTimestamp((*bounds)[3]) == "2026-10-26T23:00:00Z");
}
