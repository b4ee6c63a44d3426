#include "daemon/post_judge.h"

#include <memory>

#include "sentiment/judge.h"
#include "sentiment/lexicon.h"

namespace odziv::daemon {

Result<Judge> MakePostJudge(const Clock& clock) {
  auto lexicon = sentiment::Lexicon::LoadEmbedded();
  if (!lexicon) return Fail(lexicon.error().WithContext("loading the judging lexicons"));
  auto judge = sentiment::Judge::Create(std::move(*lexicon));
  if (!judge) return Fail(judge.error());
  auto shared = std::make_shared<const sentiment::Judge>(std::move(*judge));
  return Judge([shared, &clock](const StoredPost& stored) {
    const Post& p = stored.post;
    sentiment::JudgeInput input;
    input.text = p.text;
    input.platform = p.platform;
    input.kind = p.kind;
    input.rating = p.rating;
    input.author_reach = p.author.reach;
    input.engagement = p.metrics;
    input.language_hint = p.language;
    auto age = clock.Now() - p.created_at;
    if (age.count() >= 0) input.age = std::chrono::duration_cast<std::chrono::seconds>(age);
    return shared->Assess(input);
  });
}

}  // namespace odziv::daemon
