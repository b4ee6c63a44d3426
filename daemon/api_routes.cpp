#include "daemon/api_routes.h"

#include <fmt/format.h>

#include <charconv>
#include <memory>

#include "daemon/api_context.h"

namespace odziv::daemon {

namespace api {

Result<Brand> ApiContext::VisibleBrand(const Principal& principal, std::string_view slug) const {
  auto brand = store.GetBrand(slug);
  if (!brand) {
    if (brand.error().code == ErrorCode::kNotFound) return Fail(NotFound("brand", slug));
    return Fail(brand.error());
  }
  if (!principal.MaySee(brand->id)) return Fail(NotFound("brand", slug));
  return brand;
}

Result<std::vector<std::int64_t>> ApiContext::ListScope(const Principal& principal,
                                                        const ServerRequest& request) const {
  auto named = request.query.find("brand");
  if (named == request.query.end()) return principal.BrandIds();
  auto brand = VisibleBrand(principal, named->second);
  if (!brand) return Fail(brand.error());
  return std::vector<std::int64_t>{brand->id};
}

Result<std::map<std::int64_t, Brand>> ApiContext::BrandsById() const {
  auto brands = store.ListBrands();
  if (!brands) return Fail(brands.error());
  std::map<std::int64_t, Brand> out;
  for (Brand& b : *brands) out.emplace(b.id, std::move(b));
  return out;
}

Result<std::map<std::int64_t, std::string>> ApiContext::LoginsById() const {
  auto users = store.ListUsers(std::nullopt);
  if (!users) return Fail(users.error());
  std::map<std::int64_t, std::string> out;
  for (const User& u : *users) out.emplace(u.id, u.login);
  return out;
}

Result<web::json::value> ApiContext::Body(const ServerRequest& request) const {
  if (request.body.size() > options.max_body_bytes)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the request body is {} bytes; at most {} are read", request.body.size(),
                            options.max_body_bytes));
  return ParseJsonObject(request);
}

Result<std::int64_t> RouteId(const ServerRequest& request, std::string_view what) {
  auto it = request.params.find("id");
  const std::string text = it == request.params.end() ? "" : it->second;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 1)
    return Fail(NotFound(what, text));
  return id;
}

Error RoleTooLow(std::string_view needed, std::string_view what) {
  return Error{ErrorCode::kPermissionDenied, fmt::format("only {} of the brand may {}", needed, what), std::nullopt};
}

}  // namespace api

void AddApiRoutes(HttpRouter& router, Store& store, Authenticator& auth, Clock& clock, const ApiOptions& options) {
  auto api = std::make_shared<api::ApiContext>(api::ApiContext{store, auth, clock, options});
  api::AddBrandRoutes(router, api);
  api::AddCaseRoutes(router, api);
  api::AddQueueRoutes(router, api);
}

}  // namespace odziv::daemon
