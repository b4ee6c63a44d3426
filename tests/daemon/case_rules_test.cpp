// The pure parts of cases: business calendars, triage, SLA policies and the brand settings that hold them.
#include <catch2/catch.hpp>

#include "daemon/brand_rules.h"
#include "daemon/business_calendar.h"
#include "daemon/case_tracker.h"
#include "daemon/sla_policy.h"
#include "daemon/triage_rules.h"

using namespace odziv;
using namespace odziv::daemon;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

BusinessCalendar Sarajevo(std::vector<std::string> holidays = {}) {
  std::array<std::vector<OpenHours>, 7> week;
  for (int day = 1; day <= 5; ++day) week[static_cast<std::size_t>(day)] = {*ParseOpenHours("08:00-16:00")};
  auto calendar = BusinessCalendar::Make("Europe/Sarajevo", week, holidays);
  REQUIRE(calendar);
  return *calendar;
}

StoredPost APost(PostKind kind = PostKind::kMention, std::optional<int> rating = std::nullopt) {
  StoredPost p;
  p.id = 1;
  p.post.platform = "x";
  p.post.external_id = "1";
  p.post.kind = kind;
  p.post.rating = rating;
  p.post.author = Author{"a1", "@ana", "Ana", 0};
  return p;
}

Assessment Judged(SentimentLabel label, int priority = 4, std::vector<std::string> intents = {}) {
  Assessment a;
  a.label = label;
  a.priority = priority;
  a.intents = std::move(intents);
  return a;
}

}  // namespace

TEST_CASE("BusinessCalendar counts only opening hours in the brand's time zone") {
  const BusinessCalendar calendar = Sarajevo();
  // Friday 15:00 Sarajevo (14:00Z) + 4 h: 1 h on Friday, 3 h on Monday from 08:00 → Monday 11:00 (10:00Z).
  CHECK(calendar.Add(At("2026-11-27T14:00:00Z"), hours(4)) == At("2026-11-30T10:00:00Z"));
  // Posted on Saturday: the clock starts on Monday at 08:00.
  CHECK(calendar.Add(At("2026-11-28T12:00:00Z"), minutes(30)) == At("2026-11-30T07:30:00Z"));
  CHECK(calendar.Between(At("2026-11-27T14:00:00Z"), At("2026-11-30T10:00:00Z")) == hours(4));
  CHECK(calendar.Between(At("2026-11-28T00:00:00Z"), At("2026-11-29T23:00:00Z")) == hours(0));
  CHECK(calendar.Add(At("2026-11-27T14:00:00Z"), hours(0)) == At("2026-11-27T14:00:00Z"));
}

TEST_CASE("BusinessCalendar skips holidays and follows daylight saving time") {
  const BusinessCalendar calendar = Sarajevo({"2026-12-31", "2027-01-01"});
  // Wednesday 30 Dec 15:00 local + 2 h → 1 h then, Thursday and Friday are holidays → Monday 4 Jan 09:00 local.
  CHECK(calendar.Add(At("2026-12-30T14:00:00Z"), hours(2)) == At("2027-01-04T08:00:00Z"));
  // Summer time (UTC+2): 08:00 local is 06:00Z.
  CHECK(calendar.Add(At("2026-07-06T05:00:00Z"), minutes(1)) == At("2026-07-06T06:01:00Z"));
  // Around the clock is wall time.
  CHECK(BusinessCalendar().Add(At("2026-11-28T12:00:00Z"), hours(1)) == At("2026-11-28T13:00:00Z"));
}

TEST_CASE("BusinessCalendar refuses unknown time zones and bad hours") {
  std::array<std::vector<OpenHours>, 7> week;
  CHECK(BusinessCalendar::Make("Mars/Olympus", week, {}).error().code == ErrorCode::kConfig);
  CHECK(!ParseOpenHours("16:00-08:00"));
  CHECK(!ParseOpenHours("8-16"));
  CHECK(ParseOpenHours("00:00-24:00"));
  CHECK(BusinessCalendar::Make("UTC", week, {"2026-13-01"}).error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("Default triage answers negative posts, low reviews, questions, complaints and P1/P2") {
  const TriageRules rules;
  CHECK(Triage(APost(), Judged(SentimentLabel::kNegative), rules).verdict == TriageVerdict::kNeedsAnswer);
  CHECK(Triage(APost(PostKind::kReview, 3), Judged(SentimentLabel::kPositive), rules).verdict ==
        TriageVerdict::kNeedsAnswer);
  CHECK(Triage(APost(PostKind::kReview, 4), Judged(SentimentLabel::kNeutral), rules).verdict == TriageVerdict::kTrack);
  CHECK(Triage(APost(), Judged(SentimentLabel::kNeutral, 4, {"question"}), rules).reason == "intent 'question'");
  CHECK(Triage(APost(), Judged(SentimentLabel::kPositive, 2), rules).verdict == TriageVerdict::kNeedsAnswer);
  CHECK(Triage(APost(), Judged(SentimentLabel::kPositive), rules).verdict == TriageVerdict::kTrack);
  CHECK(Triage(APost(), Judged(SentimentLabel::kNegative, 3, {"spam"}), rules).verdict == TriageVerdict::kIgnore);
  StoredPost own = APost();
  own.post.from_brand = true;
  CHECK(Triage(own, Judged(SentimentLabel::kNegative), rules).verdict == TriageVerdict::kIgnore);
  TriageRules strict;
  strict.ignore_authors = {"@ana"};
  CHECK(Triage(APost(), Judged(SentimentLabel::kNegative), strict).verdict == TriageVerdict::kIgnore);
}

TEST_CASE("Brand settings are read with defaults and refused with the key that is wrong") {
  Brand brand;
  brand.timezone = "Europe/Sarajevo";
  auto defaults = LoadBrandRules(brand);
  REQUIRE(defaults);
  CHECK(defaults->sla.calendar.around_the_clock());
  CHECK(defaults->sla.policies.front().name == "p1");
  CHECK(defaults->sla.escalation.size() == 3);

  brand.settings = R"({"sla":{"business_hours":{"mon-fri":"08:00-16:00","sat":["09:00-11:00","12:00-13:00"]},
                      "holidays":["2026-12-25"],"escalation":[{"at":0.25,"route":"team"}],"confirm_wait_minutes":10},
                      "triage":{"answer_max_rating":2,"join_window_hours":24},"assignment":{"mode":"least_loaded"}})";
  auto rules = LoadBrandRules(brand);
  REQUIRE(rules);
  CHECK(!rules->sla.calendar.around_the_clock());
  CHECK(rules->sla.escalation.front().percent == 25);
  CHECK(rules->sla.confirm_wait == minutes(10));
  CHECK(rules->triage.answer_max_rating == 2);
  CHECK(rules->assignment == AssignmentMode::kLeastLoaded);

  auto message = [&](const char* settings) {
    auto bad = CheckBrandSettings(settings, "Europe/Sarajevo");
    return bad.value_or("(accepted)");
  };
  CHECK_THAT(message(R"({"sla":{"policies":[{"name":"a","minutes":0}]}})"),
             Catch::Contains("settings.sla.policies[0].minutes"));
  CHECK_THAT(message(R"({"sla":{"business_hours":{"mon":"9-5"}}})"),
             Catch::Contains("settings.sla.business_hours.mon"));
  CHECK_THAT(message(R"({"sla":{"p1_minutes":60}})"), Catch::Contains("settings.sla.p1_minutes is not a known key"));
  CHECK_THAT(message(R"({"triage":{"answer_labels":["angry"]}})"), Catch::Contains("settings.triage.answer_labels"));
  CHECK_THAT(message(R"({"sla":{"escalation":[{"at":0.8,"route":"a"},{"at":0.5,"route":"b"}]}})"),
             Catch::Contains("settings.sla.escalation[1].at"));
  CHECK_THAT(message(R"({"assignment":{"mode":"random"}})"), Catch::Contains("settings.assignment.mode"));
  CHECK_THAT(message(R"({"voice":"friendly"})"), Catch::Contains("settings.voice must be an object"));  // drafting's
  CHECK(message(R"({"labels":["vip"]})") == "(accepted)");  // keys no stage reads are left alone
}

TEST_CASE("SLA policies: the first match wins and the deadline counts from the customer's post") {
  SlaSettings sla;
  sla.calendar = Sarajevo();
  Post review;
  review.kind = PostKind::kReview;
  review.created_at = At("2026-11-27T14:00:00Z");  // Friday 15:00 Sarajevo
  CHECK(ChoosePolicy(sla, review, 4).name == "review");
  CHECK(ChoosePolicy(sla, review, 1).name == "p1");
  Case c;
  SetDeadline(sla, review, 1, At("2026-11-27T14:10:00Z"), c);
  CHECK(c.due_at == At("2026-11-27T15:00:00Z"));  // P1: one hour around the clock
  SetDeadline(sla, review, 2, At("2026-11-27T14:10:00Z"), c);
  CHECK(c.sla_policy == "p2");
  CHECK(c.due_at == At("2026-11-30T10:00:00Z"));  // P2: 4 business hours
  CHECK(PercentUsed(sla, c, At("2026-11-27T15:00:00Z")) == 25);
  CHECK(PercentUsed(sla, c, At("2026-11-29T12:00:00Z")) == 25);  // the weekend does not count
  CHECK(PercentUsed(sla, c, At("2026-11-30T10:00:00Z")) == 100);
}

TEST_CASE("People who write one of Bosnian, Croatian and Serbian can answer any of them") {
  CHECK(SpeaksLanguage({"hr"}, "sr"));
  CHECK(SpeaksLanguage({"sr"}, "sh"));
  CHECK(!SpeaksLanguage({"en"}, "bs"));
  CHECK(SpeaksLanguage({}, "bs"));
  CHECK(SpeaksLanguage({"en"}, "und"));
}
