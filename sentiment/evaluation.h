// Evaluation: how well judged sentiment matches human labels (accuracy, macro-F1, Pearson r), by the
// rules the project measures itself with: macro-F1 over the classes present in the gold labels; where the
// gold labels are only neg/pos, the sign of the score decides and a zero score is a miss; r against
// the gold `score` column where it is numeric. Used by `odziv score --eval`, the benchmark and tests.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/assessment.h"

namespace odziv::sentiment {

struct EvalMetrics {
  std::size_t n = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  std::optional<double> pearson;  // only when every row had a numeric, graded (not all integer) gold score
  bool binary = false;            // gold had only neg/pos
};

// Rows of one file; call Add for each, then Finish. Pool several with Merge.
class EvalSet {
 public:
  // `gold_score` is the gold `score` column (numeric or not); `score` is the judged −1…+1.
  void Add(SentimentLabel gold, std::string_view gold_score, double score, SentimentLabel label);
  // Appends another set's rows, each predicted by its own set's rule (binary sign or 3-way label).
  void Merge(const EvalSet& other);
  EvalMetrics Finish() const;
  std::size_t size() const { return rows_.size(); }

 private:
  struct Row {
    SentimentLabel gold;
    double score;
    SentimentLabel label;
    std::optional<double> gold_score;
    int binary_rule = -1;  // -1: decided by this set; 0/1 fixed by the set the row came from
  };
  bool Binary() const;
  std::vector<Row> rows_;
};

// "neg"/"neu"/"pos" → label; nullopt for anything else.
std::optional<SentimentLabel> ParseSentimentLabel(std::string_view s);

}  // namespace odziv::sentiment
