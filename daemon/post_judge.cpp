#include "daemon/post_judge.h"

#include <map>
#include <memory>
#include <mutex>

#include "daemon/logging.h"
#include "daemon/urgency_rules.h"
#include "sentiment/judge.h"
#include "sentiment/lexicon.h"

namespace odziv::daemon {
namespace {

// Each brand's urgency weights, read from its settings and kept until the configuration generation moves.
class BrandWeights {
 public:
  BrandWeights(const Clock& clock, Store& store) : clock_(clock), store_(store), log_(Logger("judge")) {}

  std::shared_ptr<const sentiment::UrgencyWeights> For(std::int64_t brand_id) {
    std::lock_guard lock(mu_);
    const Timestamp now = clock_.Now();
    if (now - checked_at_ >= std::chrono::seconds(5) || now < checked_at_) {
      checked_at_ = now;
      if (auto generation = store_.ConfigGeneration(); generation && *generation != generation_) {
        generation_ = *generation;
        weights_.clear();
      }
    }
    if (auto it = weights_.find(brand_id); it != weights_.end()) return it->second;
    auto weights = std::make_shared<sentiment::UrgencyWeights>();
    if (auto brand = store_.GetBrandById(brand_id)) {
      if (auto loaded = LoadUrgencyWeights(*brand))
        *weights = std::move(*loaded);
      else
        log_->warn("brand {}: {}; judging its posts with the default urgency weights", brand->slug,
                   loaded.error().message);
    }
    weights_[brand_id] = weights;
    return weights;
  }

 private:
  const Clock& clock_;
  Store& store_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;
  Timestamp checked_at_{};
  std::int64_t generation_ = -1;
  std::map<std::int64_t, std::shared_ptr<const sentiment::UrgencyWeights>> weights_;
};

// The author's cases with the brand opened in the window before the post, other than the post's own.
int EarlierCases(Store& store, const StoredPost& stored) {
  const Post& p = stored.post;
  if (p.author.id.empty()) return 0;
  CaseFilter filter;
  filter.brand_id = stored.brand_id;
  filter.platform = p.platform;
  filter.author_id = p.author.id;
  filter.limit = 20;
  auto cases = store.ListCases(filter);
  if (!cases) return 0;
  int count = 0;
  for (const Case& c : *cases) {
    if (c.first_post_id == stored.id || c.opened_at >= p.created_at) continue;
    if (p.created_at - c.opened_at <= kRepeatComplaintWindow) ++count;
  }
  return count;
}

}  // namespace

Result<Judge> MakePostJudge(const Clock& clock, Store& store) {
  auto lexicon = sentiment::Lexicon::LoadEmbedded();
  if (!lexicon) return Fail(lexicon.error().WithContext("loading the judging lexicons"));
  auto judge = sentiment::Judge::Create(std::move(*lexicon));
  if (!judge) return Fail(judge.error());
  auto shared = std::make_shared<const sentiment::Judge>(std::move(*judge));
  auto brand_weights = std::make_shared<BrandWeights>(clock, store);
  return Judge([shared, brand_weights, &clock, &store](const StoredPost& stored) {
    const Post& p = stored.post;
    const auto weights = brand_weights->For(stored.brand_id);
    sentiment::JudgeInput input;
    input.text = p.text;
    input.platform = p.platform;
    input.kind = p.kind;
    input.rating = p.rating;
    input.author_reach = p.author.reach;
    input.engagement = p.metrics;
    input.language_hint = p.language;
    input.weights = weights.get();
    if (!p.from_brand) input.repeat_complaints = EarlierCases(store, stored);
    auto age = clock.Now() - p.created_at;
    if (age.count() >= 0) input.age = std::chrono::duration_cast<std::chrono::seconds>(age);
    return shared->Assess(input);
  });
}

}  // namespace odziv::daemon
