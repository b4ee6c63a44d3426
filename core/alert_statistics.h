// Alert statistics: the counts that spike detection and digests read from the Store (core/store.h,
// "Alert statistics"). Plain values; the daemon decides what they mean.
#pragma once

#include <cstdint>

namespace odziv {

// A brand's posts in a time range, by the label of each post's newest assessment.
struct SentimentCounts {
  std::int64_t negative = 0;
  std::int64_t neutral = 0;
  std::int64_t positive = 0;
  std::int64_t unassessed = 0;  // not judged yet

  std::int64_t total() const { return negative + neutral + positive + unassessed; }
};

// A brand's unanswered cases (open, awaiting approval, replied) at one moment.
struct CaseCounts {
  std::int64_t unanswered = 0;
  std::int64_t overdue = 0;  // of those, past their SLA deadline
};

}  // namespace odziv
