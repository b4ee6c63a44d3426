// Password hashing for sign-in: Argon2id through libsodium at its "interactive" cost (about 0.1 s and
// 64 MiB per hash), in the self-describing string form crypto_pwhash_str writes, so the cost can be raised
// later and old hashes upgraded at the next sign-in (PasswordNeedsRehash). Hashing is slow on purpose: the
// HTTP sign-in runs it on its own worker threads (daemon/auth.h), never on an I/O thread.
//
// Passwords pass through here as string_views; this file keeps no copy beyond the buffers libsodium needs,
// and wipes those. Nothing here logs.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace odziv::daemon {

// The rules every new password must meet: at least 10 characters (code points, counted from UTF-8) and at
// most 1024 bytes. kInvalidArgument with a message that says which rule failed.
[[nodiscard]] Status CheckPasswordRules(std::string_view password);

// An Argon2id hash of `password` ("$argon2id$v=19$m=…"). kInvalidArgument when the rules fail; kUnavailable
// when the machine has not the memory for it right now.
[[nodiscard]] Result<std::string> HashPassword(std::string_view password);

// Whether `password` matches `hash`. False for an empty or malformed hash. Takes the hashing time in every
// case where the hash is well-formed.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Whether `hash` was made with other parameters than HashPassword uses now (re-hash after a successful
// sign-in).
bool PasswordNeedsRehash(std::string_view hash);

// A valid hash of a password nobody knows, made once per process: unknown logins are verified against it so
// that they take as long as known ones and timing does not tell which logins exist.
const std::string& DummyPasswordHash();

// Initialises libsodium once per process; safe from any thread. Every function here calls it.
void EnsureSodium();

}  // namespace odziv::daemon
