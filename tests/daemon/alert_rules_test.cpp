#include <catch2/catch.hpp>

#include "daemon/alert_rules.h"
#include "daemon/alert_scanner.h"
#include "daemon/brand_rules.h"
#include "daemon/spike_detector.h"

using namespace odziv;
using namespace odziv::daemon;
using std::chrono::minutes;

namespace {

constexpr const char* kRoutes = R"("routes": {"team": {"type": "slack", "webhook_url": "env:SLACK"}})";

std::string Settings(const std::string& rest) { return std::string("{") + kRoutes + ", " + rest + "}"; }

AlertRules Rules(const std::string& settings, const std::string& timezone = "Europe/Sarajevo") {
  Brand brand;
  brand.settings = settings;
  brand.timezone = timezone;
  return LoadAlertRules(brand).value();
}

Timestamp At(const char* iso) { return ParseIsoTimestamp(iso).value(); }

// Counts over the whole baseline.
SpikeCounts C(std::int64_t window, std::int64_t baseline) { return {window, baseline, std::nullopt}; }

}  // namespace

TEST_CASE("Alert settings default sensibly and are read from the brand's settings") {
  AlertRules none = Rules("{}");
  CHECK_FALSE(none.spike.enabled);
  CHECK_FALSE(none.digest.enabled);
  CHECK_FALSE(none.quiet_hours.enabled());
  CHECK(none.max_per_hour.empty());

  AlertRules r = Rules(R"({"routes": {"team": {"type": "slack", "webhook_url": "env:SLACK", "max_per_hour": 20}},
      "spike": {}, "digest": {"every": "hourly", "routes": ["team"]}, "quiet_hours": {"from": "22:00", "to": "07:00"}})");
  CHECK(r.spike.enabled);
  CHECK(r.spike.window == minutes(15));
  CHECK(r.spike.factor == 4.0);
  CHECK(r.spike.min_posts == 10);
  CHECK(r.spike.route == "team");
  CHECK(r.digest.every == DigestEvery::kHourly);
  CHECK(r.digest.routes == std::vector<std::string>{"team"});
  CHECK(r.quiet_hours.enabled());
  CHECK_FALSE(r.quiet_hours.p1_waits());
  CHECK(r.max_per_hour.at("team") == 20);
}

TEST_CASE("Brand settings refuse alert rules that cannot work, naming the key") {
  auto message = [](const std::string& settings) {
    return CheckBrandSettings(settings, "Europe/Sarajevo").value_or("");
  };
  CHECK(CheckBrandSettings(Settings(R"("spike": {"window_minutes": 15, "factor": 4, "min_posts": 10, "route": "team"})"),
                           "Europe/Sarajevo") == std::nullopt);
  CHECK(message(Settings(R"("spike": {"window_minutes": 0})")) ==
        "settings.spike.window_minutes must be a whole number from 1 to 1440");
  CHECK(message(Settings(R"("spike": {"factor": 0.5})")) ==
        "settings.spike.factor must be a number from 1 to 1000 (times the normal rate)");
  CHECK(message(Settings(R"("spike": {"route": "pager"})")) ==
        "settings.spike.route names route 'pager', which settings.routes does not define");
  CHECK(message(Settings(R"("spike": {"windows": 15})")).starts_with("settings.spike.windows is not a known key"));
  CHECK(message(Settings(R"("quiet_hours": {"from": "22:00", "to": "7am"})")) ==
        "settings.quiet_hours.to must be a local time like \"22:00\"");
  CHECK(message(Settings(R"("quiet_hours": {"from": "22:00", "to": "07:00", "p1": "maybe"})")) ==
        "settings.quiet_hours.p1 must be \"send\" (P1 alerts go through, the default) or \"wait\"");
  CHECK(message(Settings(R"("digest": {"every": "weekly", "routes": ["team"]})")) ==
        "settings.digest.every must be \"hourly\" or \"daily\"");
  CHECK(message(Settings(R"("digest": {"every": "daily"})")) ==
        "settings.digest.routes must be a non-empty array of route names");
  CHECK(message(Settings(R"("digest": {"routes": ["team", "boss"]})")) ==
        "settings.digest.routes[1] names route 'boss', which settings.routes does not define");
  CHECK(message(R"({"routes": {"team": {"type": "slack", "webhook_url": "env:S", "max_per_hour": 0}}})") ==
        "settings.routes.team.max_per_hour must be a whole number from 1 to 100000");
  CHECK(message(Settings(R"("new_case": {"route": "pager"})")) ==
        "settings.new_case.route names route 'pager', which settings.routes does not define");
  CHECK(message(Settings(R"("new_case": {"route": "team", "max_priority": 5})")) ==
        "settings.new_case.max_priority must be a whole number from 1 to 4");
  CHECK(message(Settings(R"("new_case": "team")")) ==
        "settings.new_case must be an object like {\"route\": \"team\", \"max_priority\": 2}");
}

TEST_CASE("Quiet hours across midnight hold alerts until they end, in the brand's time zone") {
  QuietHours quiet = Rules(Settings(R"("quiet_hours": {"from": "22:00", "to": "07:00"})")).quiet_hours;
  // Sarajevo is UTC+1 in November, UTC+2 in June.
  CHECK(quiet.QuietUntil(At("2026-11-18T20:59:00Z")) == std::nullopt);
  CHECK(quiet.QuietUntil(At("2026-11-18T21:00:00Z")) == At("2026-11-19T06:00:00Z"));
  CHECK(quiet.QuietUntil(At("2026-11-18T23:30:00Z")) == At("2026-11-19T06:00:00Z"));
  CHECK(quiet.QuietUntil(At("2026-11-19T05:59:00Z")) == At("2026-11-19T06:00:00Z"));
  CHECK(quiet.QuietUntil(At("2026-11-19T06:00:00Z")) == std::nullopt);
  CHECK(quiet.QuietUntil(At("2026-06-10T04:30:00Z")) == At("2026-06-10T05:00:00Z"));

  QuietHours lunch = Rules(Settings(R"("quiet_hours": {"from": "12:00", "to": "13:00", "p1": "wait"})"), "UTC").quiet_hours;
  CHECK(lunch.p1_waits());
  CHECK(lunch.QuietUntil(At("2026-11-18T12:30:00Z")) == At("2026-11-18T13:00:00Z"));
  CHECK(lunch.QuietUntil(At("2026-11-18T13:30:00Z")) == std::nullopt);
}

TEST_CASE("A digest period is the newest whole hour or day that has ended, in the brand's time zone") {
  DigestSettings daily = Rules(Settings(R"("digest": {"every": "daily", "at": "08:00", "routes": ["team"]})")).digest;
  auto p = daily.LastPeriod(At("2026-11-18T07:00:30Z"));  // 08:00:30 in Sarajevo
  CHECK(p.from == At("2026-11-17T07:00:00Z"));
  CHECK(p.to == At("2026-11-18T07:00:00Z"));
  p = daily.LastPeriod(At("2026-11-18T06:59:00Z"));  // 07:59: today's has not ended
  CHECK(p.to == At("2026-11-17T07:00:00Z"));
  DigestSettings hourly = Rules(Settings(R"("digest": {"every": "hourly", "routes": ["team"]})")).digest;
  p = hourly.LastPeriod(At("2026-11-18T10:20:00Z"));
  CHECK(p.from == At("2026-11-18T09:00:00Z"));
  CHECK(p.to == At("2026-11-18T10:00:00Z"));
}

TEST_CASE("The spike threshold is the normal rate times the factor, never below the floor") {
  SpikeSettings s;  // 15 min windows over 7 days: 672 windows
  CHECK(NormalPerWindow(s, 1344) == 2.0);
  CHECK(SpikeThreshold(s, 0.0) == 10);    // a quiet brand: the floor
  CHECK(SpikeThreshold(s, 2.0) == 10);    // 4 × 2 = 8 is below the floor
  CHECK(SpikeThreshold(s, 50.0) == 200);  // a busy brand: 4 × its normal rate
  CHECK(SpikeThreshold(s, 2.1) == 10);
  CHECK(SpikeThreshold(s, 2.6) == 11);    // rounded up
}

TEST_CASE("SpikeDetector reports a spike once, not per look, and not again until it has cooled down") {
  SpikeSettings s;  // threshold 10 for a quiet brand, cooldown 60 min
  SpikeDetector d;
  const Timestamp t0 = At("2026-11-18T10:00:00Z");
  CHECK_FALSE(d.Observe(1, s, C(3, 0), t0));  // three angry posts on a quiet brand are not a spike
  CHECK_FALSE(d.Observe(1, s, C(9, 0), t0 + minutes(1)));
  auto spike = d.Observe(1, s, C(12, 0), t0 + minutes(2));
  REQUIRE(spike);
  CHECK(spike->count == 12);
  CHECK(spike->threshold == 10);
  CHECK(spike->started_at == t0 + minutes(2));
  for (int i = 3; i < 30; ++i) CHECK_FALSE(d.Observe(1, s, C(400, 0), t0 + minutes(i)));  // the same spike
  CHECK_FALSE(d.Observe(1, s, C(5, 0), t0 + minutes(30)));   // falls back…
  CHECK_FALSE(d.Observe(1, s, C(15, 0), t0 + minutes(50)));  // …and wobbles up within the cooldown: same spike
  CHECK(d.InEpisode(1));
  CHECK_FALSE(d.Observe(1, s, C(2, 0), t0 + minutes(60)));
  CHECK_FALSE(d.Observe(1, s, C(2, 0), t0 + minutes(120)));  // below for an hour: over
  CHECK_FALSE(d.InEpisode(1));
  auto second = d.Observe(1, s, C(20, 0), t0 + minutes(130));
  REQUIRE(second);
  CHECK(second->started_at == t0 + minutes(130));
  // Brands are independent.
  CHECK(d.Observe(2, s, C(10, 0), t0 + minutes(130)));

  // A busy brand: 300 in 15 min is normal for it.
  CHECK_FALSE(d.Observe(3, s, C(300, 672 * 100), t0));
  CHECK(d.Observe(3, s, C(400, 672 * 100), t0));
}

TEST_CASE("SpikeDetector takes the normal rate from the part of the baseline read so far") {
  SpikeSettings s;
  SpikeDetector d;
  const Timestamp t0 = At("2026-11-18T10:00:00Z");
  // 24 hours read: 96 windows with 20 negative posts each is a normal of 20, a threshold of 80.
  CHECK_FALSE(d.Observe(1, s, {79, 96 * 20, std::chrono::hours(24)}, t0));
  auto spike = d.Observe(1, s, {80, 96 * 20, std::chrono::hours(24)}, t0);
  REQUIRE(spike);
  CHECK(spike->normal == 20.0);
}

TEST_CASE("SpikeDetector seeded after a restart does not repeat a spike that is still going on") {
  SpikeSettings s;
  const Timestamp t0 = At("2026-11-18T10:00:00Z");
  SpikeDetector recent;
  recent.Seed(1, t0 - minutes(10));  // alerted ten minutes before the restart
  CHECK_FALSE(recent.Observe(1, s, C(50, 0), t0));
  CHECK(recent.InEpisode(1));
  SpikeDetector old;
  old.Seed(1, t0 - std::chrono::hours(48));  // an old spike: this one is new
  CHECK(old.Observe(1, s, C(50, 0), t0));
  SpikeDetector none;
  none.Seed(1, std::nullopt);
  CHECK(none.Observe(1, s, C(50, 0), t0));
}

TEST_CASE("SpikeDetector with no cooldown starts a new spike after one look below the threshold") {
  SpikeSettings s;
  s.cooldown = minutes(0);
  SpikeDetector d;
  const Timestamp t0 = At("2026-11-18T10:00:00Z");
  CHECK(d.Observe(1, s, C(10, 0), t0));
  CHECK_FALSE(d.Observe(1, s, C(11, 0), t0 + minutes(1)));
  CHECK_FALSE(d.Observe(1, s, C(9, 0), t0 + minutes(2)));
  CHECK(d.Observe(1, s, C(10, 0), t0 + minutes(3)));
}

TEST_CASE("The digest text gives volume, sentiment, cases, held-back alerts and the worst posts") {
  DigestContent d;
  d.brand_name = "Kafeterija Zrno";
  d.every = DigestEvery::kDaily;
  d.period = {At("2026-11-17T07:00:00Z"), At("2026-11-18T07:00:00Z")};
  d.timezone = "Europe/Sarajevo";
  d.posts = SentimentCounts{3, 5, 11, 1};
  d.cases = CaseCounts{4, 1};
  d.held_back = 2;
  PostOutcome worst;
  worst.post.post.platform = "x";
  worst.post.post.author.handle = "@amra_k";
  worst.post.post.text = "Čekam dostavu\ndva sata, sramota!";
  Assessment a;
  a.priority = 2;
  a.sentiment = -0.82;
  worst.assessment = a;
  d.worst = {worst};
  CHECK(DigestTitle(d) == "Daily digest: 20 posts, 3 negative, 4 unanswered cases (1 overdue)");
  CHECK(DigestSummary(d) ==
        "2026-11-17 08:00 – 2026-11-18 08:00 (Europe/Sarajevo)\n"
        "Posts: 20 (negative 3, neutral 5, positive 11, not judged yet 1)\n"
        "Cases: 4 unanswered, 1 overdue\n"
        "Held back by throttling: 2 more alerts\n"
        "Worst posts:\n"
        "1. @amra_k on x (P2, sentiment -0.82): Čekam dostavu dva sata, sramota!");
}
