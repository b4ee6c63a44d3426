#include "sentiment/urgency.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <cmath>

#include <fmt/format.h>

#include "sentiment/decimal.h"

namespace odziv::sentiment {

Status UrgencyWeights::Validate() const {
  auto bad = [](const char* field, const char* why) {
    return Fail(ErrorCode::kConfig, fmt::format("urgency weights: {} {}", field, why));
  };
  if (!(p1 > p2 && p2 > p3 && p3 > 0 && p1 <= 100)) return bad("p1/p2/p3", "must satisfy 100 ≥ p1 > p2 > p3 > 0");
  if (reach_large <= 0 || reach_huge <= reach_large) return bad("reach_huge", "must exceed reach_large > 0");
  if (engagement_full <= 1) return bad("engagement_full", "must be above 1");
  if (growth_full_per_hour <= 0) return bad("growth_full_per_hour", "must be positive");
  if (repeat_complaint_max < 0 || repeat_complaint_points < 0) return bad("repeat_complaint_*", "must not be negative");
  if (spam_cap < 0 || spam_cap > 100) return bad("spam_cap", "must be within 0…100");
  if (fresh_within.count() < 0 || stale_after.count() <= 0) return bad("fresh_within/stale_after", "must be positive");
  for (int v : {negative_sentiment, complaint, question, churn_threat, purchase_intent, legal_threat, safety,
                explicit_urgency, abuse, one_star, two_star, reach_large_points, reach_huge_points,
                engagement_points, growth_points})
    if (v < 0 || v > 100) return bad("points", "must each be within 0…100");
  return {};
}

std::string HumanCount(std::int64_t n) {
  if (n >= 1'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 10'000) return fmt::format("{}k", n / 1000);
  if (n >= 1'000) return fmt::format("{:.1f}k", static_cast<double>(n) / 1e3);
  return fmt::format("{}", n);
}

namespace {

// One signal's share of the urgency. Its words are written only when shown: Assess needs the one-line
// explanation (three parts at most), not every part's text.
enum class Signal : std::uint8_t {
  kLegal, kSafety, kChurn, kUrgent, kPurchase, kComplaint, kQuestion, kAbuse, kNegative, kOneStar, kTwoStar,
  kReach, kEngagement, kGrowth, kRepeat, kPlatform, kStale, kFresh, kSpam,
};

struct Part {
  int points;
  Signal signal;
};

void AppendQuoted(std::string& out, std::string_view label, const std::string& evidence) {
  out.append(label).append(" '").append(evidence).push_back('\'');
}

void AppendDescription(std::string& out, Signal signal, const UrgencySignals& s) {
  switch (signal) {
    case Signal::kLegal: AppendQuoted(out, "legal threat", s.legal_threat); return;
    case Signal::kSafety: AppendQuoted(out, "safety", s.safety); return;
    case Signal::kChurn: AppendQuoted(out, "churn threat", s.churn_threat); return;
    case Signal::kUrgent: AppendQuoted(out, "urgent", s.explicit_urgency); return;
    case Signal::kPurchase: AppendQuoted(out, "purchase intent", s.purchase_intent); return;
    case Signal::kComplaint: AppendQuoted(out, "complaint", s.complaint); return;
    case Signal::kQuestion: AppendQuoted(out, "question", s.question); return;
    case Signal::kAbuse: AppendQuoted(out, "abuse", s.abuse); return;
    case Signal::kNegative:
      out += "negative sentiment ";
      AppendFixed2(out, s.sentiment, /*plus=*/false);
      return;
    case Signal::kOneStar: out += "1★ review"; return;
    case Signal::kTwoStar: out += "2★ review"; return;
    case Signal::kReach: out += "author reach " + HumanCount(s.author_reach); return;
    case Signal::kEngagement: out += "engagement " + HumanCount(s.engagement); return;
    case Signal::kGrowth:
      fmt::format_to(std::back_inserter(out), "engagement growing {:.0f}/h", s.engagement_growth_per_hour);
      return;
    case Signal::kRepeat: fmt::format_to(std::back_inserter(out), "repeat complainant ({} before)", s.repeat_complaints); return;
    case Signal::kPlatform: fmt::format_to(std::back_inserter(out), "platform {}", s.platform); return;
    case Signal::kStale:
      fmt::format_to(std::back_inserter(out), "stale ({} h old)",
                     std::chrono::duration_cast<std::chrono::hours>(*s.age).count());
      return;
    case Signal::kFresh: out += "fresh post"; return;
    case Signal::kSpam: AppendQuoted(out, "spam", s.spam); out += " (capped)"; return;
  }
}

}  // namespace

Urgency ComputeUrgency(const UrgencySignals& s, const UrgencyWeights& w) { return ComputeUrgency(s, w, true); }

Urgency ComputeUrgency(const UrgencySignals& s, const UrgencyWeights& w, bool with_reasons) {
  std::array<Part, 20> parts;
  std::size_t count = 0;
  auto add = [&](int points, Signal signal) {
    if (points != 0) parts[count++] = {points, signal};
  };

  if (!s.legal_threat.empty()) add(w.legal_threat, Signal::kLegal);
  if (!s.safety.empty()) add(w.safety, Signal::kSafety);
  if (!s.churn_threat.empty()) add(w.churn_threat, Signal::kChurn);
  if (!s.explicit_urgency.empty()) add(w.explicit_urgency, Signal::kUrgent);
  if (!s.purchase_intent.empty()) add(w.purchase_intent, Signal::kPurchase);
  if (!s.complaint.empty()) add(w.complaint, Signal::kComplaint);
  if (!s.question.empty()) add(w.question, Signal::kQuestion);
  if (!s.abuse.empty()) add(w.abuse, Signal::kAbuse);
  if (s.sentiment < 0) add(static_cast<int>(std::lround(-s.sentiment * w.negative_sentiment)), Signal::kNegative);
  if (s.rating) {
    if (*s.rating <= 1) add(w.one_star, Signal::kOneStar);
    else if (*s.rating == 2) add(w.two_star, Signal::kTwoStar);
  }
  if (s.author_reach >= w.reach_huge) add(w.reach_huge_points, Signal::kReach);
  else if (s.author_reach >= w.reach_large) add(w.reach_large_points, Signal::kReach);
  if (s.engagement > 0) {
    double f = std::log10(static_cast<double>(s.engagement) + 1) / std::log10(static_cast<double>(w.engagement_full));
    add(static_cast<int>(std::lround(std::min(1.0, f) * w.engagement_points)), Signal::kEngagement);
  }
  if (s.engagement_growth_per_hour > 0) {
    double f = std::min(1.0, s.engagement_growth_per_hour / w.growth_full_per_hour);
    add(static_cast<int>(std::lround(f * w.growth_points)), Signal::kGrowth);
  }
  if (s.repeat_complaints > 0)
    add(std::min(w.repeat_complaint_max, s.repeat_complaints * w.repeat_complaint_points), Signal::kRepeat);
  if (!w.platform_points.empty())
    if (auto it = w.platform_points.find(s.platform); it != w.platform_points.end()) add(it->second, Signal::kPlatform);
  if (s.age) {
    if (*s.age >= std::chrono::duration_cast<std::chrono::seconds>(w.stale_after)) add(w.stale_points, Signal::kStale);
    else if (*s.age <= std::chrono::duration_cast<std::chrono::seconds>(w.fresh_within)) add(w.fresh_points, Signal::kFresh);
  }

  int total = 0;
  for (std::size_t i = 0; i < count; ++i) total += parts[i].points;
  total = std::clamp(total, 0, 100);
  if (!s.spam.empty()) {
    total = std::min(total, w.spam_cap);
    std::move_backward(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(count),
                       parts.begin() + static_cast<std::ptrdiff_t>(count) + 1);
    parts[0] = Part{0, Signal::kSpam};
    ++count;
  }
  Urgency u;
  u.score = total;
  u.priority = total >= w.p1 ? 1 : total >= w.p2 ? 2 : total >= w.p3 ? 3 : 4;
  // Largest first, the spam cap (0 points) before everything: it explains everything else. Stable, so
  // equal parts keep the order above.
  for (std::size_t i = 1; i < count; ++i) {
    Part p = parts[i];
    auto before = [&](const Part& a, const Part& b) {
      bool a_spam = a.points == 0, b_spam = b.points == 0;
      if (a_spam != b_spam) return a_spam;
      return std::abs(a.points) > std::abs(b.points);
    };
    std::size_t j = i;
    for (; j > 0 && before(p, parts[j - 1]); --j) parts[j] = parts[j - 1];
    parts[j] = p;
  }
  u.explanation.reserve(64);
  u.explanation.push_back('P');
  u.explanation.push_back(static_cast<char>('0' + u.priority));
  u.explanation.push_back(':');
  int shown = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Part& p = parts[i];
    if (p.points < 0 && shown > 0) continue;
    u.explanation += shown ? ", " : " ";
    AppendDescription(u.explanation, p.signal, s);
    if (++shown == 3) break;
  }
  if (shown == 0) u.explanation += " nothing urgent";
  if (with_reasons) {
    for (std::size_t i = 0; i < count; ++i) {
      std::string r;
      AppendDescription(r, parts[i].signal, s);
      if (parts[i].points) fmt::format_to(std::back_inserter(r), " {:+d}", parts[i].points);
      u.reasons.push_back(std::move(r));
    }
  }
  return u;
}

}  // namespace odziv::sentiment
