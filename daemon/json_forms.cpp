#include "daemon/json_forms.h"

#include <fmt/format.h>

#include "core/secret.h"
#include "daemon/brand_rules.h"
#include "daemon/cli_store.h"
#include "platforms/registry.h"

namespace odziv::daemon {

using web::json::value;

namespace {

value OptionalTime(const std::optional<Timestamp>& t) {
  return t ? value::string(FormatIsoTimestamp(*t)) : value::null();
}

bool LooksLikeCredential(std::string_view key) {
  for (std::string_view word : {"token", "secret", "password", "api_key", "apikey", "private_key", "credential"})
    if (key.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace

value BrandToJson(const Brand& brand) {
  value out = value::object();
  out["slug"] = value::string(brand.slug);
  out["name"] = value::string(brand.name);
  out["timezone"] = value::string(brand.timezone);
  try {
    out["settings"] = value::parse(brand.settings.empty() ? "{}" : brand.settings);
  } catch (const std::exception&) {
    out["settings"] = value::string(brand.settings);
  }
  return out;
}

value SourceConfigToJson(const Source& source) {
  value out = value::object();
  out["name"] = value::string(source.name);
  out["platform"] = value::string(source.platform);
  value settings = value::object();
  for (const auto& [k, v] : source.settings) settings[k] = value::string(v);
  out["settings"] = settings;
  out["poll_interval_s"] = source.poll_interval ? value::number(static_cast<int64_t>(source.poll_interval->count()))
                                                : value::null();
  out["paused"] = value::boolean(source.paused);
  return out;
}

value SourceToJson(const Source& source, std::string_view brand_slug) {
  value out = SourceConfigToJson(source);
  out["brand"] = value::string(std::string(brand_slug));
  out["health"] = value::string(std::string(SourceHealthName(source.health)));
  out["consecutive_failures"] = value::number(source.consecutive_failures);
  out["last_error"] = value::string(source.last_error);
  out["cursor"] = value::string(source.cursor);
  out["last_poll_at"] = OptionalTime(source.last_poll_at);
  out["next_poll_at"] = OptionalTime(source.next_poll_at);
  return out;
}

value AssessmentToJson(const Assessment& a) {
  auto strings = [](const std::vector<std::string>& items) {
    value out = value::array();
    for (const std::string& item : items) out[out.size()] = value::string(item);
    return out;
  };
  value out = value::object();
  out["sentiment"] = value::number(a.sentiment);
  out["label"] = value::string(SentimentLabelName(a.label));
  out["confidence"] = value::number(a.confidence);
  out["language"] = value::string(a.language);
  out["script"] = value::string(a.script);
  out["topics"] = strings(a.topics);
  out["intents"] = strings(a.intents);
  out["urgency"] = value::number(a.urgency);
  out["priority"] = value::number(a.priority);
  out["reasons"] = strings(a.reasons);
  out["model_version"] = value::string(a.model_version);
  return out;
}

value PostToJson(const StoredPost& stored) {
  const Post& p = stored.post;
  value out = value::object();
  out["id"] = value::number(stored.id);
  out["platform"] = value::string(p.platform);
  out["external_id"] = value::string(p.external_id);
  out["kind"] = value::string(std::string(PostKindName(p.kind)));
  out["thread_id"] = value::string(p.thread_id);
  out["parent_id"] = value::string(p.parent_id);
  value author = value::object();
  author["id"] = value::string(p.author.id);
  author["handle"] = value::string(p.author.handle);
  author["name"] = value::string(p.author.name);
  author["reach"] = value::number(p.author.reach);
  out["author"] = author;
  out["text"] = value::string(p.text);
  out["language"] = value::string(p.language);
  out["rating"] = p.rating ? value::number(*p.rating) : value::null();
  out["url"] = value::string(p.url);
  out["created_at"] = value::string(FormatIsoTimestamp(p.created_at));
  out["edited_at"] = OptionalTime(p.edited_at);
  out["deleted_at"] = OptionalTime(p.deleted_at);
  value metrics = value::object();
  metrics["likes"] = value::number(p.metrics.likes);
  metrics["replies"] = value::number(p.metrics.replies);
  metrics["shares"] = value::number(p.metrics.shares);
  metrics["views"] = value::number(p.metrics.views);
  out["metrics"] = metrics;
  out["from_brand"] = value::boolean(p.from_brand);
  out["fetched_at"] = value::string(FormatIsoTimestamp(stored.fetched_at));
  out["revision"] = value::number(stored.revision);
  return out;
}

namespace {

Result<std::string> RequiredString(const value& json, const char* key, std::string_view what) {
  if (!json.has_field(key) || !json.at(key).is_string())
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: field '{}' must be a string", what, key));
  return json.at(key).as_string();
}

}  // namespace

Result<Brand> BrandFromJson(const value& json) {
  if (!json.is_object()) return Fail(ErrorCode::kInvalidArgument, "a brand must be a JSON object");
  auto slug = RequiredString(json, "slug", "brand");
  if (!slug) return Fail(slug.error());
  std::string what = fmt::format("brand '{}'", *slug);
  Brand brand;
  brand.slug = *slug;
  if (auto bad = CheckSlug(brand.slug)) return Fail(ErrorCode::kInvalidArgument, *bad);
  auto name = RequiredString(json, "name", what);
  if (!name) return Fail(name.error());
  brand.name = *name;
  if (json.has_field("timezone")) {
    auto tz = RequiredString(json, "timezone", what);
    if (!tz) return Fail(tz.error());
    brand.timezone = *tz;
  }
  if (json.has_field("settings")) {
    if (!json.at("settings").is_object())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: field 'settings' must be an object", what));
    brand.settings = json.at("settings").serialize();
    if (auto bad = CheckBrandSettings(brand.settings, brand.timezone))
      return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", what, *bad));
  }
  return brand;
}

Result<Source> SourceFromJson(const value& json) {
  if (!json.is_object()) return Fail(ErrorCode::kInvalidArgument, "a source must be a JSON object");
  auto name = RequiredString(json, "name", "source");
  if (!name) return Fail(name.error());
  std::string what = fmt::format("source '{}'", *name);
  Source source;
  source.name = *name;
  if (auto bad = CheckSourceName(source.name)) return Fail(ErrorCode::kInvalidArgument, *bad);
  auto platform = RequiredString(json, "platform", what);
  if (!platform) return Fail(platform.error());
  source.platform = *platform;
  if (json.has_field("settings")) {
    const value& settings = json.at("settings");
    if (!settings.is_object())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: field 'settings' must be an object", what));
    for (const auto& [k, v] : settings.as_object()) {
      if (!v.is_string())
        return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: setting '{}' must be a string", what, k));
      source.settings[k] = v.as_string();
    }
  }
  if (json.has_field("poll_interval_s") && !json.at("poll_interval_s").is_null()) {
    const value& v = json.at("poll_interval_s");
    if (!v.is_integer() || v.as_number().to_int64() < 1 || v.as_number().to_int64() > 86400)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: poll_interval_s must be a whole number of seconds from 1 to 86400", what));
    source.poll_interval = std::chrono::seconds(v.as_number().to_int64());
  }
  if (json.has_field("paused")) {
    if (!json.at("paused").is_boolean())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: field 'paused' must be true or false", what));
    source.paused = json.at("paused").as_bool();
  }
  if (auto bad = CheckSourceSettings(source)) return Fail(ErrorCode::kInvalidArgument, *bad);
  return source;
}

std::optional<std::string> CheckSourceSettings(const Source& source) {
  for (const auto& [key, val] : source.settings) {
    if (LooksLikeCredential(key) && !val.empty() && !IsSecretReference(val))
      return fmt::format(
          "source '{}': setting '{}' holds a credential: give a reference (env:NAME or file:/path[#KEY]), "
          "never the secret itself",
          source.name, key);
  }
  return std::nullopt;
}

std::optional<std::string> CheckBrandFields(const Brand& brand) {
  if (auto bad = CheckSlug(brand.slug)) return bad;
  if (brand.name.empty() || brand.name.size() > 200) return "name must be 1 to 200 characters";
  if (!IsKnownTimeZone(brand.timezone))
    return fmt::format("time zone '{}' is not known: use an IANA name such as Europe/Sarajevo or UTC", brand.timezone);
  try {
    if (!value::parse(brand.settings).is_object()) return "settings must be a JSON object";
  } catch (const std::exception&) {
    return "settings is not valid JSON";
  }
  if (auto bad = CheckBrandSettings(brand.settings, brand.timezone)) return "settings: " + *bad;
  return std::nullopt;
}

std::optional<std::string> CheckSourceFields(const Source& source) {
  if (auto bad = CheckSourceName(source.name)) return bad;
  if (platforms::FindPlatform(source.platform) == nullptr) {
    std::string known;
    for (const auto& info : platforms::Platforms()) known += (known.empty() ? "" : ", ") + std::string(info.name);
    return fmt::format("unknown platform '{}' (known: {})", source.platform, known);
  }
  if (source.poll_interval && (source.poll_interval->count() < 1 || source.poll_interval->count() > 86400))
    return "the poll interval must be 1 to 86400 seconds";
  return CheckSourceSettings(source);
}

}  // namespace odziv::daemon
