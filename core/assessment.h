// Assessment: what odziv's judging stage concluded about one post, with the reasons that produced it.
// Produced by sentiment/, stored with the post, read by triage, drafting, alerts and the web app.
#pragma once

#include <string>
#include <vector>

namespace odziv {

enum class SentimentLabel { kNegative, kNeutral, kPositive };

struct Assessment {
  double sentiment = 0.0;       // −1 … +1
  SentimentLabel label = SentimentLabel::kNeutral;
  double confidence = 0.0;      // 0 … 1
  std::string language;         // "en", "bs", "hr", "sr", "sh" (BCS, variant unclear), "und"
  std::string script;           // "latin", "cyrillic", "mixed", "none"
  std::vector<std::string> topics;   // contact reasons: "delivery", "billing", "quality", "staff" …
  std::vector<std::string> intents;  // "complaint", "question", "churn_threat", "legal_threat" …
  int urgency = 0;              // 0 … 100
  int priority = 4;             // 1 (P1, most urgent) … 4
  // Why this urgency and priority, in one line: "P1: legal threat 'tužba', 1★ review, author reach 12k".
  std::string urgency_explanation;
  // Human-readable reasons, most important first: "negation 'nije' flips 'dobro'", "1★ review".
  std::vector<std::string> reasons;
  std::string model_version;    // which lexicons/weights produced it, so old judgements can be told apart
};

inline const char* SentimentLabelName(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::kNegative: return "neg";
    case SentimentLabel::kNeutral: return "neu";
    case SentimentLabel::kPositive: return "pos";
  }
  return "neu";
}

}  // namespace odziv
