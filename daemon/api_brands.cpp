// /api/v1/brands and /api/v1/brands/{slug}/sources: what a person sees of their brands, and the
// configuration a lead (brand manager) changes. Checked by the same functions as `odziv brand` and
// `odziv source` (json_forms.h); every change writes an audit event.
#include <cpprest/json.h>
#include <fmt/format.h>

#include <initializer_list>

#include "daemon/api_context.h"
#include "daemon/json_forms.h"
#include "daemon/logging.h"

namespace odziv::daemon::api {
namespace {

using web::json::value;

// Only these fields of a body are read; any other is refused so that a misspelt field is not silently ignored.
Status OnlyFields(const value& body, std::initializer_list<std::string_view> known) {
  for (const auto& [key, v] : body.as_object()) {
    bool found = false;
    for (std::string_view k : known) found = found || key == k;
    if (!found) {
      std::string list;
      for (std::string_view k : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
      return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' is not one of: {}", key, list));
    }
  }
  return {};
}

void Audit(ApiContext& api, const Principal& principal, std::int64_t brand_id, std::string action,
           std::string subject, const value& details) {
  AuditEvent event;
  event.at = api.clock.Now();
  event.user_id = principal.user.id;
  event.actor = principal.user.login;
  event.brand_id = brand_id;
  event.action = std::move(action);
  event.subject = std::move(subject);
  event.details = details.serialize();
  // The change is made by now: a failed audit write is logged rather than turned into a failed request.
  if (auto written = api.store.RecordAuditEvent(event); !written) {
    static auto log = Logger("api");
    log->error("audit event {} on {} was not written: {}", event.action, event.subject, Describe(written.error()));
  }
}

value BrandSummary(const Brand& brand, const std::string& role, const CaseCounts& counts) {
  value out = value::object();
  out["id"] = value::number(brand.id);
  out["slug"] = value::string(brand.slug);
  out["name"] = value::string(brand.name);
  out["timezone"] = value::string(brand.timezone);
  out["role"] = value::string(role);
  out["open_cases"] = value::number(counts.unanswered);
  out["overdue_cases"] = value::number(counts.overdue);
  return out;
}

// The brand as GET /brands/{slug} shows it: the summary, and the settings for those who may change them.
Result<value> BrandDetail(ApiContext& api, const Principal& principal, const Brand& brand) {
  const std::vector<std::int64_t> one{brand.id};
  auto counts = api.store.CountCasesByBrand(one, api.clock.Now());
  if (!counts) return Fail(counts.error());
  auto found = counts->find(brand.id);
  value out = BrandSummary(brand, principal.RoleIn(brand.id).value_or("admin"),
                           found == counts->end() ? CaseCounts{} : found->second);
  if (principal.MayConfigure(brand.id)) out["settings"] = BrandToJson(brand).at("settings");
  return out;
}

Result<ServerResponse> ListBrands(ApiContext& api, const ServerRequest&, const Principal& principal) {
  const std::vector<std::int64_t> ids = principal.BrandIds();
  auto brands = api.store.ListBrands();
  if (!brands) return Fail(brands.error());
  auto counts = api.store.CountCasesByBrand(ids, api.clock.Now());
  if (!counts) return Fail(counts.error());
  value items = value::array();
  for (const Brand& brand : *brands) {
    auto role = principal.RoleIn(brand.id);
    if (!role) continue;
    auto c = counts->find(brand.id);
    items[items.size()] = BrandSummary(brand, *role, c == counts->end() ? CaseCounts{} : c->second);
  }
  return JsonResponse(Page(items, std::nullopt));
}

Result<ServerResponse> AddBrand(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  if (!principal.instance_admin)
    return Fail(ErrorCode::kPermissionDenied, "only an instance admin may add brands");
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  if (auto ok = OnlyFields(*body, {"slug", "name", "timezone", "settings"}); !ok) return Fail(ok.error());
  auto brand = BrandFromJson(*body);
  if (!brand) return Fail(brand.error());
  if (auto bad = CheckBrandFields(*brand)) return Fail(ErrorCode::kInvalidArgument, *bad);
  auto added = api.store.AddBrand(*brand);
  if (!added) return Fail(added.error());
  value details = value::object();
  details["name"] = value::string(added->name);
  Audit(api, principal, added->id, "brand.add", fmt::format("brand:{}", added->id), details);
  auto detail = BrandDetail(api, principal, *added);  // an instance admin is an admin of the new brand too
  if (!detail) return Fail(detail.error());
  return JsonResponse(*detail, 201);
}

Result<ServerResponse> GetBrand(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  auto detail = BrandDetail(api, principal, *brand);
  if (!detail) return Fail(detail.error());
  return JsonResponse(*detail);
}

Result<ServerResponse> PatchBrand(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  if (!principal.MayConfigure(brand->id)) return Fail(RoleTooLow("leads and admins", "change its settings"));
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  if (auto ok = OnlyFields(*body, {"name", "timezone", "settings"}); !ok) return Fail(ok.error());
  Brand changed = *brand;
  value fields = value::array();
  auto name = OptionalString(*body, "name");
  if (!name) return Fail(name.error());
  if (*name) {
    changed.name = **name;
    fields[fields.size()] = value::string("name");
  }
  auto timezone = OptionalString(*body, "timezone");
  if (!timezone) return Fail(timezone.error());
  if (*timezone) {
    changed.timezone = **timezone;
    fields[fields.size()] = value::string("timezone");
  }
  if (body->has_field("settings")) {
    if (!body->at("settings").is_object())
      return Fail(ErrorCode::kInvalidArgument, "field 'settings' must be a JSON object");
    changed.settings = body->at("settings").serialize();
    fields[fields.size()] = value::string("settings");
  }
  if (auto bad = CheckBrandFields(changed)) return Fail(ErrorCode::kInvalidArgument, *bad);
  if (auto updated = api.store.UpdateBrand(changed); !updated) return Fail(updated.error());
  value details = value::object();
  details["fields"] = fields;
  Audit(api, principal, brand->id, "brand.update", fmt::format("brand:{}", brand->id), details);
  auto detail = BrandDetail(api, principal, changed);
  if (!detail) return Fail(detail.error());
  return JsonResponse(*detail);
}

// ---- Sources.

value SourceJson(const Source& source, const Brand& brand, std::int64_t posts) {
  value out = SourceToJson(source, brand.slug);
  out["state"] = value::string(source.paused ? "paused" : "active");
  out["posts"] = value::number(posts);
  out.erase("cursor");  // the connector's resume point is the daemon's business
  return out;
}

// The brand's source named in the path, when the principal may see the brand; kNotFound otherwise.
Result<Source> VisibleSource(ApiContext& api, const Brand& brand, const std::string& name) {
  auto source = api.store.GetSource(name);
  if (!source) {
    if (source.error().code == ErrorCode::kNotFound) return Fail(NotFound("source", name));
    return Fail(source.error());
  }
  if (source->brand_id != brand.id) return Fail(NotFound("source", name));
  return source;
}

Result<ServerResponse> ListSources(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  auto sources = api.store.ListSources(brand->id);
  if (!sources) return Fail(sources.error());
  auto posts = api.store.CountPostsBySource(brand->id);
  if (!posts) return Fail(posts.error());
  value items = value::array();
  for (const Source& s : *sources) {
    auto n = posts->find(s.id);
    items[items.size()] = SourceJson(s, *brand, n == posts->end() ? 0 : n->second);
  }
  return JsonResponse(Page(items, std::nullopt));
}

Result<ServerResponse> AddSource(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  if (!principal.MayConfigure(brand->id)) return Fail(RoleTooLow("leads and admins", "add sources"));
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  if (auto ok = OnlyFields(*body, {"name", "platform", "settings", "poll_interval_s", "paused"}); !ok)
    return Fail(ok.error());
  auto source = SourceFromJson(*body);
  if (!source) return Fail(source.error());
  source->brand_id = brand->id;
  if (auto bad = CheckSourceFields(*source)) return Fail(ErrorCode::kInvalidArgument, *bad);
  auto added = api.store.AddSource(*source);
  if (!added) return Fail(added.error());
  value details = value::object();
  details["name"] = value::string(added->name);
  details["platform"] = value::string(added->platform);
  Audit(api, principal, brand->id, "source.add", fmt::format("source:{}", added->id), details);
  return JsonResponse(SourceJson(*added, *brand, 0), 201);
}

Result<ServerResponse> PatchSource(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  auto source = VisibleSource(api, *brand, request.params.at("name"));
  if (!source) return Fail(source.error());
  if (!principal.MayConfigure(brand->id)) return Fail(RoleTooLow("leads and admins", "change sources"));
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  if (auto ok = OnlyFields(*body, {"settings", "poll_interval_s", "paused"}); !ok) return Fail(ok.error());
  Source changed = *source;
  value fields = value::array();
  if (body->has_field("settings")) {
    const value& settings = body->at("settings");
    if (!settings.is_object())
      return Fail(ErrorCode::kInvalidArgument,
                  "field 'settings' must be an object of strings (null removes a setting)");
    for (const auto& [key, v] : settings.as_object()) {
      if (v.is_null()) {
        changed.settings.erase(key);
      } else if (v.is_string()) {
        changed.settings[key] = v.as_string();
      } else {
        return Fail(ErrorCode::kInvalidArgument, fmt::format("setting '{}' must be a string or null", key));
      }
    }
    fields[fields.size()] = value::string("settings");
  }
  if (body->has_field("poll_interval_s")) {
    const value& v = body->at("poll_interval_s");
    if (v.is_null()) {
      changed.poll_interval.reset();
    } else if (v.is_number() && v.as_number().is_int64()) {
      changed.poll_interval = std::chrono::seconds(v.as_number().to_int64());
    } else {
      return Fail(ErrorCode::kInvalidArgument, "field 'poll_interval_s' must be a whole number of seconds or null");
    }
    fields[fields.size()] = value::string("poll_interval_s");
  }
  auto paused = OptionalBool(*body, "paused");
  if (!paused) return Fail(paused.error());
  if (*paused) {
    changed.paused = **paused;
    fields[fields.size()] = value::string("paused");
  }
  if (auto bad = CheckSourceFields(changed)) return Fail(ErrorCode::kInvalidArgument, *bad);
  if (auto updated = api.store.UpdateSource(changed); !updated) return Fail(updated.error());
  // Resuming clears a needs_human health, as `odziv source resume` does after credentials were fixed.
  if (source->paused && !changed.paused) {
    if (auto reset = api.store.ResetSourceHealth(changed.id); !reset) return Fail(reset.error());
  }
  value details = value::object();
  details["name"] = value::string(changed.name);
  details["fields"] = fields;
  Audit(api, principal, brand->id, "source.update", fmt::format("source:{}", changed.id), details);
  auto stored = api.store.GetSourceById(changed.id);
  if (!stored) return Fail(stored.error());
  auto posts = api.store.CountPostsBySource(brand->id);
  if (!posts) return Fail(posts.error());
  auto n = posts->find(changed.id);
  return JsonResponse(SourceJson(*stored, *brand, n == posts->end() ? 0 : n->second));
}

Result<ServerResponse> RemoveSource(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto brand = api.VisibleBrand(principal, request.params.at("slug"));
  if (!brand) return Fail(brand.error());
  auto source = VisibleSource(api, *brand, request.params.at("name"));
  if (!source) return Fail(source.error());
  if (!principal.MayConfigure(brand->id)) return Fail(RoleTooLow("leads and admins", "remove sources"));
  if (auto removed = api.store.RemoveSource(source->name); !removed) return Fail(removed.error());
  value details = value::object();
  details["name"] = value::string(source->name);
  Audit(api, principal, brand->id, "source.remove", fmt::format("source:{}", source->id), details);
  return NoContent();
}

}  // namespace

void AddBrandRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api) {
  AddRoute(router, api, "GET", "/api/v1/brands", ListBrands);
  AddRoute(router, api, "POST", "/api/v1/brands", AddBrand);
  AddRoute(router, api, "GET", "/api/v1/brands/{slug}", GetBrand);
  AddRoute(router, api, "PATCH", "/api/v1/brands/{slug}", PatchBrand);
  AddRoute(router, api, "GET", "/api/v1/brands/{slug}/sources", ListSources);
  AddRoute(router, api, "POST", "/api/v1/brands/{slug}/sources", AddSource);
  AddRoute(router, api, "PATCH", "/api/v1/brands/{slug}/sources/{name}", PatchSource);
  AddRoute(router, api, "DELETE", "/api/v1/brands/{slug}/sources/{name}", RemoveSource);
}

}  // namespace odziv::daemon::api
