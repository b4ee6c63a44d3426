#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "sentiment/urgency.h"

using namespace odziv;
using namespace odziv::sentiment;
using namespace std::chrono_literals;

namespace {
bool HasReason(const Urgency& u, std::string_view needle) {
  return std::any_of(u.reasons.begin(), u.reasons.end(),
                     [&](const std::string& r) { return r.find(needle) != std::string::npos; });
}
// Urgency of `s` compared with the same signals without the reason under test.
int Gain(const UrgencySignals& with, const UrgencySignals& without, const UrgencyWeights& w = {}) {
  return ComputeUrgency(with, w).score - ComputeUrgency(without, w).score;
}
}  // namespace

TEST_CASE("Urgency explains P1 in one line: legal threat, 1-star review, author reach") {
  UrgencySignals s;
  s.legal_threat = "tužba";
  s.rating = 1;
  s.author_reach = 12'000;
  Urgency u = ComputeUrgency(s, {});
  CHECK(u.priority == 1);
  CHECK(u.explanation == "P1: legal threat 'tužba', 1★ review, author reach 12k");
  CHECK(HasReason(u, "author reach 12k +10"));
  CHECK(u.score == 75);
}

TEST_CASE("Urgency gives each intent its points and names its evidence") {
  UrgencySignals base;
  const UrgencyWeights w;
  struct Case {
    std::string UrgencySignals::*field;
    const char* label;
    int points;
  };
  const Case cases[] = {
      {&UrgencySignals::legal_threat, "legal threat 'x'", w.legal_threat},
      {&UrgencySignals::safety, "safety 'x'", w.safety},
      {&UrgencySignals::churn_threat, "churn threat 'x'", w.churn_threat},
      {&UrgencySignals::explicit_urgency, "urgent 'x'", w.explicit_urgency},
      {&UrgencySignals::purchase_intent, "purchase intent 'x'", w.purchase_intent},
      {&UrgencySignals::complaint, "complaint 'x'", w.complaint},
      {&UrgencySignals::question, "question 'x'", w.question},
      {&UrgencySignals::abuse, "abuse 'x'", w.abuse},
  };
  for (const Case& c : cases) {
    INFO(c.label);
    UrgencySignals s = base;
    s.*c.field = "x";
    CHECK(Gain(s, base) == c.points);
    CHECK(HasReason(ComputeUrgency(s, w), c.label));
  }
}

TEST_CASE("Urgency grows with negative sentiment only") {
  UrgencySignals s, base;
  s.sentiment = -1;
  CHECK(Gain(s, base) == UrgencyWeights{}.negative_sentiment);
  CHECK(HasReason(ComputeUrgency(s, {}), "negative sentiment -1.00"));
  s.sentiment = 0.9;
  CHECK(Gain(s, base) == 0);
}

TEST_CASE("Urgency counts one and two star reviews") {
  UrgencySignals s, base;
  s.rating = 1;
  CHECK(Gain(s, base) == UrgencyWeights{}.one_star);
  CHECK(HasReason(ComputeUrgency(s, {}), "1★ review"));
  s.rating = 2;
  CHECK(Gain(s, base) == UrgencyWeights{}.two_star);
  s.rating = 4;
  CHECK(Gain(s, base) == 0);
}

TEST_CASE("Urgency counts author reach in steps") {
  UrgencySignals s, base;
  s.author_reach = 9'999;
  CHECK(Gain(s, base) == 0);
  s.author_reach = 12'000;
  CHECK(Gain(s, base) == UrgencyWeights{}.reach_large_points);
  s.author_reach = 1'200'000;
  CHECK(Gain(s, base) == UrgencyWeights{}.reach_huge_points);
  CHECK(HasReason(ComputeUrgency(s, {}), "author reach 1.2M"));
}

TEST_CASE("Urgency counts engagement and its growth") {
  UrgencySignals s, base;
  s.engagement = 1'000;
  CHECK(Gain(s, base) == UrgencyWeights{}.engagement_points);
  CHECK(HasReason(ComputeUrgency(s, {}), "engagement 1.0k"));
  s.engagement = 9;
  CHECK(Gain(s, base) > 0);
  CHECK(Gain(s, base) < UrgencyWeights{}.engagement_points);
  UrgencySignals g;
  g.engagement_growth_per_hour = 500;
  CHECK(Gain(g, base) == UrgencyWeights{}.growth_points);
  CHECK(HasReason(ComputeUrgency(g, {}), "engagement growing 500/h"));
}

TEST_CASE("Urgency counts a repeat complainant up to a cap") {
  UrgencySignals s, base;
  s.repeat_complaints = 1;
  CHECK(Gain(s, base) == UrgencyWeights{}.repeat_complaint_points);
  CHECK(HasReason(ComputeUrgency(s, {}), "repeat complainant (1 before)"));
  s.repeat_complaints = 10;
  CHECK(Gain(s, base) == UrgencyWeights{}.repeat_complaint_max);
}

TEST_CASE("Urgency adds the platform's points") {
  UrgencySignals s, base;
  s.platform = "x";
  CHECK(Gain(s, base) == 5);
  CHECK(HasReason(ComputeUrgency(s, {}), "platform x"));
  s.platform = "rss";
  CHECK(Gain(s, base) == 0);
}

TEST_CASE("Urgency favours fresh posts and lets stale ones sink") {
  UrgencySignals base;
  base.complaint = "x";
  base.sentiment = -1;
  UrgencySignals fresh = base, stale = base;
  fresh.age = 10min;
  stale.age = std::chrono::duration_cast<std::chrono::seconds>(96h);
  CHECK(Gain(fresh, base) == UrgencyWeights{}.fresh_points);
  CHECK(Gain(stale, base) == UrgencyWeights{}.stale_points);
  CHECK(HasReason(ComputeUrgency(stale, {}), "stale (96 h old)"));
  CHECK(HasReason(ComputeUrgency(fresh, {}), "fresh post"));
}

TEST_CASE("Spam is never urgent") {
  UrgencySignals s;
  s.spam = "click here";
  s.legal_threat = "sue";
  s.sentiment = -1;
  Urgency u = ComputeUrgency(s, {});
  CHECK(u.score <= UrgencyWeights{}.spam_cap);
  CHECK(u.priority == 4);
  CHECK(u.explanation.starts_with("P4: spam 'click here' (capped)"));
}

TEST_CASE("Priority thresholds come from the weights and urgency stays within 0-100") {
  UrgencySignals s;
  s.legal_threat = s.safety = s.churn_threat = s.complaint = "x";
  s.sentiment = -1;
  s.rating = 1;
  CHECK(ComputeUrgency(s, {}).score == 100);
  UrgencyWeights w;
  w.p1 = 99;
  w.p2 = 98;
  w.p3 = 97;
  UrgencySignals q;
  q.question = "?";
  CHECK(ComputeUrgency(q, w).priority == 4);
  CHECK(ComputeUrgency(UrgencySignals{}, {}).explanation == "P4: nothing urgent");
}

TEST_CASE("Urgency weights are validated once") {
  CHECK(UrgencyWeights{}.Validate());
  UrgencyWeights w;
  w.p2 = w.p1 + 1;
  auto bad = w.Validate();
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  UrgencyWeights w2;
  w2.legal_threat = -5;
  CHECK_FALSE(w2.Validate());
}
