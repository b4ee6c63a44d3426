#include "daemon/auth.h"

#include <cpprest/json.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "daemon/logging.h"
#include "daemon/password_hash.h"

namespace odziv::daemon {
namespace {

// One message for every reason a login and password are refused, so that the answer does not tell which
// logins exist, which have passwords or which are disabled.
constexpr std::string_view kWrongLogin = "wrong login or password";

// The store writes a session's or token's last use at most this often; asking more often only locks.
constexpr std::chrono::minutes kTouchInterval{1};
// How long a token found valid is believed without looking it up again (when nothing was written meanwhile),
// and how many such tokens are remembered.
constexpr std::chrono::seconds kKnownTokenAge{1};
constexpr std::size_t kKnownTokens = 1024;

bool IsUnsafe(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of cookie `name` in a Cookie header ("a=1; odziv_session=xyz").
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) return Trim(pair.substr(eq + 1));
  }
  return std::nullopt;
}

// Whether the Origin header names the host the request was sent to ("https://odziv.example:8443" against
// Host "odziv.example:8443"). The scheme is not compared: behind a TLS proxy the daemon sees plain HTTP.
bool OriginMatchesHost(std::string_view origin, std::string_view host) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view origin_host = origin.substr(scheme_end + 3);
  if (const auto slash = origin_host.find('/'); slash != std::string_view::npos)
    origin_host = origin_host.substr(0, slash);
  return !host.empty() && Lower(origin_host) == Lower(Trim(host));
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error Unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), std::nullopt};
}

}  // namespace

Status CheckAuthOptions(const AuthOptions& options) {
  std::vector<std::string> problems;
  if (options.idle_timeout < std::chrono::minutes(1))
    problems.emplace_back("the session idle timeout must be at least 1 minute");
  if (options.absolute_lifetime < options.idle_timeout)
    problems.emplace_back("the session lifetime must be at least the idle timeout");
  if (options.sign_in_threads < 1 || options.sign_in_threads > 8)
    problems.emplace_back("sign-in threads must be 1 to 8");
  if (options.sign_in_queue < 1) problems.emplace_back("the sign-in queue must hold at least 1");
  if (options.limits.failures_per_login < 1 || options.limits.failures_per_address < 1)
    problems.emplace_back("sign-in failure limits must be at least 1");
  if (options.limits.window < std::chrono::seconds(1))
    problems.emplace_back("the sign-in limit window must be at least 1 s");
  if (options.limits.max_entries < 1) problems.emplace_back("the sign-in limiter must track at least 1 key");
  if (problems.empty()) return {};
  std::string message;
  for (const auto& p : problems) message += fmt::format("{}{}", message.empty() ? "" : "; ", p);
  return Fail(ErrorCode::kConfig, message);
}

std::string RandomToken() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  std::string out(text);
  sodium_memzero(text, sizeof text);
  return out;
}

std::string TokenHash(std::string_view text) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

StoreAuthenticator::StoreAuthenticator(Store& store, const Clock& clock, AuthOptions options)
    : store_(store), clock_(clock), options_(options), limiter_(options.limits) {
  EnsureSodium();
  (void)DummyPasswordHash();  // made now, so that the first unknown login takes no longer than the rest
  const int threads = std::clamp(options_.sign_in_threads, 1, 8);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

StoreAuthenticator::~StoreAuthenticator() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  for (Job& job : left)
    if (job.cancelled) job.cancelled();
}

bool StoreAuthenticator::RunOnWorker(std::function<void()> work, std::function<void()> cancelled) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.sign_in_queue) return false;
    queue_.push_back(Job{std::move(work), std::move(cancelled)});
  }
  wake_.notify_one();
  return true;
}

void StoreAuthenticator::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // the destructor cancels what is left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.work();
  }
}

Result<SignedIn> StoreAuthenticator::SignIn(SignInAttempt attempt) {
  static auto log = Logger("auth");
  // The password is wiped however this returns.
  struct Wipe {
    std::string& text;
    ~Wipe() { sodium_memzero(text.data(), text.size()); }
  } wipe{attempt.password};

  const Timestamp started = clock_.Now();
  if (auto wait = limiter_.RetryAfter(attempt.login, attempt.remote_address, started)) {
    return Fail(Error{ErrorCode::kRateLimited,
                      fmt::format("too many failed sign-ins; try again in {} s", wait->count()), *wait});
  }

  auto audit = [&](std::optional<std::int64_t> user_id, std::string_view action, std::string_view reason) {
    web::json::value details = web::json::value::object();
    details["remote_address"] = web::json::value::string(attempt.remote_address);
    if (!reason.empty()) details["reason"] = web::json::value::string(std::string(reason));
    AuditEvent event;
    event.at = clock_.Now();
    event.user_id = user_id;
    // A login as typed may be anything; audit keeps a bounded copy.
    event.actor = attempt.login.substr(0, 64);
    event.action = std::string(action);
    event.subject = user_id ? fmt::format("user:{}", *user_id) : std::string();
    event.details = details.serialize();
    if (auto written = store_.RecordAuditEvent(event); !written)
      log->error("could not record the sign-in audit event: {}", Describe(written.error()));
  };
  auto refuse = [&](std::optional<std::int64_t> user_id, std::string_view reason) -> Result<SignedIn> {
    limiter_.RecordFailure(attempt.login, attempt.remote_address, clock_.Now());
    log->warn("sign-in refused for login '{}' from {}: {}", attempt.login.substr(0, 64), attempt.remote_address,
              reason);
    audit(user_id, "session.sign_in_failed", reason);
    return Fail(Unauthenticated(std::string(kWrongLogin)));
  };

  auto user = store_.GetUser(attempt.login);
  if (!user && user.error().code != ErrorCode::kNotFound) return Fail(user.error());
  std::string hash;
  if (user) {
    auto stored = store_.GetPasswordHash(user->id);
    if (!stored) return Fail(stored.error());
    hash = std::move(*stored);
  }
  // Every path verifies one hash, so that unknown logins and users without a password take as long.
  const bool has_hash = !hash.empty();
  const bool matches = VerifyPassword(has_hash ? hash : DummyPasswordHash(), attempt.password) && has_hash;
  if (!user) return refuse(std::nullopt, "unknown login");
  if (!has_hash) return refuse(user->id, "the user has no password");
  if (!matches) return refuse(user->id, "wrong password");
  if (user->disabled) return refuse(user->id, "the user is disabled");

  limiter_.RecordSuccess(attempt.login);
  if (PasswordNeedsRehash(hash)) {
    // Upgrading is a courtesy: a failure leaves the old hash, which still works.
    if (auto upgraded = HashPassword(attempt.password); upgraded) {
      if (auto set = store_.SetPasswordHash(user->id, *upgraded, false, std::nullopt, clock_.Now()); !set)
        log->warn("could not store the upgraded password hash of '{}': {}", user->login, Describe(set.error()));
    }
  }

  const Timestamp now = clock_.Now();
  Session session;
  session.user_id = user->id;
  session.csrf_token = RandomToken();
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.absolute_lifetime);
  session.remote_address = attempt.remote_address;
  session.user_agent = attempt.user_agent.substr(0, 512);
  std::string token = RandomToken();
  auto stored = store_.CreateSession(session, TokenHash(token));
  if (!stored) return Fail(stored.error());
  auto principal = PrincipalOf(*user, Principal::Via::kSession);
  if (!principal) return Fail(principal.error());
  audit(user->id, "session.sign_in", "");
  log->info("'{}' signed in from {}", user->login, attempt.remote_address);
  return SignedIn{std::move(*principal), std::move(*stored), std::move(token)};
}

Result<Principal> StoreAuthenticator::PrincipalOf(User user, Principal::Via via) {
  Principal principal;
  principal.instance_admin = user.instance_admin && !user.disabled;
  principal.via = via;
  if (principal.instance_admin) {
    auto brands = store_.ListBrands();
    if (!brands) return Fail(brands.error());
    for (const Brand& brand : *brands) user.brand_roles[brand.id] = "admin";
  }
  principal.user = std::move(user);
  return principal;
}

Result<Principal> StoreAuthenticator::Authenticate(const ServerRequest& request) {
  auto identity = Identify(request);
  if (!identity) return Fail(identity.error());
  return std::move(identity->principal);
}

Result<Identity> StoreAuthenticator::Identify(const ServerRequest& request) {
  if (auto authorization = request.Header("Authorization")) {
    std::string_view value = Trim(*authorization);
    constexpr std::string_view kBearer = "Bearer ";
    if (value.size() <= kBearer.size() || Lower(value.substr(0, kBearer.size())) != Lower(kBearer))
      return Fail(Unauthenticated("the Authorization header must be 'Bearer odz_…' with an API token"));
    return FromToken(Trim(value.substr(kBearer.size())));
  }
  if (auto cookies = request.Header("Cookie")) {
    if (auto token = CookieValue(*cookies, kSessionCookie); token && !token->empty())
      return FromSession(request, *token);
  }
  return Fail(Unauthenticated("sign in first: the request has no session cookie and no API token"));
}

Result<Identity> StoreAuthenticator::FromToken(std::string_view text) {
  const Error refused = Unauthenticated("the API token is not valid: it is unknown or was revoked");
  if (!text.starts_with(kApiTokenPrefix)) return Fail(refused);
  const std::string hash = TokenHash(text);
  // Taken before the token is read: a write in between makes the entry stale at once, never too fresh.
  auto generation = store_.DataGeneration();
  if (!generation) return Fail(generation.error());
  const Timestamp now = clock_.Now();
  {
    std::lock_guard lock(known_mu_);
    if (auto known = known_tokens_.find(hash); known != known_tokens_.end()) {
      const KnownToken& entry = known->second;
      if (entry.generation == *generation && now >= entry.checked_at && now - entry.checked_at < kKnownTokenAge)
        return entry.identity;
    }
  }
  auto identity = LookUpToken(hash, now);
  if (!identity) return identity;
  std::lock_guard lock(known_mu_);
  if (known_tokens_.size() >= kKnownTokens) known_tokens_.clear();
  known_tokens_.insert_or_assign(hash, KnownToken{*generation, now, *identity});
  return identity;
}

Result<Identity> StoreAuthenticator::LookUpToken(const std::string& hash, Timestamp now) {
  const Error refused = Unauthenticated("the API token is not valid: it is unknown or was revoked");
  auto token = store_.FindApiToken(hash);
  if (!token) return Fail(token.error().code == ErrorCode::kNotFound ? refused : token.error());
  if (token->revoked_at) return Fail(refused);
  auto user = store_.GetUserById(token->user_id);
  if (!user) return Fail(user.error().code == ErrorCode::kNotFound ? refused : user.error());
  if (user->disabled) return Fail(Unauthenticated("the API token's user is disabled"));
  // Most requests find the last use recent enough: skipping the UPDATE then keeps reads from taking the
  // database's write lock.
  if ((!token->last_used_at || now - *token->last_used_at >= kTouchInterval))
    if (auto touched = store_.TouchApiToken(token->id, now); !touched) {
      static auto log = Logger("auth");
      log->warn("could not record the use of API token {}: {}", token->id, Describe(touched.error()));
    }
  auto principal = PrincipalOf(std::move(*user), Principal::Via::kToken);
  if (!principal) return Fail(principal.error());
  return Identity{std::move(*principal), std::nullopt, std::move(*token)};
}

Result<Identity> StoreAuthenticator::FromSession(const ServerRequest& request, std::string_view text) {
  const Error refused = Unauthenticated("your session has ended; sign in again");
  auto session = store_.FindSession(TokenHash(text));
  if (!session) return Fail(session.error().code == ErrorCode::kNotFound ? refused : session.error());
  const Timestamp now = clock_.Now();
  if (session->revoked_at || now >= session->expires_at ||
      now >= session->last_seen_at + std::chrono::duration_cast<std::chrono::milliseconds>(options_.idle_timeout))
    return Fail(refused);
  if (IsUnsafe(request.method)) {
    if (auto origin = request.Header("Origin");
        origin && !OriginMatchesHost(*origin, request.Header("Host").value_or(""))) {
      return Fail(
          ErrorCode::kPermissionDenied,
          fmt::format(
              "requests from origin '{}' are refused: the web app must be opened from this server's own address",
              *origin));
    }
    auto csrf = request.Header(kCsrfHeader);
    if (!csrf || !SameSecret(*csrf, session->csrf_token))
      return Fail(
          ErrorCode::kPermissionDenied,
          "this request needs the session's CSRF token in the X-CSRF-Token header (GET /api/v1/session gives it)");
  }
  auto user = store_.GetUserById(session->user_id);
  if (!user) return Fail(user.error().code == ErrorCode::kNotFound ? refused : user.error());
  if (user->disabled) return Fail(refused);
  if (now - session->last_seen_at >= kTouchInterval)
    if (auto touched = store_.TouchSession(session->id, now); !touched) {
      static auto log = Logger("auth");
      log->warn("could not record the use of session {}: {}", session->id, Describe(touched.error()));
    }
  auto principal = PrincipalOf(std::move(*user), Principal::Via::kSession);
  if (!principal) return Fail(principal.error());
  return Identity{std::move(*principal), std::move(*session), std::nullopt};
}

Result<NewApiToken> MintApiToken(Store& store, std::int64_t user_id, std::string_view name, Timestamp now) {
  if (name.empty() || name.size() > 100)
    return Fail(ErrorCode::kInvalidArgument, "a token's name must be 1 to 100 characters");
  std::string text = std::string(kApiTokenPrefix) + RandomToken();
  ApiToken token;
  token.user_id = user_id;
  token.name = std::string(name);
  token.prefix = text.substr(kApiTokenPrefix.size(), 8);
  token.created_at = now;
  auto stored = store.CreateApiToken(token, TokenHash(text));
  if (!stored) return Fail(stored.error());
  return NewApiToken{std::move(text), std::move(*stored)};
}

}  // namespace odziv::daemon
