#include "daemon/drafting_stage.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "daemon/approval_rules.h"
#include "daemon/brand_drafter.h"
#include "responders/template_drafter.h"

namespace odziv::daemon {
namespace {

using web::json::value;

// The post a reply answers: the customer's newest post in the case that is still there.
std::optional<StoredPost> PostToAnswer(const std::vector<StoredPost>& posts) {
  for (auto it = posts.rbegin(); it != posts.rend(); ++it)
    if (!it->post.from_brand && !it->post.deleted_at) return *it;
  return std::nullopt;
}

// Every draft already written in the case's thread (any case of it, any status but superseded), so that the
// drafter never repeats a sentence to two customers in one thread.
Result<std::vector<std::string>> ThreadDrafts(Store& store, const Case& c) {
  CaseFilter filter;
  filter.brand_id = c.brand_id;
  filter.platform = c.platform;
  filter.thread_id = c.thread_id;
  filter.limit = 200;
  auto cases = store.ListCases(filter);
  if (!cases) return Fail(cases.error());
  std::vector<std::string> texts;
  for (const Case& other : *cases) {
    DraftFilter drafts;
    drafts.case_id = other.id;
    auto list = store.ListDrafts(drafts);
    if (!list) return Fail(list.error());
    for (const StoredDraft& d : *list)
      if (d.status != DraftStatus::kSuperseded) texts.push_back(d.text);
  }
  return texts;
}

// "llm:complaint" → "complaint": the approval rules speak of situations, whoever wrote the draft.
std::string SituationOf(const std::string& drafted) {
  const auto colon = drafted.find(':');
  return colon == std::string::npos ? drafted : drafted.substr(colon + 1);
}

}  // namespace

DrafterFactory DefaultTemplateDrafting() {
  return [](const Brand& brand) -> Result<BrandDrafting> {
    BrandDrafting out;
    out.drafter = responders::MakeTemplateDrafter(responders::DefaultTemplates());
    out.voice.brand_name = brand.name;
    return out;
  };
}

DrafterFactory BrandSettingsDrafting(HttpClient& http) {
  return [&http](const Brand& brand) -> Result<BrandDrafting> {
    auto voice = LoadBrandVoice(brand);
    if (!voice) return Fail(voice.error());
    auto drafter = MakeBrandDrafter(brand, http);
    if (!drafter) return Fail(drafter.error());
    return BrandDrafting{std::move(*drafter), std::move(*voice)};
  };
}

Result<DraftingReport> DraftingStage::DraftPending(Timestamp now, std::size_t batch) {
  auto cases = store_.ListCasesNeedingDraft(batch);
  if (!cases) return Fail(cases.error());
  DraftingReport report;
  std::map<std::int64_t, Result<BrandDrafting>> drafting;  // per brand, made once per round
  std::map<std::int64_t, Result<ApprovalRules>> rules;
  auto fail = [&report](std::int64_t case_id, const Error& error) {
    ++report.failed;
    report.last_error = fmt::format("case {}: {}", case_id, Describe(error));
  };
  // Drafts are written up to 50 to a transaction (Store::BeginBatch), and at least every second: the batch
  // is opened only to write drafts already made, so a drafter waiting on the network (a language model)
  // never holds the store.
  struct Made {
    StoredDraft draft;
    DraftChange change;
  };
  std::vector<Made> made_drafts;
  std::optional<std::chrono::steady_clock::time_point> first_made;
  auto write = [&]() -> Status {
    if (made_drafts.empty()) return {};
    auto together = store_.BeginBatch();
    if (!together) return Fail(together.error());
    std::size_t drafted = 0;
    std::size_t auto_sent = 0;
    for (const Made& m : made_drafts) {
      auto added = store_.AddDraft(m.draft, m.change, now);
      if (!added) {
        if (added.error().code == ErrorCode::kBusy || added.error().code == ErrorCode::kReadOnly)
          return Fail(added.error());
        fail(m.draft.case_id, added.error());
        continue;
      }
      ++(m.change.deliver ? auto_sent : drafted);
    }
    if (auto committed = (*together)->Commit(); !committed) return Fail(committed.error());
    report.drafted += drafted;
    report.auto_sent += auto_sent;
    made_drafts.clear();
    first_made.reset();
    return {};
  };
  for (const Case& c : *cases) {
    auto brand = store_.GetBrandById(c.brand_id);
    if (!brand) return Fail(brand.error());
    auto made = drafting.find(c.brand_id);
    if (made == drafting.end()) made = drafting.emplace(c.brand_id, factory_(*brand)).first;
    if (!made->second) {
      fail(c.id, made->second.error());
      continue;
    }
    auto brand_rules = rules.find(c.brand_id);
    if (brand_rules == rules.end()) brand_rules = rules.emplace(c.brand_id, LoadApprovalRules(*brand)).first;
    if (!brand_rules->second) {
      fail(c.id, brand_rules->second.error());
      continue;
    }

    auto posts = store_.CasePosts(c.id);
    if (!posts) return Fail(posts.error());
    auto answered = PostToAnswer(*posts);
    if (!answered) continue;  // every post deleted: the case tracker closes it
    responders::DraftRequest request;
    request.post = answered->post;
    if (auto assessment = store_.GetAssessment(answered->id)) {
      request.assessment = std::move(*assessment);
    } else if (assessment.error().code == ErrorCode::kNotFound) {
      request.assessment.language = c.language.empty() ? "und" : c.language;
      request.assessment.priority = c.priority;
    } else {
      return Fail(assessment.error());
    }
    request.voice = made->second->voice;
    // The thread as context for a language model: the posts before the one answered, the latest 20.
    auto thread_posts = store_.ListThreadPosts(c.brand_id, c.platform, c.thread_id.empty() ? answered->post.external_id
                                                                                           : c.thread_id);
    if (!thread_posts) return Fail(thread_posts.error());
    for (const StoredPost& earlier : *thread_posts)
      if (earlier.post.created_at <= answered->post.created_at && earlier.id != answered->id &&
          !earlier.post.deleted_at)
        request.thread_posts.push_back(earlier.post);
    if (request.thread_posts.size() > 20)
      request.thread_posts.erase(request.thread_posts.begin(), request.thread_posts.end() - 20);
    auto thread = ThreadDrafts(store_, c);
    if (!thread) return Fail(thread.error());
    request.thread_drafts = std::move(*thread);

    auto draft = made->second->drafter->Write(request);
    if (!draft) {
      fail(c.id, draft.error());
      continue;
    }
    StoredDraft stored;
    stored.case_id = c.id;
    stored.post_id = answered->id;
    stored.text = draft->text;
    stored.language = draft->language;
    stored.script = draft->script;
    stored.situation = draft->situation;
    stored.move_to_private = draft->move_to_private;
    stored.notes = draft->notes;
    stored.approvals_required = ApprovalsRequired(*brand_rules->second, c.priority, SituationOf(draft->situation));
    const bool auto_send = stored.approvals_required == 0;
    value details = value::object();
    details["situation"] = value::string(draft->situation);
    details["approvals_required"] = value::number(stored.approvals_required);
    DraftChange change{"daemon", std::nullopt, auto_send ? "draft.auto_approve" : "draft.create",
                       details.serialize(), auto_send, CaseState::kAwaitingApproval};
    made_drafts.push_back(Made{std::move(stored), std::move(change)});
    if (!first_made) first_made = std::chrono::steady_clock::now();
    if (made_drafts.size() >= 50 || std::chrono::steady_clock::now() - *first_made >= std::chrono::seconds(1)) {
      if (auto written = write(); !written) return Fail(written.error());
    }
  }
  if (auto written = write(); !written) return Fail(written.error());
  return report;
}

}  // namespace odziv::daemon
