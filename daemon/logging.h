// Logging: one named spdlog logger per component ("scheduler", "store", "http", "x" …), all writing through
// one sink to stderr, which systemd hands to the journal. Every line passes a redaction layer first, so
// credentials never reach a log line, at any level.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::daemon {

// How a line is written. Whatever the format, when stderr is the journal every line starts with its
// syslog priority ("<3>" error … "<7>" debug, sd-daemon.h), which journald strips and records.
enum class LogFormat {
  kAuto,  // under the journal "<6>scheduler: msg" (the journal adds the time); otherwise like kText
  kText,  // "2026-11-23T13:44:13.123Z info  scheduler: msg", time in UTC
  kJson,  // {"ts":"2026-11-23T13:44:13.123Z","level":"info","component":"scheduler","msg":"…"}
};

// "auto", "text", "json" → the format. Errors: kConfig naming the accepted values.
[[nodiscard]] Result<LogFormat> ParseLogFormat(std::string_view name);

struct LogOptions {
  // Lines below this level are dropped: trace, debug, info, warn (or warning), error, critical, off.
  // info by default: one line per poll, case and delivery is what an operator reads; debug is for bugs.
  std::string level = "info";
  LogFormat format = LogFormat::kAuto;
  // Receives every finished line, '\n' included, one at a time. Empty: write to stderr (the daemon).
  // Tests capture lines here.
  std::function<void(std::string_view line)> write_line;
  // Whether stderr is the journal. Unset: decided by StderrIsJournal(). Tests force it.
  std::optional<bool> journal;
};

// Applies `options` to the shared sink and to every logger, those made before and after; also makes
// Logger("odziv") spdlog's default logger and registers every secret that core's ResolveSecret resolves
// from now on (call it before resolving any). May be called again, e.g. on reload; safe while other
// threads log. Errors: kConfig when the level is unknown (nothing is changed then).
[[nodiscard]] Status SetUpLogging(const LogOptions& options);

// The logger of one component, made on first use and shared afterwards (an empty name means "odziv").
// Usable before SetUpLogging (info level, kAuto, stderr). Thread-safe; never null.
std::shared_ptr<spdlog::logger> Logger(std::string_view component);

// Adds a value that must never appear in a log line: every occurrence (and its URL-encoded form) is
// replaced by "[redacted]" from now on. Connectors call it for credentials they obtain at run time
// (OAuth access tokens, say); values from ResolveSecret are registered automatically. Values shorter
// than 4 bytes are ignored: masking them would garble ordinary words and protect nothing. Thread-safe.
void RegisterSecret(std::string_view value);

// `text` with registered secrets and credential patterns replaced by "[redacted]": the value after
// "Bearer ", the value of an Authorization header, of access_token, refresh_token, id_token,
// client_secret, password, passwd, api_key, apikey, token and secret in "k=v", "k: v" and "\"k\":\"v\""
// forms (any case), the path of hooks.slack.com/services/ URLs and the password in "scheme://user:pass@".
// The log sink applies it to every message; other outputs that may echo remote text (error bodies in the
// API, say) can use it too. Thread-safe.
std::string RedactSecrets(std::string_view text);

// Whether stderr is connected to the journal: $JOURNAL_STREAM holds "<device>:<inode>" of that stream,
// as systemd documents, and fd 2 still has that device and inode (not redirected since).
bool StderrIsJournal();

// The comparison behind StderrIsJournal for any descriptor, for tests: `journal_stream` as in
// $JOURNAL_STREAM. False when it does not parse or `fd` cannot be examined.
bool JournalStreamMatches(std::string_view journal_stream, int fd);

}  // namespace odziv::daemon
