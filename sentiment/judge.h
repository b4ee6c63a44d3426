// Judge: the assessing step of the flow. Reads one post and says how it feels (sentiment −1…+1, a label
// and a confidence), what it is about (topics), what its author wants (intents), how urgent it is, and
// why: every judgement comes with the words and rules that produced it.
//
// Sentiment is lexicon + rules: valences of the project's own English and BCS lexicons, matched through
// folded keys (case, script, diacritics), Snowball stems and prefixes; negation scope, boosters and
// diminishers, contrast, capitals, elongation, exclamation marks, emoji and irony markers; the star
// rating of a review combines with the text. See docs/judging.md.
//
// Build one Judge at start-up and share it: Assess is const and safe to call from any number of threads
// at once (each thread keeps its own word cache and stemmers).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/assessment.h"
#include "core/error.h"
#include "core/post.h"
#include "sentiment/lexicon.h"
#include "sentiment/urgency.h"

namespace odziv::sentiment {

// One post as judging sees it. Views must outlive the Assess call only.
struct JudgeInput {
  std::string_view text;                 // UTF-8; invalid bytes are skipped and reported
  std::string_view platform;             // connector name: "x", "mastodon", "google_reviews" …
  PostKind kind = PostKind::kMention;
  std::optional<int> rating;             // 1–5 stars (reviews)
  std::int64_t author_reach = 0;         // followers; 0 when unknown
  PostMetrics engagement;                // likes, replies, shares as the platform counts them
  double engagement_growth_per_hour = 0; // growth of likes + 2×replies + 3×shares since the last look
  std::optional<std::chrono::seconds> age;  // since the post was created; empty when unknown
  std::string_view language_hint;        // the platform's tag ("sr", "en"); breaks ties only
  int repeat_complaints = 0;             // earlier complaints by this author that the caller counted
  const UrgencyWeights* weights = nullptr;  // the brand's own weights; nullptr: the judge's
};

// Sentiment alone, without strings: what evaluation and benchmarks need.
struct SentimentScore {
  double score = 0;      // −1 … +1
  SentimentLabel label = SentimentLabel::kNeutral;
  bool evidence = false; // false when no word or rule moved the score
};

class Judge {
 public:
  // Fails with kConfig when `weights` do not validate.
  static Result<Judge> Create(Lexicon lexicon, UrgencyWeights weights = {});

  // The full judgement. Never fails: empty, huge, or malformed text gets a defined answer (neutral,
  // language "und", script "none", a reason saying what was wrong with the input).
  Assessment Assess(const JudgeInput& input) const;

  // Sentiment of `text` only (rating combined when given). Same numbers as Assess, several times faster.
  SentimentScore Score(std::string_view text, std::string_view language_hint = {},
                       std::optional<int> rating = std::nullopt) const;

  const Lexicon& lexicon() const { return *lexicon_; }
  const UrgencyWeights& weights() const { return weights_; }
  const std::string& model_version() const { return model_version_; }

 private:
  Judge() = default;
  std::shared_ptr<const Lexicon> lexicon_;
  UrgencyWeights weights_;
  std::uint64_t id_ = 0;  // tells the per-thread word caches of different judges apart
  std::string model_version_;
};

}  // namespace odziv::sentiment
