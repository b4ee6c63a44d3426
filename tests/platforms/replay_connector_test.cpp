#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "platforms/replay_connector.h"

using namespace odziv;
using namespace odziv::platforms;

namespace {
const Timestamp kNow = FromUnixSeconds(1'790'000'000);
}

TEST_CASE("ParseReplayLine reads every field of the replay format") {
  auto post = ParseReplayLine(
      R"({"id":"r-1","kind":"review","text":"Kafa hladna, čekao sam 40 min","lang":"bs","rating":2,)"
      R"("thread_id":"t-1","parent_id":"p-0","url":"https://example.org/r-1","created_at":"2026-11-01T10:00:00Z",)"
      R"("author":{"id":"a1","handle":"@ana","name":"Ana","reach":1200},"metrics":{"likes":3,"replies":1}})",
      1, kNow);
  REQUIRE(post);
  CHECK(post->platform == "replay");
  CHECK(post->external_id == "r-1");
  CHECK(post->kind == PostKind::kReview);
  CHECK(post->rating == 2);
  CHECK(post->thread_id == "t-1");
  CHECK(post->parent_id == "p-0");
  CHECK(post->author.handle == "@ana");
  CHECK(post->author.reach == 1200);
  CHECK(post->metrics.likes == 3);
  CHECK(FormatIsoTimestamp(post->created_at) == "2026-11-01T10:00:00Z");
}

TEST_CASE("ParseReplayLine names the line and the field that is wrong") {
  auto no_id = ParseReplayLine(R"({"text":"x"})", 7, kNow);
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().code == ErrorCode::kMalformed);
  CHECK(no_id.error().message == "line 7: field 'id' is missing or empty");
  CHECK(ParseReplayLine(R"({"id":"x","rating":9})", 2, kNow).error().message.find("rating 9") != std::string::npos);
  CHECK(ParseReplayLine(R"({"id":"x","kind":"tweet"})", 3, kNow).error().message.find("tweet") != std::string::npos);
  CHECK(ParseReplayLine("{not json", 4, kNow).error().message.starts_with("line 4: not JSON"));
  CHECK(ParseReplayLine("[1,2]", 5, kNow).error().code == ErrorCode::kMalformed);
}

TEST_CASE("Every post of the bundled demo file parses, in English and BCS, with unique ids per version") {
  std::ifstream in(std::string(ODZIV_SOURCE_DIR) + "/daemon/demo/zrno.jsonl");
  REQUIRE(in);
  std::string line;
  std::size_t number = 0, posts = 0, reviews = 0, cyrillic = 0, from_brand = 0;
  std::set<std::string> languages;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto post = ParseReplayLine(line, number, kNow);
    INFO(line);
    REQUIRE(post);
    ++posts;
    if (post->kind == PostKind::kReview) {
      ++reviews;
      CHECK(post->rating.has_value());
    }
    if (post->text.find("\xD0") != std::string::npos || post->text.find("\xD1") != std::string::npos) ++cyrillic;
    if (post->from_brand) ++from_brand;
    languages.insert(post->language);
  }
  CHECK(posts >= 80);
  CHECK(reviews >= 10);
  CHECK(cyrillic >= 1);
  CHECK(from_brand >= 1);
  CHECK(languages.count("en") == 1);
}
