// BrandDrafter: the drafter that writes a brand's replies, built from three keys of the brand's settings
// (Brand::settings, a JSON object) — "voice" (how the brand sounds), "templates" (parts that replace the
// default set's) and "drafter" (templates, the default, or a language model that falls back to them).
// Validated with the rest of the brand's settings (daemon/brand_rules.h); docs/replies.md lists every key.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/brand.h"
#include "core/error.h"
#include "core/http_client.h"
#include "responders/drafter.h"

namespace odziv::daemon {

// The brand's voice: settings.voice over the defaults (brand_name: the brand's name; formal: true; no
// signature; private_channel empty, meaning the platform's direct messages). The drafting stage puts it in
// every DraftRequest. kConfig naming the key when settings.voice is wrong.
[[nodiscard]] Result<responders::BrandVoice> LoadBrandVoice(const Brand& brand);

// The brand's drafter: templates (settings.templates over the defaults), or with
// settings.drafter.type "llm" a language-model drafter in front of them. The api key, when configured, is
// resolved here from its secret reference and goes nowhere but the Authorization header. kConfig naming
// the key when the settings are wrong or the api key's reference cannot be resolved (never its value).
// `http` outlives the drafter.
[[nodiscard]] Result<std::unique_ptr<responders::Drafter>> MakeBrandDrafter(const Brand& brand, HttpClient& http);

// Checks "voice", "templates" and "drafter" in `settings` (JSON text) without resolving any secret:
// nullopt when valid or absent, else one line naming the key ("settings.drafter.api_key must be a secret
// reference …"). Settings that are not a JSON object are left to LoadBrandRules to report.
std::optional<std::string> CheckDrafterSettings(const std::string& settings);

}  // namespace odziv::daemon
