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

// Reads a brand as written by BrandToJson/export: slug, name, timezone, settings (an object).
// kInvalidArgument names the field and what is wrong with it.
Result<Brand> BrandFromJson(const web::json::value& json);
// Reads a source's configuration: name, platform, settings (object of strings), poll_interval_s, paused.
Result<Source> SourceFromJson(const web::json::value& json);

// Settings whose names say they hold a credential ("token", "*_secret", "password" …) must hold a
// reference (env:NAME, file:…), never the secret: nullopt when fine, else the message.
std::optional<std::string> CheckSourceSettings(const Source& source);

}  // namespace odziv::daemon
