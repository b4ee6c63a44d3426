// What every /api/v1 route shares: who is asking (Authenticate), one error shape with the HTTP status that
// fits each error code, JSON bodies in and out, `limit`, and opaque keyset cursors for paging. Routes stay
// short: authenticate, parse, call the store or the approval queue, answer.
#pragma once

#include <cpprest/json.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "daemon/http_router.h"
#include "daemon/principal.h"

namespace odziv::daemon::api {

// The HTTP status for an error code: invalid_argument/malformed 400, unauthenticated 401,
// permission_denied 403, not_found 404, already_exists/failed_precondition 409, rate_limited 429,
// busy/unavailable 503, read_only 507, everything else 500.
int HttpStatusOf(ErrorCode code);

// The API's one error shape for `error` ({"error": {"code", "message"}}), with Retry-After for rate limits.
// Internal errors are logged and answered with a generic message: their text may name files and SQL.
ServerResponse ErrorResponse(const Error& error);

// 200 (or `status`) with the JSON text; 204 has no body.
ServerResponse JsonResponse(const web::json::value& body, int status = 200);
// 200 with JSON already serialised.
ServerResponse JsonTextResponse(std::string text);
ServerResponse NoContent();

// The request body as a JSON object: kInvalidArgument ("the request body must be a JSON object: …") for
// anything else, including an empty body.
Result<web::json::value> ParseJsonObject(const ServerRequest& request);

// Typed fields of a JSON object, with messages that name the field. Missing optional fields are nullopt;
// a field of the wrong type is kInvalidArgument.
Result<std::string> RequiredString(const web::json::value& object, std::string_view field);
Result<std::optional<std::string>> OptionalString(const web::json::value& object, std::string_view field);
Result<std::optional<std::int64_t>> OptionalInteger(const web::json::value& object, std::string_view field);
Result<std::optional<bool>> OptionalBool(const web::json::value& object, std::string_view field);

// `limit` from the query: default 50, at most 500; kInvalidArgument for anything but a positive integer.
Result<std::size_t> PageLimit(const ServerRequest& request, std::size_t default_limit = 50,
                              std::size_t max_limit = 500);
// An integer query parameter (ids, priorities); nullopt when absent.
Result<std::optional<std::int64_t>> QueryInteger(const ServerRequest& request, std::string_view name);

// Keyset cursors: the sort key of the last item of a page, as integers, in an opaque URL-safe string.
// DecodeCursor gives kInvalidArgument ("cursor is not one this server gave out") for anything else, and
// checks the number of parts.
std::string EncodeCursor(const std::vector<std::int64_t>& key);
Result<std::vector<std::int64_t>> DecodeCursor(std::string_view cursor, std::size_t parts);

// {"items": items, "next_cursor": cursor or null}.
web::json::value Page(web::json::value items, const std::optional<std::string>& next_cursor);

// Authenticates with `auth` and runs `handler` with the principal; an authentication failure is answered
// with its error (401/403) without running the handler. Handlers return Result<ServerResponse>: an error
// becomes ErrorResponse.
template <typename Handler>
RouteHandler Authenticated(Authenticator& auth, Handler handler) {
  return [&auth, handler = std::move(handler)](const ServerRequest& request) -> ServerResponse {
    auto principal = auth.Authenticate(request);
    if (!principal) return ErrorResponse(principal.error());
    Result<ServerResponse> response = handler(request, *principal);
    if (!response) return ErrorResponse(response.error());
    return std::move(*response);
  };
}

// kNotFound worded like a missing thing, for a brand (or anything of it) the principal may not see, so that
// another brand's data and no data at all answer the same.
Error NotFound(std::string_view what, std::string_view name);

}  // namespace odziv::daemon::api
