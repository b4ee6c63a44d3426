// EmailNotifier: alerts as email over SMTP (libcurl), with STARTTLS or implicit TLS and authentication.
// Each message has a plain-text and an HTML part, proper headers (Date, Message-ID, MIME), the brand's
// name in the subject, and List-Unsubscribe on digests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/timestamp.h"
#include "responders/notifier.h"

namespace odziv::responders {

enum class SmtpSecurity {
  kStartTls,  // smtp://host:587, upgraded with STARTTLS; refused if the server cannot (the default)
  kTls,       // smtps://host:465, TLS from the first byte
  kNone,      // plain SMTP: only for a relay on the same machine (tests, a local MTA)
};

struct EmailSettings {
  std::string host;
  int port = 587;
  SmtpSecurity security = SmtpSecurity::kStartTls;
  std::string username;   // empty: no authentication
  std::string password;   // resolved from its reference; never logged
  std::string from;       // "odziv <alerts@example.org>" or a bare address
  std::vector<std::string> to;
  // For digests: a mailto: or https: URL people can unsubscribe with (List-Unsubscribe).
  std::string unsubscribe_url;
  std::chrono::seconds timeout{30};
};

// The whole RFC 5322 message (CRLF line ends) for `alert`, dated `now` (pure; tested exactly).
// The Message-ID derives from the alert's dedup key, so a repeat after a crash is one thread in mail clients.
std::string ComposeEmail(const Alert& alert, const EmailSettings& settings, Timestamp now);

// Errors: kUnauthenticated (login refused), kUnavailable (cannot connect, timeout, temporary 4xx),
// kFailedPrecondition (a recipient or the message refused), kConfig (TLS required but not offered).
std::unique_ptr<Notifier> MakeEmailNotifier(EmailSettings settings, const Clock& clock);

}  // namespace odziv::responders
