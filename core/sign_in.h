// Sign-in records: a browser session (cookie) and an API token (scripts), as the Store keeps them. Neither
// carries its secret: the store holds only the SHA-256 of a session's or token's text, so a copy of the
// database lets nobody sign in. daemon/auth.h makes and checks them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/timestamp.h"

namespace odziv {

struct Session {
  std::int64_t id = 0;  // assigned by storage
  std::int64_t user_id = 0;
  // Sent back in the X-CSRF-Token header of every unsafe request made with the session's cookie. Not a
  // credential on its own (the cookie is), so it is stored as it is.
  std::string csrf_token;
  Timestamp created_at{};
  Timestamp last_seen_at{};             // updated at most once a minute: idle expiry is that coarse
  Timestamp expires_at{};               // the absolute end, however active the session is
  std::optional<Timestamp> revoked_at;  // signed out, password changed, user removed
  std::string remote_address;           // where it was signed in from, for people reviewing their sessions
  std::string user_agent;
};

struct ApiToken {
  std::int64_t id = 0;  // assigned by storage
  std::int64_t user_id = 0;
  std::string name;    // the owner's label ("nightly report")
  std::string prefix;  // the first 8 characters after "odz_": enough to recognise a token, not to use it
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at;  // updated at most once a minute
  std::optional<Timestamp> revoked_at;
};

}  // namespace odziv
