#include "daemon/logging.h"

#include <fmt/format.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "core/secret.h"
#include "daemon/json_text.h"

namespace odziv::daemon {
namespace {

constexpr std::string_view kMask = "[redacted]";

// ---- Redaction -------------------------------------------------------------------------------------------

struct Range {
  std::size_t begin;
  std::size_t end;
};

class SecretRegistry {
 public:
  void Add(std::string value) {
    std::unique_lock lock(mutex_);
    if (std::find(values_.begin(), values_.end(), value) == values_.end()) values_.push_back(std::move(value));
  }

  void Find(std::string_view text, std::vector<Range>& ranges) const {
    std::shared_lock lock(mutex_);
    for (const std::string& value : values_) {
      for (auto at = text.find(value); at != std::string_view::npos; at = text.find(value, at + 1))
        ranges.push_back({at, at + value.size()});
    }
  }

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::string> values_;
};

SecretRegistry& Secrets() {
  static SecretRegistry registry;
  return registry;
}

// Tokens go into query strings percent-encoded, so that form is masked as well.
std::string PercentEncoded(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Where an unquoted value ends: the characters that close a header value, a query parameter, a JSON or
// form field, or a sentence around it.
bool EndsValue(char c) {
  return static_cast<unsigned char>(c) <= ' ' || std::string_view("\"'&,;<>)]}`|").find(c) != std::string_view::npos;
}

std::size_t SkipBlanks(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// The value that starts at `i`: up to the matching quote when quoted, else up to EndsValue.
Range ValueAt(std::string_view s, std::size_t i) {
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    const char quote = s[i++];
    std::size_t end = i;
    while (end < s.size() && s[end] != quote) end += (s[end] == '\\' && end + 1 < s.size()) ? 2 : 1;
    return {i, std::min(end, s.size())};
  }
  std::size_t end = i;
  while (end < s.size() && !EndsValue(s[end])) ++end;
  return {i, end};
}

// Keys whose value is a credential, in lower case. "token" and "secret" also cover "X-Token: …" and
// "secret=…"; longer names that merely contain them ("token_type", "secrets file") do not match.
constexpr std::array<std::string_view, 12> kSecretKeys = {"authorization", "access_token", "refresh_token", "id_token",
                                                          "client_secret", "password",     "passwd",        "api_key",
                                                          "api-key",       "apikey",       "token",         "secret"};

// key=value, key: value, "key":"value", 'key': 'value' (any case, `lower` is the text in lower case).
void FindKeyValues(std::string_view lower, std::vector<Range>& ranges) {
  for (std::string_view key : kSecretKeys) {
    for (auto at = lower.find(key); at != std::string_view::npos; at = lower.find(key, at + 1)) {
      if (at > 0 && IsWordChar(lower[at - 1])) continue;
      std::size_t i = at + key.size();
      if (i < lower.size() && IsWordChar(lower[i])) continue;
      if (i < lower.size() && (lower[i] == '"' || lower[i] == '\'')) ++i;
      i = SkipBlanks(lower, i);
      if (i >= lower.size() || (lower[i] != '=' && lower[i] != ':')) continue;
      i = SkipBlanks(lower, i + 1);
      const Range value = ValueAt(lower, i);
      if (key == "authorization") {
        // "Authorization: Basic dXNlcjpw…": keep the scheme, mask the credentials.
        std::size_t word_end = value.begin;
        while (word_end < value.end && std::isalpha(static_cast<unsigned char>(lower[word_end]))) ++word_end;
        const bool quoted = value.begin > i;
        const std::size_t limit = quoted ? value.end : lower.size();
        if (word_end > value.begin && word_end < limit && lower[word_end] == ' ') {
          Range credentials =
              quoted ? Range{SkipBlanks(lower, word_end), value.end} : ValueAt(lower, SkipBlanks(lower, word_end));
          if (credentials.end > credentials.begin) ranges.push_back(credentials);
          continue;
        }
      }
      if (value.end > value.begin) ranges.push_back(value);
    }
  }
}

// "Bearer <token>" wherever it appears (headers, curl command lines, error bodies).
void FindBearerTokens(std::string_view lower, std::vector<Range>& ranges) {
  constexpr std::string_view kBearer = "bearer";
  for (auto at = lower.find(kBearer); at != std::string_view::npos; at = lower.find(kBearer, at + 1)) {
    if (at > 0 && IsWordChar(lower[at - 1])) continue;
    std::size_t i = at + kBearer.size();
    if (i >= lower.size() || (lower[i] != ' ' && lower[i] != '\t')) continue;
    Range token = ValueAt(lower, SkipBlanks(lower, i));
    if (token.end > token.begin) ranges.push_back(token);
  }
}

// A Slack incoming-webhook URL is itself the credential: keep the host, mask the path.
void FindSlackWebhooks(std::string_view lower, std::vector<Range>& ranges) {
  constexpr std::string_view kHook = "hooks.slack.com/services/";
  for (auto at = lower.find(kHook); at != std::string_view::npos; at = lower.find(kHook, at + 1)) {
    const Range path = ValueAt(lower, at + kHook.size());
    if (path.end > path.begin) ranges.push_back(path);
  }
}

// scheme://user:password@host (SMTP, PostgreSQL and proxy URLs).
void FindUrlPasswords(std::string_view lower, std::vector<Range>& ranges) {
  for (auto at = lower.find("://"); at != std::string_view::npos; at = lower.find("://", at + 1)) {
    const std::size_t start = at + 3;
    std::size_t end = start;
    while (end < lower.size() && !EndsValue(lower[end]) && lower[end] != '/' && lower[end] != '?' && lower[end] != '#')
      ++end;
    const auto authority = lower.substr(start, end - start);
    const auto at_sign = authority.rfind('@');
    if (at_sign == std::string_view::npos) continue;
    const auto colon = authority.substr(0, at_sign).find(':');
    if (colon == std::string_view::npos || colon + 1 == at_sign) continue;
    ranges.push_back({start + colon + 1, start + at_sign});
  }
}

// ---- Line formats ----------------------------------------------------------------------------------------

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

std::string_view JournalPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return SD_DEBUG;
    case spdlog::level::info:
      return SD_INFO;
    case spdlog::level::warn:
      return SD_WARNING;
    case spdlog::level::err:
      return SD_ERR;
    default:
      return SD_CRIT;
  }
}

std::optional<spdlog::level::level_enum> ParseLevel(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 8> kLevels = {{
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},
      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical},
      {"off", spdlog::level::off},
  }};
  for (const auto& [level_name, level] : kLevels)
    if (level_name == name) return level;
  return std::nullopt;
}

std::string UtcTimestamp(spdlog::log_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  const std::time_t t = spdlog::log_clock::to_time_t(seconds);
  std::tm parts{};
  gmtime_r(&t, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                     parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
}

// Text and journal lines: one record per line, so a newline in a post's text cannot start a forged line
// (journald would read "<3>…" after it as a new error record).
void AppendEscapedText(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f') {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
}

void WriteToStderr(std::string_view line) {
  while (!line.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report that logging failed
    }
    line.remove_prefix(static_cast<std::size_t>(written));
  }
}

// ---- The one sink ----------------------------------------------------------------------------------------

// Formats, redacts and writes each line; configuration changes take the same lock as writing, so a
// reload never tears a line.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  void Configure(LogFormat format, bool journal, std::function<void(std::string_view)> write_line) {
    std::lock_guard lock(mutex_);
    format_ = format;
    journal_ = journal;
    write_line_ = std::move(write_line);
  }

  void log(const spdlog::details::log_msg& msg) override {
    const std::string message = RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    const std::string_view component(msg.logger_name.data(), msg.logger_name.size());
    std::lock_guard lock(mutex_);
    std::string line;
    if (journal_) line += JournalPriority(msg.level);
    switch (format_) {
      case LogFormat::kJson:
        line += "{\"ts\":\"" + UtcTimestamp(msg.time) + "\",\"level\":\"";
        line += LevelName(msg.level);
        line += "\",\"component\":";
        AppendJsonString(line, component);
        line += ",\"msg\":";
        AppendJsonString(line, message);
        line += '}';
        break;
      case LogFormat::kAuto:
        if (journal_) {
          AppendEscapedText(line, component);
          line += ": ";
          AppendEscapedText(line, message);
          break;
        }
        [[fallthrough]];
      case LogFormat::kText:
        line += fmt::format("{} {:<5} ", UtcTimestamp(msg.time), LevelName(msg.level));
        AppendEscapedText(line, component);
        line += ": ";
        AppendEscapedText(line, message);
        break;
    }
    line += '\n';
    if (write_line_)
      write_line_(line);
    else
      WriteToStderr(line);
  }

  void flush() override {}  // every line is written when it is logged
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

 private:
  std::mutex mutex_;
  LogFormat format_ = LogFormat::kAuto;
  bool journal_ = StderrIsJournal();
  std::function<void(std::string_view)> write_line_;
};

struct Loggers {
  std::mutex mutex;
  std::shared_ptr<RedactingSink> sink = std::make_shared<RedactingSink>();
  spdlog::level::level_enum level = spdlog::level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> by_component;
};

Loggers& AllLoggers() {
  static Loggers loggers;
  return loggers;
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "auto") return LogFormat::kAuto;
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Fail(ErrorCode::kConfig, fmt::format("log-format '{}' is not one of auto, text, json", name));
}

Status SetUpLogging(const LogOptions& options) {
  const auto level = ParseLevel(options.level);
  if (!level)
    return Fail(
        ErrorCode::kConfig,
        fmt::format("log-level '{}' is not one of trace, debug, info, warn, error, critical, off", options.level));
  if (options.format != LogFormat::kAuto && options.format != LogFormat::kText && options.format != LogFormat::kJson)
    return Fail(ErrorCode::kConfig, "log-format is not one of auto, text, json");

  // Before anything can resolve a credential, so none is ever logged unregistered.
  SetSecretObserver(&RegisterSecret);

  Loggers& loggers = AllLoggers();
  loggers.sink->Configure(options.format, options.journal.value_or(StderrIsJournal()), options.write_line);
  {
    std::lock_guard lock(loggers.mutex);
    loggers.level = *level;
    for (auto& [name, logger] : loggers.by_component) logger->set_level(*level);
  }
  spdlog::set_default_logger(Logger("odziv"));
  return {};
}

std::shared_ptr<spdlog::logger> Logger(std::string_view component) {
  if (component.empty()) component = "odziv";
  Loggers& loggers = AllLoggers();
  std::lock_guard lock(loggers.mutex);
  if (auto it = loggers.by_component.find(component); it != loggers.by_component.end()) return it->second;
  auto logger = std::make_shared<spdlog::logger>(std::string(component), loggers.sink);
  logger->set_level(loggers.level);
  loggers.by_component.emplace(std::string(component), logger);
  return logger;
}

void RegisterSecret(std::string_view value) {
  if (value.size() < 4) return;
  Secrets().Add(std::string(value));
  if (std::string encoded = PercentEncoded(value); encoded != value) Secrets().Add(std::move(encoded));
}

std::string RedactSecrets(std::string_view text) {
  std::vector<Range> ranges;
  Secrets().Find(text, ranges);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  FindKeyValues(lower, ranges);
  FindBearerTokens(lower, ranges);
  FindSlackWebhooks(lower, ranges);
  FindUrlPasswords(lower, ranges);
  if (ranges.empty()) return std::string(text);

  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < ranges.size();) {
    // Overlapping and touching ranges become one mask.
    const std::size_t begin = ranges[i].begin;
    std::size_t end = ranges[i].end;
    for (++i; i < ranges.size() && ranges[i].begin <= end; ++i) end = std::max(end, ranges[i].end);
    out.append(text.substr(copied, begin - copied));
    out += kMask;
    copied = end;
  }
  out.append(text.substr(copied));
  return out;
}

bool JournalStreamMatches(std::string_view journal_stream, int fd) {
  const auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0, inode = 0;
  const char* first = journal_stream.data();
  const char* last = first + journal_stream.size();
  if (auto r = std::from_chars(first, first + colon, device); r.ec != std::errc() || r.ptr != first + colon)
    return false;
  if (auto r = std::from_chars(first + colon + 1, last, inode); r.ec != std::errc() || r.ptr != last) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device && static_cast<unsigned long long>(st.st_ino) == inode;
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  return stream != nullptr && JournalStreamMatches(stream, STDERR_FILENO);
}

}  // namespace odziv::daemon
