// JsonReader: checked access to a platform's JSON response. Parsers walk a response through JsonView; any
// missing field or wrong type ends the parse with one kMalformed Error that names the platform, the
// endpoint and the path of the offending value ("x GET /2/tweets/search/recent: data[3].id is missing").
#pragma once

#include <cpprest/json.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace odziv::platforms {

// Where a response came from, for error messages: {"x", "GET /2/tweets/search/recent"}.
struct Endpoint {
  std::string platform;
  std::string name;
  std::string Describe() const { return platform + " " + name; }
};

// A read-only view of one JSON value and its path from the document root. Accessors throw JsonShapeError,
// which ParseJson turns into an Error; the exception never leaves a parser.
class JsonView {
 public:
  JsonView(const web::json::value& value, std::string path) : value_(&value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const web::json::value& raw() const { return *value_; }
  bool IsNull() const { return value_->is_null(); }
  bool IsObject() const { return value_->is_object(); }
  bool IsArray() const { return value_->is_array(); }
  bool IsString() const { return value_->is_string(); }

  bool Has(std::string_view key) const;                   // present and not null
  JsonView At(std::string_view key) const;                // required; must be present and not null
  std::optional<JsonView> Find(std::string_view key) const;  // absent or null: nullopt

  std::string String() const;   // must be a string
  std::string Id() const;       // a string, or an integer written as a number (kept exact)
  std::int64_t Int() const;     // an integer, or a string holding one ("1443676826")
  double Number() const;        // any number
  bool Bool() const;
  std::vector<JsonView> Array() const;  // must be an array; elements carry "path[i]"

  // Shorthands for optional fields of an object: fallback when absent or null, error on a wrong type.
  std::string StringOr(std::string_view key, std::string_view fallback = "") const;
  std::string IdOr(std::string_view key, std::string_view fallback = "") const;
  std::int64_t IntOr(std::string_view key, std::int64_t fallback = 0) const;
  bool BoolOr(std::string_view key, bool fallback) const;
  // Elements of the array at `key`, or none when absent or null.
  std::vector<JsonView> ArrayOr(std::string_view key) const;

  // Throws JsonShapeError with "<path> <what>".
  [[noreturn]] void Bad(std::string_view what) const;

 private:
  std::string Child(std::string_view key) const;
  const web::json::value* value_;
  std::string path_;
};

struct JsonShapeError {
  std::string message;
};

// Parses `body` as JSON. kMalformed "<platform> <endpoint>: response is not JSON (…)".
[[nodiscard]] Result<web::json::value> ParseJson(std::string_view body, const Endpoint& endpoint);

// Runs `parse(root_view)` over the parsed body and turns a JsonShapeError (or a cpprestsdk exception) into
// kMalformed naming the endpoint and the path.
template <class F>
auto ReadJson(std::string_view body, const Endpoint& endpoint, F&& parse)
    -> Result<decltype(parse(std::declval<JsonView>()))> {
  auto doc = ParseJson(body, endpoint);
  if (!doc) return std::unexpected(doc.error());
  try {
    return parse(JsonView(*doc, "$"));
  } catch (const JsonShapeError& e) {
    return Fail(ErrorCode::kMalformed, endpoint.Describe() + ": " + e.message);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, endpoint.Describe() + ": " + e.what());
  }
}

}  // namespace odziv::platforms
