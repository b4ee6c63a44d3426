// Fuzz target over judging: any bytes, as post text, must give an Assessment whose numbers are in range
// and whose strings are valid to print; never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sentiment/judge.h"

namespace {
const odziv::sentiment::Judge& FuzzJudge() {
  static const odziv::sentiment::Judge judge = [] {
    auto lexicon = odziv::sentiment::Lexicon::LoadEmbedded();
    if (!lexicon) std::abort();
    auto j = odziv::sentiment::Judge::Create(std::move(*lexicon));
    if (!j) std::abort();
    return std::move(*j);
  }();
  return judge;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  odziv::sentiment::JudgeInput in;
  in.text = text;
  // The first byte also picks a rating and a language hint, so that those paths are fuzzed too.
  if (size > 0) {
    if (data[0] % 7 < 5) in.rating = data[0] % 7 + 1;
    static constexpr std::string_view kHints[] = {"", "en", "sr", "hr", "bs", "xx"};
    in.language_hint = kHints[data[0] % 6];
  }
  odziv::Assessment a = FuzzJudge().Assess(in);
  if (!(a.sentiment >= -1 && a.sentiment <= 1)) std::abort();
  if (!(a.confidence >= 0 && a.confidence <= 1)) std::abort();
  if (a.urgency < 0 || a.urgency > 100 || a.priority < 1 || a.priority > 4) std::abort();
  odziv::sentiment::SentimentScore s = FuzzJudge().Score(text);
  if (!(s.score >= -1 && s.score <= 1)) std::abort();
  return 0;
}
