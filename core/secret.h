// Secrets: sources and routes name their credentials by reference, never by value, so that the database,
// config exports and logs never hold a token. A reference is one of
//   env:NAME                 the environment variable NAME
//   file:/path/to/file       the whole file, trailing newline removed
//   file:/path/to/file#KEY   the value of KEY=... in an env-style file (systemd EnvironmentFile format)
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv {

// Resolves a reference. Errors: kConfig when the reference is malformed or names a missing variable, file
// or key (the message names the reference, never a value). Every value resolved is first passed to the
// secret observer, if one is set.
[[nodiscard]] Result<std::string> ResolveSecret(std::string_view reference);

// Sets the function that ResolveSecret hands each resolved value to (the daemon registers them with its
// log redaction, so that a credential cannot reach a log line even at debug level). An empty function
// removes it. Thread-safe; the observer may be called from several threads at once.
void SetSecretObserver(std::function<void(std::string_view)> observer);

// True when `value` looks like a reference rather than a pasted secret.
bool IsSecretReference(std::string_view value);

// For log lines: keeps the first 4 characters of short-lived identifiers and hides the rest.
std::string Redact(std::string_view secret);

}  // namespace odziv
