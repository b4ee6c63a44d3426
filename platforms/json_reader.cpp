#include "platforms/json_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace odziv::platforms {

using web::json::value;

std::string JsonView::Child(std::string_view key) const { return fmt::format("{}.{}", path_, key); }

void JsonView::Bad(std::string_view what) const { throw JsonShapeError{fmt::format("{} {}", path_, what)}; }

bool JsonView::Has(std::string_view key) const {
  if (!value_->is_object()) return false;
  const auto& obj = value_->as_object();
  auto it = obj.find(std::string(key));
  return it != obj.end() && !it->second.is_null();
}

JsonView JsonView::At(std::string_view key) const {
  if (!value_->is_object()) Bad("is not an object");
  const auto& obj = value_->as_object();
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->second.is_null()) JsonView(*value_, Child(key)).Bad("is missing");
  return JsonView(it->second, Child(key));
}

std::optional<JsonView> JsonView::Find(std::string_view key) const {
  if (!value_->is_object()) Bad("is not an object");
  const auto& obj = value_->as_object();
  auto it = obj.find(std::string(key));
  if (it == obj.end() || it->second.is_null()) return std::nullopt;
  return JsonView(it->second, Child(key));
}

std::string JsonView::String() const {
  if (!value_->is_string()) Bad("is not a string");
  return value_->as_string();
}

std::string JsonView::Id() const {
  if (value_->is_string()) {
    if (value_->as_string().empty()) Bad("is an empty id");
    return value_->as_string();
  }
  if (value_->is_number() && value_->as_number().is_integral()) {
    const auto& n = value_->as_number();
    return n.is_int64() ? std::to_string(n.to_int64()) : std::to_string(n.to_uint64());
  }
  Bad("is not an id (string or integer)");
}

std::int64_t JsonView::Int() const {
  if (value_->is_number()) {
    const auto& n = value_->as_number();
    if (n.is_int64()) return n.to_int64();
    double d = n.to_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18) return static_cast<std::int64_t>(d);
    Bad("is not an integer");
  }
  if (value_->is_string()) {
    const std::string& s = value_->as_string();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  Bad("is not an integer");
}

double JsonView::Number() const {
  if (!value_->is_number()) Bad("is not a number");
  return value_->as_number().to_double();
}

bool JsonView::Bool() const {
  if (!value_->is_boolean()) Bad("is not true or false");
  return value_->as_bool();
}

std::vector<JsonView> JsonView::Array() const {
  if (!value_->is_array()) Bad("is not an array");
  std::vector<JsonView> out;
  const auto& arr = value_->as_array();
  out.reserve(arr.size());
  std::size_t i = 0;
  for (const auto& v : arr) out.emplace_back(v, fmt::format("{}[{}]", path_, i++));
  return out;
}

std::string JsonView::StringOr(std::string_view key, std::string_view fallback) const {
  auto v = Find(key);
  return v ? v->String() : std::string(fallback);
}

std::string JsonView::IdOr(std::string_view key, std::string_view fallback) const {
  auto v = Find(key);
  return v ? v->Id() : std::string(fallback);
}

std::int64_t JsonView::IntOr(std::string_view key, std::int64_t fallback) const {
  auto v = Find(key);
  return v ? v->Int() : fallback;
}

bool JsonView::BoolOr(std::string_view key, bool fallback) const {
  auto v = Find(key);
  return v ? v->Bool() : fallback;
}

std::vector<JsonView> JsonView::ArrayOr(std::string_view key) const {
  auto v = Find(key);
  return v ? v->Array() : std::vector<JsonView>{};
}

Result<value> ParseJson(std::string_view body, const Endpoint& endpoint) {
  if (body.empty()) return Fail(ErrorCode::kMalformed, endpoint.Describe() + ": response body is empty");
  try {
    std::error_code ec;
    value v = value::parse(std::string(body), ec);
    if (ec) return Fail(ErrorCode::kMalformed, fmt::format("{}: response is not JSON ({})", endpoint.Describe(), ec.message()));
    return v;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, fmt::format("{}: response is not JSON ({})", endpoint.Describe(), e.what()));
  }
}

}  // namespace odziv::platforms
