// Signing in to the HTTP API and the web app (docs/api.md, "Signing in"). StoreAuthenticator finds the
// principal of each request from the session cookie or an API token kept in the Store; AddAuthRoutes adds
// the session, users and tokens routes under /api/v1.
//
// Browsers sign in with a login and password (POST /api/v1/session) and get the cookie `odziv_session`
// (HttpOnly, SameSite=Strict) and a CSRF token; every unsafe request made with the cookie must send that
// token in X-CSRF-Token, and, when it carries an Origin header, come from the daemon's own origin. Scripts
// send "Authorization: Bearer odz_…" instead and need neither. Session and token texts are random 256-bit
// values; the store keeps only their SHA-256, and every request looks them up again, so that a revoked
// session or token stops working at once.
//
// Passwords are verified on the authenticator's own worker threads (Argon2id takes ~0.1 s and 64 MiB), never
// on the HTTP server's I/O threads; the sign-in answer is deferred until the worker is done.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/sign_in.h"
#include "core/store.h"
#include "daemon/auth_options.h"
#include "daemon/http_router.h"
#include "daemon/principal.h"
#include "daemon/sign_in_limiter.h"

namespace odziv::daemon {

inline constexpr std::string_view kSessionCookie = "odziv_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
inline constexpr std::string_view kApiTokenPrefix = "odz_";

// Who sent a request, and through what: the session (cookie) or the API token.
struct Identity {
  Principal principal;
  std::optional<Session> session;
  std::optional<ApiToken> token;
};

// The outcome of a good login and password.
struct SignedIn {
  Principal principal;
  Session session;
  std::string session_token;  // the cookie's value; shown to the browser once, never stored
};

struct SignInAttempt {
  std::string login;
  std::string password;  // wiped by SignIn once checked
  std::string remote_address;
  std::string user_agent;
};

// A new API token: its text (shown once) and what the store keeps.
struct NewApiToken {
  std::string text;  // "odz_" + 43 characters
  ApiToken token;
};

// Mints an API token for the user named `name` (1 to 100 characters): the text is returned once, the store
// keeps its hash and the first 8 characters after "odz_". kNotFound for an unknown user.
[[nodiscard]] Result<NewApiToken> MintApiToken(Store& store, std::int64_t user_id, std::string_view name,
                                               Timestamp now);

// Random 32 bytes as unpadded base64url (43 characters): session cookies, CSRF tokens, API tokens.
std::string RandomToken();
// The SHA-256 of a session's or token's text as 64 hex digits: what the store keeps and looks up.
std::string TokenHash(std::string_view text);

// Thread-safe. The store and clock outlive it. Destruction stops the sign-in workers; jobs still queued get
// their `cancelled` call (the routes answer those 503, "the daemon is stopping"). Those answers go out
// through the HTTP server's connections, so destroy the authenticator before the server (declare it after).
// The router's auth handlers must not run once it is gone: stop the server first.
class StoreAuthenticator final : public Authenticator {
 public:
  StoreAuthenticator(Store& store, const Clock& clock, AuthOptions options = {});
  ~StoreAuthenticator() override;
  StoreAuthenticator(const StoreAuthenticator&) = delete;
  StoreAuthenticator& operator=(const StoreAuthenticator&) = delete;

  // kUnauthenticated: no credentials, an unknown, expired or revoked session or token, a disabled user.
  // kPermissionDenied: an unsafe method with the cookie but without the right X-CSRF-Token, or from another
  // Origin than the Host it was sent to.
  [[nodiscard]] Result<Principal> Authenticate(const ServerRequest& request) override;
  // The same, with the session or token it came through.
  [[nodiscard]] Result<Identity> Identify(const ServerRequest& request);

  // The principal of `user`: an instance admin gets "admin" in every brand the store has now.
  [[nodiscard]] Result<Principal> PrincipalOf(User user, Principal::Via via);

  // Checks the login and password and starts a session. Slow (one Argon2id verification, also for unknown
  // logins); called on a sign-in worker. kUnauthenticated with one message for a wrong login or password,
  // a user without a password, and a disabled user; kRateLimited (retry_after set) while the limiter
  // refuses. Each outcome is an audit event; failures are logged once with the login and address.
  [[nodiscard]] Result<SignedIn> SignIn(SignInAttempt attempt);
  // Runs `work` on a sign-in worker (password hashing of any kind belongs there). Returns false, running
  // nothing, when the queue is full or the authenticator is stopping. When it stops before the job's turn,
  // `cancelled` runs instead (on the destroying thread), so that a deferred answer is always sent.
  bool RunOnWorker(std::function<void()> work, std::function<void()> cancelled);

  SignInLimiter& limiter() { return limiter_; }
  const AuthOptions& options() const { return options_; }
  Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

 private:
  struct Job {
    std::function<void()> work;
    std::function<void()> cancelled;
  };
  Result<Identity> FromToken(std::string_view text);
  Result<Identity> LookUpToken(const std::string& hash, Timestamp now);
  Result<Identity> FromSession(const ServerRequest& request, std::string_view token);
  void Work();

  Store& store_;
  const Clock& clock_;
  const AuthOptions options_;
  SignInLimiter limiter_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> workers_;

  // API tokens found valid lately, by their hash: a script polling the API is then not looked up (token,
  // user, roles) on every request. An entry is used only while the store's data generation is the one it was
  // read at, so a revoked token, a disabled user or a changed role is refused at once, and for at most
  // kKnownTokenAge.
  struct KnownToken {
    StoreGeneration generation;
    Timestamp checked_at;
    Identity identity;
  };
  std::mutex known_mu_;
  std::map<std::string, KnownToken, std::less<>> known_tokens_;  // guarded by known_mu_
};

// Adds, under /api/v1:
//   POST/GET/DELETE /session                     sign in, who am I, sign out
//   GET/POST /users, GET/PATCH/DELETE /users/{login}, POST /users/{login}/password
//   GET/POST /tokens, DELETE /tokens/{id}         the principal's own API tokens
// Everything passed outlives the router.
void AddAuthRoutes(HttpRouter& router, Store& store, StoreAuthenticator& auth, const Clock& clock);

}  // namespace odziv::daemon
