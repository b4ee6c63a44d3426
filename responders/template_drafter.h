// TemplateDrafter: the default Drafter. Picks the situation a post is in (safety, legal threat, churn,
// complaint about a topic, question, mixed review, praise, plain mention), then one of several phrasings
// for it in the post's language, fills the placeholders with mustache (mstch), asks to continue privately
// when the post holds personal data, and keeps within the platform's limit. Deterministic: the same post
// and thread give the same draft.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "responders/drafter.h"

namespace odziv::responders {

struct TemplateSet {
  // situation → language → phrasings (mustache; placeholders: name, issue, private, brand)
  std::map<std::string, std::map<std::string, std::vector<std::string>>> situations;
  // topic → language → the phrase {{issue}} becomes ("the delay"; BCS in the genitive: "kašnjenja")
  std::map<std::string, std::map<std::string, std::string>> issues;
  std::map<std::string, std::string> private_channel;  // language → "a direct message"
  std::map<std::string, std::string> privacy;          // language → the sentence asking to go private
};

// The JSON text of the default templates (default_templates.cpp).
const char* DefaultTemplatesJson();

// Reads templates in the documented format (docs/replies.md). Parts present in `json` replace the same parts
// of `base` (a brand overrides one situation in one language, keeping the rest). kInvalidArgument names
// the part that is wrong (not JSON, a phrasing that is not a string, a template mustache cannot parse).
[[nodiscard]] Result<TemplateSet> ParseTemplates(std::string_view json, TemplateSet base = {});

// The default set, parsed once.
const TemplateSet& DefaultTemplates();

// Which situation answers the post, by the first rule that holds: safety, legal, churn, complaint (an intent
// of complaint, a negative label, or 1–2★), question, mixed (3★), praise (positive or 4–5★), mention.
std::string ChooseSituation(const Post& post, const Assessment& assessment);

// The language a draft is written in: the judged language when it is en, bs, hr or sr (else the
// platform's hint); unclear BCS ("sh") gets sr when the post is in Cyrillic, bs otherwise; anything else en.
std::string ChooseDraftLanguage(const Post& post, const Assessment& assessment);

std::unique_ptr<Drafter> MakeTemplateDrafter(TemplateSet templates);

}  // namespace odziv::responders
