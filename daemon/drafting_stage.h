// DraftingStage: writes the draft for every case that needs one (Store::ListCasesNeedingDraft) with the
// brand's drafter, and puts it in the approval queue — or, when the brand's approval rules let the
// situation go out without a person, straight into the reply outbox. Works from the database, so a crash
// loses no work: a case left without a draft gets one on the next round. The pipeline's timer runs it after
// judging.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/http_client.h"
#include "core/store.h"
#include "responders/drafter.h"

namespace odziv::daemon {

// A brand's drafter and voice.
struct BrandDrafting {
  std::unique_ptr<responders::Drafter> drafter;
  responders::BrandVoice voice;
};
// Makes the drafting of a brand from its settings; kConfig when they cannot work.
using DrafterFactory = std::function<Result<BrandDrafting>(const Brand&)>;

// The default templates in the brand's name, with no other settings read (tests).
DrafterFactory DefaultTemplateDrafting();

// The brand's own drafting from its settings: "voice", "templates" and "drafter" (daemon/brand_drafter.h).
// `http` outlives the factory and the drafters it makes.
DrafterFactory BrandSettingsDrafting(HttpClient& http);

struct DraftingReport {
  std::size_t drafted = 0;    // drafts put in the queue
  std::size_t auto_sent = 0;  // drafts approved by the brand's rules and written to the outbox
  std::size_t failed = 0;     // cases left for the next round (see last_error)
  std::string last_error;
};

class DraftingStage {
 public:
  DraftingStage(Store& store, DrafterFactory factory) : store_(store), factory_(std::move(factory)) {}

  // Drafts for at most `batch` cases, most urgent first. A case whose brand's drafter or rules fail is
  // counted and left for the next round; the others go on. Drafts are written up to 50 to a transaction, each
  // all or nothing on its own. Fails when the database does (drafts made but not written are made again).
  [[nodiscard]] Result<DraftingReport> DraftPending(Timestamp now, std::size_t batch = 100);

 private:
  Store& store_;
  DrafterFactory factory_;
};

}  // namespace odziv::daemon
