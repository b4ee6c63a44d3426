#include "daemon/brand_drafter.h"


#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <initializer_list>

#include "core/secret.h"
#include "daemon/settings_json.h"
#include "responders/llm_drafter.h"
#include "responders/template_drafter.h"

namespace odziv::daemon {
namespace {

using web::json::value;

std::unexpected<Error> Bad(const std::string& key, std::string_view what) {
  return Fail(settings_json::Bad(key, what));
}

using settings_json::OnlyKeys;

// What the three keys say, read and checked; the api key is still a reference.
struct Drafting {
  responders::BrandVoice voice;
  responders::TemplateSet templates;
  std::optional<responders::LlmDrafterSettings> llm;  // set when drafter.type is "llm"
  std::string api_key_reference;                      // may be empty
};

Status ReadVoice(const value& v, responders::BrandVoice& voice) {
  if (!v.is_object())
    return Bad("voice", "must be an object like {\"signature\": \"— Ana\", \"formal\": true}");
  if (auto ok = OnlyKeys(v, "voice", {"brand_name", "signature", "formal", "private_channel"}); !ok) return ok;
  for (auto [key, target] : {std::pair<const char*, std::string*>{"brand_name", &voice.brand_name},
                             {"signature", &voice.signature},
                             {"private_channel", &voice.private_channel}}) {
    if (!v.has_field(key)) continue;
    if (!v.at(key).is_string()) return Bad(fmt::format("voice.{}", key), "must be a string");
    *target = v.at(key).as_string();
  }
  if (v.has_field("brand_name") && voice.brand_name.empty()) return Bad("voice.brand_name", "must not be empty");
  if (v.has_field("formal")) {
    if (!v.at("formal").is_boolean()) return Bad("voice.formal", "must be true or false");
    voice.formal = v.at("formal").as_bool();
  }
  return {};
}

// An http(s) URL with a host and nothing that could hold a credential (user info, a query string).
std::optional<std::string_view> UrlProblem(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) rest = url.substr(7);
  else if (url.starts_with("https://")) rest = url.substr(8);
  else return "must start with http:// or https://";
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) return "has no host";
  if (authority.find('@') != std::string_view::npos || url.find('?') != std::string_view::npos ||
      url.find('#') != std::string_view::npos)
    return "must not carry credentials or a query: put the key in drafter.api_key as a secret reference";
  return std::nullopt;
}

Status ReadDrafter(const value& d, Drafting& out) {
  if (!d.is_object()) return Bad("drafter", "must be an object like {\"type\": \"templates\"}");
  if (auto ok = OnlyKeys(d, "drafter", {"type", "url", "model", "api_key", "timeout_s", "temperature", "max_tokens"});
      !ok)
    return ok;
  std::string type = "templates";
  if (d.has_field("type")) {
    type = d.at("type").is_string() ? d.at("type").as_string() : "";
    if (type != "templates" && type != "llm") return Bad("drafter.type", "must be \"templates\" or \"llm\"");
  }
  responders::LlmDrafterSettings llm;
  if (d.has_field("url")) {
    if (!d.at("url").is_string()) return Bad("drafter.url", "must be a string like \"http://127.0.0.1:8080\"");
    llm.base_url = d.at("url").as_string();
    if (auto problem = UrlProblem(llm.base_url)) return Bad("drafter.url", *problem);
  }
  if (d.has_field("model")) {
    if (!d.at("model").is_string()) return Bad("drafter.model", "must be a string");
    llm.model = d.at("model").as_string();
  }
  if (d.has_field("api_key")) {
    const value& key = d.at("api_key");
    if (!key.is_string() || !IsSecretReference(key.as_string()))
      return Bad("drafter.api_key", "must be a secret reference (env:NAME or file:/path[#KEY]), never the key itself");
    out.api_key_reference = key.as_string();
  }
  if (d.has_field("timeout_s")) {
    const value& t = d.at("timeout_s");
    if (!t.is_integer() || t.as_number().to_int64() < 1 || t.as_number().to_int64() > 300)
      return Bad("drafter.timeout_s", "must be a whole number of seconds from 1 to 300");
    llm.timeout = std::chrono::seconds(t.as_number().to_int64());
  }
  if (d.has_field("temperature")) {
    const value& t = d.at("temperature");
    if (!t.is_number() || t.as_double() < 0 || t.as_double() > 2)
      return Bad("drafter.temperature", "must be a number from 0 to 2");
    llm.temperature = t.as_double();
  }
  if (d.has_field("max_tokens")) {
    const value& t = d.at("max_tokens");
    if (!t.is_integer() || t.as_number().to_int64() < 64 || t.as_number().to_int64() > 8192)
      return Bad("drafter.max_tokens", "must be a whole number from 64 to 8192");
    llm.max_tokens = static_cast<int>(t.as_number().to_int64());
  }
  if (type == "llm") {
    if (llm.base_url.empty()) return Bad("drafter.url", "is required with type \"llm\" (e.g. \"http://127.0.0.1:8080\")");
    if (llm.model.empty()) return Bad("drafter.model", "is required with type \"llm\" (the model's name on the server)");
    out.llm = std::move(llm);
  }
  return {};
}

Result<Drafting> ReadDrafting(const std::string& settings, const std::string& brand_name) {
  auto doc = settings_json::Parse(settings);
  if (!doc) return Fail(doc.error());
  Drafting out;
  out.voice.brand_name = brand_name;
  if (doc->has_field("voice"))
    if (auto ok = ReadVoice(doc->at("voice"), out.voice); !ok) return Fail(ok.error());
  out.templates = responders::DefaultTemplates();
  if (doc->has_field("templates")) {
    auto parsed = responders::ParseTemplates(doc->at("templates").serialize(), responders::DefaultTemplates());
    if (!parsed) {
      const std::string& why = parsed.error().message;
      return Fail(ErrorCode::kConfig,
                  why.starts_with("templates") ? "settings." + why : "settings.templates: " + why);
    }
    out.templates = std::move(*parsed);
  }
  if (doc->has_field("drafter"))
    if (auto ok = ReadDrafter(doc->at("drafter"), out); !ok) return Fail(ok.error());
  return out;
}

}  // namespace

Result<responders::BrandVoice> LoadBrandVoice(const Brand& brand) {
  auto doc = settings_json::Parse(brand.settings);
  if (!doc) return Fail(doc.error());
  responders::BrandVoice voice;
  voice.brand_name = brand.name;
  if (doc->has_field("voice"))
    if (auto ok = ReadVoice(doc->at("voice"), voice); !ok) return Fail(ok.error());
  return voice;
}

Result<std::unique_ptr<responders::Drafter>> MakeBrandDrafter(const Brand& brand, HttpClient& http) {
  auto drafting = ReadDrafting(brand.settings, brand.name);
  if (!drafting) return Fail(drafting.error());
  auto templates = responders::MakeTemplateDrafter(std::move(drafting->templates));
  if (!drafting->llm) return templates;
  if (!drafting->api_key_reference.empty()) {
    auto key = ResolveSecret(drafting->api_key_reference);
    if (!key) return Fail(key.error().WithContext("settings.drafter.api_key"));
    drafting->llm->api_key = std::move(*key);
  }
  return responders::MakeLlmDrafter(std::move(*drafting->llm), http, std::move(templates));
}

std::optional<std::string> CheckDrafterSettings(const std::string& settings) {
  auto doc = settings_json::Parse(settings);
  if (!doc) return std::nullopt;  // LoadBrandRules reports it
  auto drafting = ReadDrafting(settings, "");
  if (!drafting) return drafting.error().message;
  return std::nullopt;
}

}  // namespace odziv::daemon
