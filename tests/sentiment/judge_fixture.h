// One Judge with the built-in lexicons, shared by the sentiment tests.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "sentiment/judge.h"

namespace odziv::sentiment::testing {

inline const Judge& TheJudge() {
  static const Judge judge = [] {
    auto lexicon = Lexicon::LoadEmbedded();
    if (!lexicon) FAIL(Describe(lexicon.error()));
    auto j = Judge::Create(std::move(*lexicon));
    if (!j) FAIL(Describe(j.error()));
    return std::move(*j);
  }();
  return judge;
}

inline Assessment AssessText(std::string_view text, std::string_view hint = {}) {
  JudgeInput in;
  in.text = text;
  in.language_hint = hint;
  return TheJudge().Assess(in);
}

inline double ScoreOf(std::string_view text, std::string_view hint = {}) {
  return TheJudge().Score(text, hint).score;
}

inline bool Has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

inline bool AnyContains(const std::vector<std::string>& list, std::string_view needle) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

}  // namespace odziv::sentiment::testing
