// The JSON forms of odziv's words, one place for the CLI's --json output, `odziv config export|import`
// and the HTTP API, so that a field has the same name everywhere (docs/cli.md lists them).
#pragma once

#include <cpprest/json.h>

#include "core/brand.h"
#include "core/error.h"
#include "core/store.h"

namespace odziv::daemon {

web::json::value BrandToJson(const Brand& brand);
// Configuration fields only (for export): no id, no poll state.
web::json::value SourceConfigToJson(const Source& source);
// Configuration and poll state (for list/show).
web::json::value SourceToJson(const Source& source, std::string_view brand_slug);
web::json::value PostToJson(const StoredPost& post);
// sentiment, label (neg/neu/pos), confidence, language, script, topics, intents, urgency, priority, reasons,
// model_version.
web::json::value AssessmentToJson(const Assessment& assessment);

// Reads a brand as written by BrandToJson/export: slug, name, timezone, settings (an object).
// kInvalidArgument names the field and what is wrong with it.
Result<Brand> BrandFromJson(const web::json::value& json);
// Reads a source's configuration: name, platform, settings (object of strings), poll_interval_s, paused.
Result<Source> SourceFromJson(const web::json::value& json);

// Settings whose names say they hold a credential ("token", "*_secret", "password" …) must hold a
// reference (env:NAME, file:…), never the secret: nullopt when fine, else the message.
std::optional<std::string> CheckSourceSettings(const Source& source);

// The checks of `odziv brand add|update` and the HTTP API on a whole brand: slug, name (1–200 characters),
// a known IANA time zone, settings a JSON object that every settings reader accepts (brand_rules,
// alert_rules, approval_rules, brand_drafter). nullopt when fine, else the message, which names the field.
std::optional<std::string> CheckBrandFields(const Brand& brand);
// The checks of `odziv source add|update` and the HTTP API on a source's configuration: name, a known
// platform, poll interval 1–86400 s, credentials only as references. nullopt when fine, else the message.
std::optional<std::string> CheckSourceFields(const Source& source);

}  // namespace odziv::daemon
