#include "sentiment/evaluation.h"

#include <charconv>
#include <cmath>

namespace odziv::sentiment {

std::optional<SentimentLabel> ParseSentimentLabel(std::string_view s) {
  if (s == "neg") return SentimentLabel::kNegative;
  if (s == "neu") return SentimentLabel::kNeutral;
  if (s == "pos") return SentimentLabel::kPositive;
  return std::nullopt;
}

void EvalSet::Add(SentimentLabel gold, std::string_view gold_score, double score, SentimentLabel label) {
  Row r{gold, score, label, std::nullopt, -1};
  double v;
  std::string_view s = gold_score;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty() && std::isfinite(v)) r.gold_score = v;
  rows_.push_back(r);
}

bool EvalSet::Binary() const {
  for (const Row& r : rows_)
    if (r.gold == SentimentLabel::kNeutral) return false;
  return true;
}

void EvalSet::Merge(const EvalSet& other) {
  int rule = other.Binary() ? 1 : 0;
  for (Row r : other.rows_) {
    if (r.binary_rule < 0) r.binary_rule = rule;
    rows_.push_back(r);
  }
}

EvalMetrics EvalSet::Finish() const {
  EvalMetrics m;
  m.n = rows_.size();
  m.binary = Binary();
  if (rows_.empty()) return m;
  int own_rule = m.binary ? 1 : 0;
  // Confusion counts: [gold][predicted], predicted may be neutral even on binary rows (a miss).
  double tp[3] = {0, 0, 0}, fp[3] = {0, 0, 0}, fn[3] = {0, 0, 0};
  bool present[3] = {false, false, false};
  std::size_t correct = 0;
  for (const Row& r : rows_) {
    bool binary = (r.binary_rule < 0 ? own_rule : r.binary_rule) == 1;
    SentimentLabel pred = r.label;
    if (binary)
      pred = r.score > 0 ? SentimentLabel::kPositive : r.score < 0 ? SentimentLabel::kNegative : SentimentLabel::kNeutral;
    auto g = static_cast<int>(r.gold), p = static_cast<int>(pred);
    present[g] = true;
    if (g == p) {
      ++correct;
      tp[g] += 1;
    } else {
      fp[p] += 1;
      fn[g] += 1;
    }
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(rows_.size());
  double f1_sum = 0;
  int classes = 0;
  for (int c = 0; c < 3; ++c) {
    if (!present[c]) continue;
    ++classes;
    double precision = tp[c] + fp[c] > 0 ? tp[c] / (tp[c] + fp[c]) : 0;
    double recall = tp[c] + fn[c] > 0 ? tp[c] / (tp[c] + fn[c]) : 0;
    f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  }
  m.macro_f1 = classes ? f1_sum / classes : 0;

  // r needs a graded gold score (VADER's means); integer codes such as 0/1 or 0–3 are labels, not scales.
  bool graded = false;
  for (const Row& r : rows_)
    if (r.gold_score && *r.gold_score != std::floor(*r.gold_score)) graded = true;
  if (!graded) return m;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  std::size_t k = 0;
  for (const Row& r : rows_) {
    if (!r.gold_score) return m;  // r only where every row has a numeric gold score
    double x = r.score, y = *r.gold_score;
    sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
    ++k;
  }
  if (k >= 2) {
    double kn = static_cast<double>(k);
    double cov = sxy - sx * sy / kn, vx = sxx - sx * sx / kn, vy = syy - sy * sy / kn;
    m.pearson = vx > 0 && vy > 0 ? cov / std::sqrt(vx * vy) : 0.0;
  }
  return m;
}

}  // namespace odziv::sentiment
