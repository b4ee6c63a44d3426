#include "platforms/response_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace odziv::platforms {
namespace {

using std::chrono::seconds;
using web::json::value;

std::optional<std::int64_t> ParseInt(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    // Reddit sends floats ("369.0").
    double d = 0;
    auto [end2, ec2] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec2 != std::errc() || end2 != text.data() + text.size() || !std::isfinite(d)) return std::nullopt;
    return static_cast<std::int64_t>(std::ceil(d));
  }
  return out;
}

seconds Clamp(seconds s) { return std::clamp(s, seconds(1), kMaxRetryAfter); }

seconds Until(Timestamp reset, Timestamp now) {
  auto diff = std::chrono::ceil<seconds>(reset - now);
  return Clamp(diff);
}

std::optional<value> ParseBody(std::string_view body) {
  if (body.empty()) return std::nullopt;
  try {
    std::error_code ec;
    value v = value::parse(std::string(body), ec);
    if (ec) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string StringField(const value& obj, const char* key) {
  if (!obj.is_object() || !obj.has_field(key)) return {};
  const value& v = obj.at(key);
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return v.serialize();
  return {};
}

std::optional<std::int64_t> IntField(const value& obj, const char* key) {
  if (!obj.is_object() || !obj.has_field(key)) return std::nullopt;
  const value& v = obj.at(key);
  if (v.is_number() && v.as_number().is_int64()) return v.as_number().to_int64();
  if (v.is_string()) return ParseInt(v.as_string());
  return std::nullopt;
}

// One line of printable text: platforms put newlines and HTML into error bodies.
std::string OneLine(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "…";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

struct MetaError {
  std::int64_t code = 0;
  std::int64_t subcode = 0;
  bool transient = false;
  std::string message;
};

std::optional<MetaError> ParseMetaError(std::string_view body) {
  auto doc = ParseBody(body);
  if (!doc || !doc->is_object() || !doc->has_field("error") || !doc->at("error").is_object()) return std::nullopt;
  const value& e = doc->at("error");
  MetaError out;
  out.code = IntField(e, "code").value_or(0);
  out.subcode = IntField(e, "error_subcode").value_or(0);
  out.transient = e.has_field("is_transient") && e.at("is_transient").is_boolean() && e.at("is_transient").as_bool();
  out.message = StringField(e, "message");
  return out;
}

bool IsMetaRateLimitCode(std::int64_t code) {
  return code == 4 || code == 17 || code == 32 || code == 613 || (code >= 80001 && code <= 80014);
}

// Meta's X-Business-Use-Case-Usage: {"<id>":[{"type":"pages","call_count":100,…,
// "estimated_time_to_regain_access":5}]}, minutes. The longest estimate wins.
std::optional<seconds> MetaRegainAccess(const HttpResponse& response) {
  auto header = response.Header("X-Business-Use-Case-Usage");
  if (!header) return std::nullopt;
  auto doc = ParseBody(*header);
  if (!doc || !doc->is_object()) return std::nullopt;
  std::int64_t minutes = 0;
  for (const auto& [id, entries] : doc->as_object()) {
    if (!entries.is_array()) continue;
    for (const auto& entry : entries.as_array())
      minutes = std::max(minutes, IntField(entry, "estimated_time_to_regain_access").value_or(0));
  }
  if (minutes <= 0) return std::nullopt;
  return seconds(minutes * 60);
}

struct GoogleError {
  std::int64_t code = 0;
  std::string status;   // "RESOURCE_EXHAUSTED"
  std::string reason;   // errors[0].reason: "quotaExceeded"
  std::string message;
};

std::optional<GoogleError> ParseGoogleError(std::string_view body) {
  auto doc = ParseBody(body);
  if (!doc || !doc->is_object() || !doc->has_field("error") || !doc->at("error").is_object()) return std::nullopt;
  const value& e = doc->at("error");
  GoogleError out;
  out.code = IntField(e, "code").value_or(0);
  out.status = StringField(e, "status");
  out.message = StringField(e, "message");
  if (e.has_field("errors") && e.at("errors").is_array() && e.at("errors").size() > 0)
    out.reason = StringField(e.at("errors").as_array().at(0), "reason");
  return out;
}

Error Make(ErrorCode code, const Endpoint& endpoint, int status, std::string_view detail,
           std::optional<seconds> retry_after = std::nullopt) {
  std::string message = fmt::format("{} answered HTTP {}", endpoint.Describe(), status);
  if (!detail.empty()) message += fmt::format(" ({})", detail);
  return Error{code, std::move(message), retry_after};
}

}  // namespace

Timestamp NextPacificMidnight(Timestamp now) {
  using namespace std::chrono;
  // US rules since 2007: daylight time from the second Sunday of March, 02:00 local (10:00 UTC), to the
  // first Sunday of November, 02:00 local (09:00 UTC).
  auto offset_at = [](Timestamp t) -> hours {
    year_month_day ymd(floor<days>(t));
    year y = ymd.year();
    auto dst_start = sys_days(year_month_weekday(y / March / Sunday[2])) + hours(10);
    auto dst_end = sys_days(year_month_weekday(y / November / Sunday[1])) + hours(9);
    return (t >= dst_start && t < dst_end) ? hours(-7) : hours(-8);
  };
  hours offset = offset_at(now);
  auto local = now + offset;
  auto next_local_midnight = floor<days>(local) + days(1);
  Timestamp candidate = time_point_cast<milliseconds>(next_local_midnight - offset);
  // Across a change of offset the local midnight moves by an hour; recompute with the offset then.
  hours offset_then = offset_at(candidate);
  if (offset_then != offset) candidate = time_point_cast<milliseconds>(next_local_midnight - offset_then);
  return candidate;
}

std::optional<seconds> RetryAfterOf(const HttpResponse& response, Dialect dialect, Timestamp now) {
  if (auto ra = response.Header("Retry-After")) {
    if (auto n = ParseInt(*ra)) return Clamp(seconds(*n));
    if (auto t = ParseRfc822Timestamp(*ra)) return Until(*t, now);
  }
  switch (dialect) {
    case Dialect::kX:
      if (auto reset = response.Header("x-rate-limit-reset"))
        if (auto n = ParseInt(*reset)) return Until(FromUnixSeconds(*n), now);
      break;
    case Dialect::kBluesky:
      if (auto reset = response.Header("RateLimit-Reset"))
        if (auto n = ParseInt(*reset)) return Until(FromUnixSeconds(*n), now);
      break;
    case Dialect::kReddit:
      if (auto reset = response.Header("x-ratelimit-reset"))
        if (auto n = ParseInt(*reset)) return Clamp(seconds(*n));
      break;
    case Dialect::kMastodon:
      if (auto reset = response.Header("X-RateLimit-Reset"))
        if (auto t = ParseIsoTimestamp(*reset)) return Until(*t, now);
      break;
    case Dialect::kMeta:
      return MetaRegainAccess(response);
    case Dialect::kGoogle:
    case Dialect::kGeneric:
      break;
  }
  return std::nullopt;
}

std::string PlatformErrorText(std::string_view body, Dialect dialect, std::size_t max_chars) {
  auto doc = ParseBody(body);
  if (!doc) {
    // HTML error pages from proxies say nothing useful; plain text bodies (Slack, RSS hosts) do.
    std::string_view trimmed = body.substr(0, 400);
    if (trimmed.find('<') != std::string_view::npos) return {};
    return OneLine(trimmed, max_chars);
  }
  const value& v = *doc;
  std::string text;
  switch (dialect) {
    case Dialect::kMeta:
    case Dialect::kGoogle:
      if (v.is_object() && v.has_field("error") && v.at("error").is_object()) {
        text = StringField(v.at("error"), "message");
        if (dialect == Dialect::kMeta) {
          auto code = IntField(v.at("error"), "code");
          if (code) text = fmt::format("code {}: {}", *code, text);
        }
      }
      // Google's OAuth token endpoint answers {"error": "invalid_grant", "error_description": "…"}.
      if (text.empty() && dialect == Dialect::kGoogle) text = StringField(v, "error_description");
      break;
    default:
      if (v.is_object()) {
        text = StringField(v, "detail");
        if (text.empty()) text = StringField(v, "message");
        if (text.empty()) text = StringField(v, "error_description");
        if (text.empty()) text = StringField(v, "error");
        if (text.empty()) text = StringField(v, "title");
        if (text.empty() && v.has_field("errors") && v.at("errors").is_array() && v.at("errors").size() > 0) {
          text = StringField(v.at("errors").as_array().at(0), "message");
          // JSON:API error objects (App Store Connect): {"status","code","title","detail"}.
          if (text.empty()) text = StringField(v.at("errors").as_array().at(0), "detail");
        }
        if (text.empty() && v.has_field("error") && v.at("error").is_object())
          text = StringField(v.at("error"), "message");
      }
  }
  return OneLine(text, max_chars);
}

Status CheckResponse(const HttpResponse& response, const Endpoint& endpoint, Dialect dialect, Purpose purpose,
                     Timestamp now) {
  const int status = response.status;
  const bool ok = (status >= 200 && status < 300) || status == 304;
  const std::string detail = ok ? std::string() : PlatformErrorText(response.body, dialect);

  // Meta reports limits and token trouble in the body, with 400, 403 or even 200-less 500s.
  if (dialect == Dialect::kMeta && !ok) {
    if (auto e = ParseMetaError(response.body)) {
      if (IsMetaRateLimitCode(e->code))
        return std::unexpected(Make(ErrorCode::kRateLimited, endpoint, status, detail,
                                    MetaRegainAccess(response).value_or(kMetaDefaultRetryAfter)));
      if (e->code == 190 || e->code == 102 || e->code == 10 || (e->code >= 200 && e->code <= 299))
        return std::unexpected(Make(ErrorCode::kUnauthenticated, endpoint, status, detail));
      if (e->transient || e->code == 1 || e->code == 2)
        return std::unexpected(Make(ErrorCode::kUnavailable, endpoint, status, detail, RetryAfterOf(response, dialect, now)));
    }
  }
  if (dialect == Dialect::kGoogle && !ok) {
    if (auto e = ParseGoogleError(response.body)) {
      if (e->reason == "quotaExceeded" || e->reason == "dailyLimitExceeded")
        return std::unexpected(Make(ErrorCode::kRateLimited, endpoint, status,
                                    detail.empty() ? e->reason : detail, Until(NextPacificMidnight(now), now)));
      if (e->reason == "insufficientPermissions" || e->reason == "authError" || e->status == "UNAUTHENTICATED")
        return std::unexpected(Make(ErrorCode::kUnauthenticated, endpoint, status, detail.empty() ? e->reason : detail));
      if (e->reason == "rateLimitExceeded" || e->reason == "userRateLimitExceeded" || e->status == "RESOURCE_EXHAUSTED")
        return std::unexpected(Make(ErrorCode::kRateLimited, endpoint, status, detail.empty() ? e->reason : detail,
                                    RetryAfterOf(response, dialect, now).value_or(kDefaultRetryAfter)));
    }
  }
  // XRPC says that a session token expired or is not one with HTTP 400, not 401.
  if (dialect == Dialect::kBluesky && status == 400) {
    if (auto doc = ParseBody(response.body)) {
      const std::string name = StringField(*doc, "error");
      if (name == "ExpiredToken" || name == "InvalidToken")
        return std::unexpected(Make(ErrorCode::kUnauthenticated, endpoint, status, detail));
    }
  }
  if (ok) return {};
  if (status == 429)
    return std::unexpected(Make(ErrorCode::kRateLimited, endpoint, status, detail,
                                RetryAfterOf(response, dialect, now).value_or(kDefaultRetryAfter)));
  if (status == 401 || status == 403) {
    // A write refused with 403 is usually about that one target (X reply settings, comments off), not the
    // token; a 401 is always the token.
    if (status == 403 && purpose == Purpose::kWrite)
      return std::unexpected(Make(ErrorCode::kFailedPrecondition, endpoint, status, detail));
    return std::unexpected(Make(ErrorCode::kUnauthenticated, endpoint, status,
                                detail.empty() ? "credentials rejected: renew the token" : detail));
  }
  if (status >= 500 || status == 408)
    return std::unexpected(Make(ErrorCode::kUnavailable, endpoint, status, detail, RetryAfterOf(response, dialect, now)));
  if (status >= 400)
    return std::unexpected(
        Make(purpose == Purpose::kWrite ? ErrorCode::kFailedPrecondition : ErrorCode::kConfig, endpoint, status, detail));
  return std::unexpected(Make(ErrorCode::kMalformed, endpoint, status, "unexpected status"));
}

Result<HttpResponse> SendChecked(HttpClient& http, const HttpRequest& request, const Endpoint& endpoint,
                                 Dialect dialect, Purpose purpose, Timestamp now) {
  auto response = http.Send(request);
  if (!response) {
    Error e = response.error();
    // The client's message may carry the URL; the endpoint name says enough.
    return std::unexpected(Error{e.code, fmt::format("{}: {}", endpoint.Describe(), e.message), e.retry_after});
  }
  auto status = CheckResponse(*response, endpoint, dialect, purpose, now);
  if (!status) return std::unexpected(status.error());
  return response;
}

}  // namespace odziv::platforms
