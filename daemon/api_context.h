// What the /api/v1 route files share (daemon/api_routes.h): the services a handler uses, and the lookups
// that decide what a principal may see. Internal to api_*.cpp.
#pragma once

#include <cpprest/json.h>

#include <cstdint>
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "daemon/api_routes.h"
#include "daemon/api_support.h"
#include "daemon/approval_queue.h"
#include "daemon/http_router.h"
#include "daemon/principal.h"
#include "daemon/queue_page_cache.h"

namespace odziv::daemon::api {

struct ApiContext {
  Store& store;
  Authenticator& auth;
  Clock& clock;
  ApiOptions options;
  // The approval queue's pages as last answered (daemon/queue_page_cache.h).
  std::shared_ptr<QueuePageCache> queue_pages = std::make_shared<QueuePageCache>();

  // The brand named `slug`, when the principal may see it; otherwise kNotFound worded as for a missing one.
  Result<Brand> VisibleBrand(const Principal& principal, std::string_view slug) const;
  // The brands a list covers: the one named by the `brand` query parameter (kNotFound as above), else every
  // brand the principal may see (possibly none).
  Result<std::vector<std::int64_t>> ListScope(const Principal& principal, const ServerRequest& request) const;
  // Every brand by id (one query), for slugs and names on a page.
  Result<std::map<std::int64_t, Brand>> BrandsById() const;
  // Logins by user id (one query), for assignees on a page.
  Result<std::map<std::int64_t, std::string>> LoginsById() const;
  // The request body as a JSON object, refused (kInvalidArgument) above options.max_body_bytes.
  Result<web::json::value> Body(const ServerRequest& request) const;
};

// A positive id from a route parameter ("{id}"): kNotFound ("no <what> '<text>'") for anything else, as
// for an id that does not exist.
Result<std::int64_t> RouteId(const ServerRequest& request, std::string_view what);

// "Cannot do this" for a principal who sees the brand but whose role is too low.
Error RoleTooLow(std::string_view needed, std::string_view what);

// {"items": [...], "next_cursor": ...}: `items` has up to limit + 1 entries; the extra one only says that
// another page exists, and `key` gives the cursor of the last item shown.
template <class T, class ToJson, class Key>
web::json::value PageOf(const std::vector<T>& items, std::size_t limit, ToJson to_json, Key key) {
  web::json::value list = web::json::value::array();
  const std::size_t shown = std::min(items.size(), limit);
  for (std::size_t i = 0; i < shown; ++i) list[i] = to_json(items[i]);
  std::optional<std::string> next;
  if (items.size() > limit && shown > 0) next = EncodeCursor(key(items[shown - 1]));
  return Page(std::move(list), next);
}

// The JSON of a queue item: {"draft", "case", "post" (with "assessment"), "brand": {"slug", "name"},
// "time_left_s"}. The one place the queue's JSON is built, for /queue and /drafts/{id}.
web::json::value QueueItemToJson(const QueueItem& item, const Brand& brand, std::string_view assignee_login,
                                 const std::optional<Assessment>& assessment, Timestamp now);

// Adds one authenticated route whose handler is (ApiContext&, const ServerRequest&, const Principal&) ->
// Result<ServerResponse>.
template <class Handler>
void AddRoute(HttpRouter& router, const std::shared_ptr<ApiContext>& api, const char* method, const char* pattern,
              Handler handler) {
  router.Add(method, pattern,
             Authenticated(api->auth, [api, handler](const ServerRequest& request, const Principal& principal) {
               return handler(*api, request, principal);
             }));
}

// Each route file adds its routes; the handlers share `api`, which lives as long as the router.
void AddBrandRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api);
void AddCaseRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api);
void AddQueueRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api);

}  // namespace odziv::daemon::api
