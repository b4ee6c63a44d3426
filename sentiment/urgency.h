// Urgency: how soon a person should look at a post, 0–100 and a priority P1–P4, from what judging found
// (sentiment, intents, rating) and what the platform says about the post (author reach, engagement and
// its growth, age) and about its author's history with the brand. Deterministic: the same signals and
// weights always give the same answer, explained in one line ("P1: legal threat 'tužba', 1★ review,
// author reach 12k").
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace odziv::sentiment {

// Points each signal adds to the urgency (clamped to 0…100 at the end), and the priority thresholds.
// A plain struct: fill it from configuration, call Validate() once at start-up, never change it afterwards.
struct UrgencyWeights {
  // Sentiment: points at sentiment −1, linearly less up to 0; positive posts add nothing.
  int negative_sentiment = 30;
  // Intents. Legal and safety threats must reach a person the same day whatever else the post says.
  int complaint = 10;
  int question = 8;             // an unanswered question costs goodwill, but rarely a crisis
  int churn_threat = 20;        // a customer says they are leaving
  int purchase_intent = 12;     // a sales opportunity goes cold within hours
  int legal_threat = 45;
  int safety = 50;
  int explicit_urgency = 15;    // "hitno", "ASAP"
  int abuse = 5;                // toxic posts need moderation, not speed
  // Review stars (reviews only).
  int one_star = 20;
  int two_star = 10;
  // Author reach (followers): points at each threshold, the highest reached counts.
  std::int64_t reach_large = 10'000;     // people
  int reach_large_points = 10;
  std::int64_t reach_huge = 100'000;
  int reach_huge_points = 20;
  // Engagement (likes + 2×replies + 3×shares): points grow with log10, full at `engagement_full`.
  int engagement_points = 10;
  std::int64_t engagement_full = 1'000;
  // Growth of that engagement per hour: full points at `growth_full_per_hour`: a post going viral.
  int growth_points = 15;
  double growth_full_per_hour = 100.0;
  // An author who complained before (count in the caller's window): points per earlier complaint.
  int repeat_complaint_points = 8;
  int repeat_complaint_max = 16;
  // Extra points by platform name ("x" is public and fast; a review stays on the brand's page for years).
  std::map<std::string, int> platform_points = {{"x", 5}, {"google_reviews", 5}, {"trustpilot", 5}};
  // Age: fresh posts still shape the conversation; stale ones lose points (the moment has passed).
  std::chrono::minutes fresh_within{60};
  int fresh_points = 5;
  std::chrono::hours stale_after{72};
  int stale_points = -20;
  // Spam is never urgent: urgency is capped at this.
  int spam_cap = 5;
  // Priority thresholds: urgency ≥ p1 → P1, ≥ p2 → P2, ≥ p3 → P3, else P4.
  int p1 = 70;
  int p2 = 45;
  int p3 = 20;

  // kConfig error naming the first bad field (negative thresholds, p1 ≤ p2 ≤ p3 out of order, …).
  Status Validate() const;
};

// What urgency is computed from. Evidence strings are shown to people ("'tužba'").
struct UrgencySignals {
  double sentiment = 0;                  // −1 … +1
  std::optional<int> rating;             // stars of a review
  std::string complaint, question, churn_threat, purchase_intent, legal_threat, safety,
      explicit_urgency, abuse, spam;     // the evidence of each intent; empty = not present
  std::int64_t author_reach = 0;
  std::int64_t engagement = 0;           // likes + 2×replies + 3×shares
  double engagement_growth_per_hour = 0;
  int repeat_complaints = 0;
  std::string platform;
  std::optional<std::chrono::seconds> age;  // unknown when empty
};

struct Urgency {
  int score = 0;      // 0 … 100
  int priority = 4;   // 1 … 4
  std::string explanation;           // "P1: legal threat 'tužba', 1★ review, author reach 12k"
  std::vector<std::string> reasons;  // every contribution, largest first: "legal threat 'tužba' +45"
};

Urgency ComputeUrgency(const UrgencySignals& signals, const UrgencyWeights& weights);
// The same without Urgency::reasons (left empty): judging needs only the score and the explanation.
Urgency ComputeUrgency(const UrgencySignals& signals, const UrgencyWeights& weights, bool with_reasons);

// "12k", "1.2M", "950": how reach is written in explanations.
std::string HumanCount(std::int64_t n);

}  // namespace odziv::sentiment
