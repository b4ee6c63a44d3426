#include "sentiment/urgency.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

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

Urgency ComputeUrgency(const UrgencySignals& s, const UrgencyWeights& w) {
  struct Part {
    int points;
    std::string what;
  };
  std::vector<Part> parts;
  auto add = [&](int points, std::string what) {
    if (points != 0) parts.push_back({points, std::move(what)});
  };
  auto quoted = [](std::string_view label, const std::string& evidence) {
    return fmt::format("{} '{}'", label, evidence);
  };

  if (!s.legal_threat.empty()) add(w.legal_threat, quoted("legal threat", s.legal_threat));
  if (!s.safety.empty()) add(w.safety, quoted("safety", s.safety));
  if (!s.churn_threat.empty()) add(w.churn_threat, quoted("churn threat", s.churn_threat));
  if (!s.explicit_urgency.empty()) add(w.explicit_urgency, quoted("urgent", s.explicit_urgency));
  if (!s.purchase_intent.empty()) add(w.purchase_intent, quoted("purchase intent", s.purchase_intent));
  if (!s.complaint.empty()) add(w.complaint, quoted("complaint", s.complaint));
  if (!s.question.empty()) add(w.question, quoted("question", s.question));
  if (!s.abuse.empty()) add(w.abuse, quoted("abuse", s.abuse));
  if (s.sentiment < 0) {
    int p = static_cast<int>(std::lround(-s.sentiment * w.negative_sentiment));
    add(p, fmt::format("negative sentiment {:.2f}", s.sentiment));
  }
  if (s.rating) {
    if (*s.rating <= 1) add(w.one_star, "1★ review");
    else if (*s.rating == 2) add(w.two_star, "2★ review");
  }
  if (s.author_reach >= w.reach_huge) add(w.reach_huge_points, "author reach " + HumanCount(s.author_reach));
  else if (s.author_reach >= w.reach_large) add(w.reach_large_points, "author reach " + HumanCount(s.author_reach));
  if (s.engagement > 0) {
    double f = std::log10(static_cast<double>(s.engagement) + 1) / std::log10(static_cast<double>(w.engagement_full));
    int p = static_cast<int>(std::lround(std::min(1.0, f) * w.engagement_points));
    add(p, fmt::format("engagement {}", HumanCount(s.engagement)));
  }
  if (s.engagement_growth_per_hour > 0) {
    double f = std::min(1.0, s.engagement_growth_per_hour / w.growth_full_per_hour);
    add(static_cast<int>(std::lround(f * w.growth_points)),
        fmt::format("engagement growing {:.0f}/h", s.engagement_growth_per_hour));
  }
  if (s.repeat_complaints > 0)
    add(std::min(w.repeat_complaint_max, s.repeat_complaints * w.repeat_complaint_points),
        fmt::format("repeat complainant ({} before)", s.repeat_complaints));
  if (auto it = w.platform_points.find(s.platform); it != w.platform_points.end())
    add(it->second, fmt::format("platform {}", s.platform));
  if (s.age) {
    if (*s.age >= std::chrono::duration_cast<std::chrono::seconds>(w.stale_after))
      add(w.stale_points, fmt::format("stale ({} h old)", std::chrono::duration_cast<std::chrono::hours>(*s.age).count()));
    else if (*s.age <= std::chrono::duration_cast<std::chrono::seconds>(w.fresh_within))
      add(w.fresh_points, "fresh post");
  }

  int total = 0;
  for (const Part& p : parts) total += p.points;
  total = std::clamp(total, 0, 100);
  if (!s.spam.empty()) {
    total = std::min(total, w.spam_cap);
    parts.insert(parts.begin(), Part{0, quoted("spam", s.spam) + " (capped)"});
  }
  Urgency u;
  u.score = total;
  u.priority = total >= w.p1 ? 1 : total >= w.p2 ? 2 : total >= w.p3 ? 3 : 4;
  std::stable_sort(parts.begin(), parts.end(), [&](const Part& a, const Part& b) {
    bool a_spam = a.points == 0, b_spam = b.points == 0;  // the spam cap explains everything else
    if (a_spam != b_spam) return a_spam;
    return std::abs(a.points) > std::abs(b.points);
  });
  u.explanation = fmt::format("P{}:", u.priority);
  int shown = 0;
  for (const Part& p : parts) {
    if (p.points < 0 && shown > 0) continue;
    u.explanation += (shown ? ", " : " ") + p.what;
    if (++shown == 3) break;
  }
  if (shown == 0) u.explanation += " nothing urgent";
  for (const Part& p : parts)
    u.reasons.push_back(p.points ? fmt::format("{} {:+d}", p.what, p.points) : p.what);
  return u;
}

}  // namespace odziv::sentiment
