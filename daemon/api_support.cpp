#include "daemon/api_support.h"

#include <fmt/format.h>

#include <charconv>

#include "daemon/logging.h"

namespace odziv::daemon::api {
namespace {

using web::json::value;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return out;
}

const value* Field(const value& object, std::string_view field) {
  if (!object.is_object()) return nullptr;
  const auto& fields = object.as_object();
  auto it = fields.find(std::string(field));
  if (it == fields.end() || it->second.is_null()) return nullptr;
  return &it->second;
}

Error WrongType(std::string_view field, std::string_view type) {
  return Error{ErrorCode::kInvalidArgument, fmt::format("field '{}' must be {}", field, type), std::nullopt};
}

}  // namespace

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kMalformed:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kBusy:
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kReadOnly:
      return 507;
    case ErrorCode::kConfig:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

ServerResponse ErrorResponse(const Error& error) {
  const int status = HttpStatusOf(error.code);
  if (status == 500) {
    static auto log = Logger("api");
    log->error("request failed: {}", Describe(error));
    return ServerResponse::Error(500, "internal", "the server could not answer this request; the daemon's log has why");
  }
  ServerResponse response = ServerResponse::Error(status, ErrorCodeName(error.code), error.message);
  if (error.retry_after) response.headers.emplace_back("Retry-After", std::to_string(error.retry_after->count()));
  return response;
}

ServerResponse JsonResponse(const value& body, int status) {
  ServerResponse response = JsonTextResponse(body.serialize());
  response.status = status;
  return response;
}

ServerResponse JsonTextResponse(std::string text) {
  ServerResponse response;
  response.status = 200;
  response.body = std::move(text);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ServerResponse NoContent() {
  ServerResponse response;
  response.status = 204;
  response.content_type.clear();
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<value> ParseJsonObject(const ServerRequest& request) {
  if (request.body.empty())
    return Fail(ErrorCode::kInvalidArgument, "the request body must be a JSON object, and it is empty");
  std::error_code ec;
  value parsed = value::parse(request.body, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, fmt::format("the request body must be a JSON object: {}", ec.message()));
  if (!parsed.is_object()) return Fail(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  return parsed;
}

Result<std::string> RequiredString(const value& object, std::string_view field) {
  const value* v = Field(object, field);
  if (!v) return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' is required", field));
  if (!v->is_string()) return Fail(WrongType(field, "a string"));
  return v->as_string();
}

Result<std::optional<std::string>> OptionalString(const value& object, std::string_view field) {
  const value* v = Field(object, field);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return Fail(WrongType(field, "a string"));
  return std::optional<std::string>(v->as_string());
}

Result<std::optional<std::int64_t>> OptionalInteger(const value& object, std::string_view field) {
  const value* v = Field(object, field);
  if (!v) return std::optional<std::int64_t>{};
  if (!v->is_number() || !v->as_number().is_int64()) return Fail(WrongType(field, "an integer"));
  return std::optional<std::int64_t>(v->as_number().to_int64());
}

Result<std::optional<bool>> OptionalBool(const value& object, std::string_view field) {
  const value* v = Field(object, field);
  if (!v) return std::optional<bool>{};
  if (!v->is_boolean()) return Fail(WrongType(field, "true or false"));
  return std::optional<bool>(v->as_bool());
}

Result<std::size_t> PageLimit(const ServerRequest& request, std::size_t default_limit, std::size_t max_limit) {
  auto it = request.query.find("limit");
  if (it == request.query.end()) return default_limit;
  auto n = ParseInteger(it->second);
  if (!n || *n < 1 || static_cast<std::uint64_t>(*n) > max_limit)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("limit must be a whole number from 1 to {}", max_limit));
  return static_cast<std::size_t>(*n);
}

Result<std::optional<std::int64_t>> QueryInteger(const ServerRequest& request, std::string_view name) {
  auto it = request.query.find(std::string(name));
  if (it == request.query.end()) return std::optional<std::int64_t>{};
  auto n = ParseInteger(it->second);
  if (!n) return Fail(ErrorCode::kInvalidArgument, fmt::format("{} must be a whole number, not '{}'", name, it->second));
  return std::optional<std::int64_t>(*n);
}

// Each integer is written as 11 characters of 6 bits (its two's complement, most significant first): a
// fixed width needs no separators and no padding.
std::string EncodeCursor(const std::vector<std::int64_t>& key) {
  std::string out;
  out.reserve(key.size() * 11);
  for (std::int64_t part : key) {
    const auto bits = static_cast<std::uint64_t>(part);
    for (int shift = 60; shift >= 0; shift -= 6) out += kAlphabet[(bits >> shift) & 0x3f];
  }
  return out;
}

Result<std::vector<std::int64_t>> DecodeCursor(std::string_view cursor, std::size_t parts) {
  auto bad = [] { return Fail(ErrorCode::kInvalidArgument, "cursor is not one this server gave out"); };
  if (cursor.size() != parts * 11) return bad();
  std::vector<std::int64_t> key;
  key.reserve(parts);
  for (std::size_t p = 0; p < parts; ++p) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 11; ++i) {
      const auto digit = kAlphabet.find(cursor[p * 11 + i]);
      if (digit == std::string_view::npos) return bad();
      if (i == 0 && digit > 0xf) return bad();  // the first character carries only the top 4 bits
      bits = (bits << 6) | digit;
    }
    key.push_back(static_cast<std::int64_t>(bits));
  }
  return key;
}

value Page(value items, const std::optional<std::string>& next_cursor) {
  value page = value::object();
  page["items"] = std::move(items);
  page["next_cursor"] = next_cursor ? value::string(*next_cursor) : value::null();
  return page;
}

Error NotFound(std::string_view what, std::string_view name) {
  return Error{ErrorCode::kNotFound, fmt::format("no {} '{}'", what, name), std::nullopt};
}

}  // namespace odziv::daemon::api
