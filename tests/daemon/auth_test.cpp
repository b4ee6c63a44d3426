// Signing in: password hashing, sessions and their expiry, CSRF and Origin checks, API tokens, the sign-in
// rate limit, and who may see and change which users. Routes go through HttpRouter::Dispatch without
// sockets; deferred answers (sign-in, password changes) are collected from their callback.
#include "daemon/auth.h"

#include <cpprest/json.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <sstream>

#include "core/clock.h"
#include "daemon/command.h"
#include "daemon/daemon_config.h"
#include "daemon/password_hash.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using web::json::value;

namespace {

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);
constexpr std::string_view kPassword = "correct horse battery";

// Hashing costs ~0.1 s, so every fixture user shares one hash made once.
const std::string& SharedHash() {
  static const std::string hash = HashPassword(kPassword).value();
  return hash;
}

struct Signed {
  std::string cookie;  // "odziv_session=…", as a browser sends it back
  std::string csrf;
};

struct Fixture {
  fs::path dir;
  FakeClock clock{kT0};
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<StoreAuthenticator> auth;
  HttpRouter router;
  Brand zrno, kava;

  explicit Fixture(AuthOptions options = Small()) {
    std::random_device random;
    dir = fs::temp_directory_path() / ("odziv-auth-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(dir);
    SqliteStoreOptions store_options;
    store_options.path = dir / "odziv.db";
    store_options.clock = &clock;
    store = std::move(SqliteStore::Open(store_options).value());
    zrno = AddBrand("zrno");
    kava = AddBrand("kava");
    AddUser("root", {}, true);
    AddUser("lea", {{zrno.id, "lead"}});
    AddUser("ana", {{zrno.id, "agent"}});
    AddUser("ko", {{kava.id, "agent"}});
    AddUser("both", {{zrno.id, "agent"}, {kava.id, "viewer"}});
    auth = std::make_unique<StoreAuthenticator>(*store, clock, options);
    AddAuthRoutes(router, *store, *auth, clock);
  }
  ~Fixture() {
    auth.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  static AuthOptions Small() {
    AuthOptions options;
    options.sign_in_threads = 1;
    return options;
  }

  Brand AddBrand(std::string slug) {
    Brand b;
    b.slug = slug;
    b.name = slug;
    return store->AddBrand(b).value();
  }

  User AddUser(std::string login, std::map<std::int64_t, std::string> roles, bool admin = false) {
    User u;
    u.login = login;
    u.name = login;
    u.brand_roles = std::move(roles);
    u.instance_admin = admin;
    User added = store->AddUser(u).value();
    REQUIRE(store->SetPasswordHash(added.id, SharedHash(), false, std::nullopt, clock.Now()));
    return added;
  }

  // Dispatches and, for a deferred answer, waits for the worker to give it.
  ServerResponse Send(ServerRequest request) {
    if (request.remote_address.empty()) request.remote_address = "127.0.0.1";
    ServerResponse response = router.Dispatch(std::move(request));
    if (!response.deferred) return response;
    std::promise<ServerResponse> ready;
    auto answer = ready.get_future();
    response.deferred([&ready](ServerResponse r) { ready.set_value(std::move(r)); });
    return answer.get();
  }

  ServerResponse PostSession(std::string login, std::string_view password, std::string address = "127.0.0.1") {
    value body = value::object();
    body["login"] = value::string(login);
    body["password"] = value::string(std::string(password));
    ServerRequest r;
    r.method = "POST";
    r.path = "/api/v1/session";
    r.body = body.serialize();
    r.remote_address = std::move(address);
    return Send(std::move(r));
  }

  Signed SignIn(std::string login, std::string_view password = kPassword) {
    ServerResponse r = PostSession(login, password);
    REQUIRE(r.status == 200);
    Signed s;
    for (const auto& [name, text] : r.headers)
      if (name == "Set-Cookie") s.cookie = text.substr(0, text.find(';'));
    s.csrf = value::parse(r.body).at("csrf_token").as_string();
    return s;
  }

  // A request with the session's cookie, and its CSRF token unless `csrf` is false.
  ServerResponse AsSession(const Signed& s, std::string method, std::string path, std::string body = "",
                           bool csrf = true, std::optional<std::string> origin = std::nullopt) {
    ServerRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers.emplace_back("Cookie", "theme=dark; " + s.cookie);
    r.headers.emplace_back("Host", "odziv.example:8080");
    if (csrf) r.headers.emplace_back("X-CSRF-Token", s.csrf);
    if (origin) r.headers.emplace_back("Origin", *origin);
    return Send(std::move(r));
  }

  ServerResponse AsToken(const std::string& token, std::string method, std::string path, std::string body = "") {
    ServerRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers.emplace_back("Authorization", "Bearer " + token);
    return Send(std::move(r));
  }

  std::string FileBytes() {
    std::string all;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }
};

value Json(const ServerResponse& r) { return value::parse(r.body); }

std::string ErrorCodeOf(const ServerResponse& r) { return Json(r).at("error").at("code").as_string(); }

std::optional<std::string> HeaderOf(const ServerResponse& r, std::string_view name) {
  for (const auto& [key, text] : r.headers)
    if (key == name) return text;
  return std::nullopt;
}

}  // namespace

TEST_CASE("Passwords hash with Argon2id, verify only with the right text, and old parameters ask for a rehash") {
  auto hash = HashPassword("dugacka lozinka 1");
  REQUIRE(hash);
  CHECK(hash->starts_with("$argon2id$"));
  CHECK(VerifyPassword(*hash, "dugacka lozinka 1"));
  CHECK_FALSE(VerifyPassword(*hash, "dugacka lozinka 2"));
  CHECK_FALSE(VerifyPassword("", "dugacka lozinka 1"));
  CHECK_FALSE(PasswordNeedsRehash(*hash));
  CHECK(*HashPassword("dugacka lozinka 1") != *hash);  // salted

  char weaker[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str(weaker, "dugacka lozinka 1", 17, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) ==
          0);
  CHECK(PasswordNeedsRehash(weaker));
  CHECK(VerifyPassword(weaker, "dugacka lozinka 1"));

  CHECK(HashPassword("short").error().message.find("at least 10 characters") != std::string::npos);
  CHECK(CheckPasswordRules("čćžšđčćžšđ"));  // ten characters, twenty bytes
  CHECK(CheckPasswordRules(std::string(1025, 'x')).error().message.find("at most 1024 bytes") != std::string::npos);
}

TEST_CASE("Signing in sets an HttpOnly SameSite cookie and gives the CSRF token; the session names the user") {
  Fixture f;
  ServerResponse r = f.PostSession("lea", kPassword);
  REQUIRE(r.status == 200);
  const auto cookie = HeaderOf(r, "Set-Cookie");
  REQUIRE(cookie);
  CHECK(cookie->starts_with("odziv_session="));
  CHECK(cookie->find("; HttpOnly; SameSite=Strict; Path=/") != std::string::npos);
  CHECK(cookie->find("Secure") == std::string::npos);
  value body = Json(r);
  CHECK(body.at("user").at("login").as_string() == "lea");
  CHECK(body.at("csrf_token").as_string().size() == 43);

  Signed s = f.SignIn("lea");
  ServerResponse me = f.AsSession(s, "GET", "/api/v1/session", "", /*csrf=*/false);
  REQUIRE(me.status == 200);
  value session = Json(me);
  CHECK(session.at("via").as_string() == "session");
  CHECK(session.at("csrf_token").as_string() == s.csrf);
  CHECK(session.at("user").at("instance_admin").as_bool() == false);
  REQUIRE(session.at("user").at("brands").size() == 1);
  CHECK(session.at("user").at("brands").at(0).at("slug").as_string() == "zrno");
  CHECK(session.at("user").at("brands").at(0).at("role").as_string() == "lead");

  // Behind a TLS proxy the cookie is Secure.
  ServerRequest secure;
  secure.method = "POST";
  secure.path = "/api/v1/session";
  secure.body = R"({"login":"lea","password":"correct horse battery"})";
  secure.headers.emplace_back("X-Forwarded-Proto", "https");
  CHECK(HeaderOf(f.Send(secure), "Set-Cookie")->find("; Secure") != std::string::npos);
  // So it is over the daemon's own TLS, with no proxy header.
  ServerRequest direct = secure;
  direct.headers.clear();
  direct.tls = true;
  CHECK(HeaderOf(f.Send(direct), "Set-Cookie")->find("; Secure") != std::string::npos);

  // Signing out revokes the session and clears the cookie.
  ServerResponse out = f.AsSession(s, "DELETE", "/api/v1/session");
  CHECK(out.status == 204);
  CHECK(HeaderOf(out, "Set-Cookie")->find("Max-Age=0") != std::string::npos);
  CHECK(f.AsSession(s, "GET", "/api/v1/session").status == 401);
}

TEST_CASE("A wrong password, an unknown login and a user without a password get the same 401") {
  Fixture f;
  User nopass;
  nopass.login = "nopass";
  nopass.name = "No Password";
  REQUIRE(f.store->AddUser(nopass));
  ServerResponse wrong = f.PostSession("lea", "not the password");
  ServerResponse unknown = f.PostSession("nobody", kPassword);
  ServerResponse without = f.PostSession("nopass", kPassword);
  CHECK(wrong.status == 401);
  CHECK(wrong.body == unknown.body);
  CHECK(wrong.body == without.body);
  CHECK(ErrorCodeOf(wrong) == "unauthenticated");
  // Each attempt is audited, without the password.
  auto events = f.store->ListAuditEvents(fmt::format("user:{}", f.store->GetUser("lea")->id)).value();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().action == "session.sign_in_failed");
  CHECK(f.FileBytes().find("not the password") == std::string::npos);
}

TEST_CASE("A session ends after its idle timeout, and after its absolute lifetime however busy it is") {
  Fixture f;
  Signed s = f.SignIn("ana");
  const std::string hash = TokenHash(s.cookie.substr(s.cookie.find('=') + 1));
  f.clock.Advance(std::chrono::seconds(30));
  REQUIRE(f.AsSession(s, "GET", "/api/v1/session").status == 200);
  CHECK(f.store->FindSession(hash)->last_seen_at == kT0);  // written at most once a minute
  f.clock.Advance(std::chrono::seconds(30));
  REQUIRE(f.AsSession(s, "GET", "/api/v1/session").status == 200);
  CHECK(f.store->FindSession(hash)->last_seen_at == kT0 + std::chrono::minutes(1));
  f.clock.Advance(std::chrono::hours(11));
  CHECK(f.AsSession(s, "GET", "/api/v1/session").status == 200);  // touched: the idle clock restarts
  f.clock.Advance(std::chrono::hours(11));
  CHECK(f.AsSession(s, "GET", "/api/v1/session").status == 200);
  f.clock.Advance(std::chrono::hours(12) + std::chrono::seconds(1));
  ServerResponse idle = f.AsSession(s, "GET", "/api/v1/session");
  CHECK(idle.status == 401);
  CHECK(idle.body.find("sign in again") != std::string::npos);

  Signed busy = f.SignIn("ana");
  for (int i = 0; i < 15; ++i) {  // 165 hours, used every 11
    f.clock.Advance(std::chrono::hours(11));
    REQUIRE(f.AsSession(busy, "GET", "/api/v1/session").status == 200);
  }
  f.clock.Advance(std::chrono::hours(3));  // 168 hours: seven days
  CHECK(f.AsSession(busy, "GET", "/api/v1/session").status == 401);
}

TEST_CASE("Unsafe requests with the cookie need the CSRF token and a matching Origin; API tokens need neither") {
  Fixture f;
  Signed s = f.SignIn("ana");
  const std::string body = R"({"name":"report"})";
  ServerResponse no_csrf = f.AsSession(s, "POST", "/api/v1/tokens", body, /*csrf=*/false);
  CHECK(no_csrf.status == 403);
  CHECK(no_csrf.body.find("X-CSRF-Token") != std::string::npos);
  Signed forged = s;
  forged.csrf[0] = forged.csrf[0] == 'A' ? 'B' : 'A';
  CHECK(f.AsSession(forged, "POST", "/api/v1/tokens", body).status == 403);
  CHECK(f.AsSession(s, "POST", "/api/v1/tokens", body, true, "https://evil.example").status == 403);
  CHECK(f.AsSession(s, "POST", "/api/v1/tokens", body, true, "http://odziv.example:8080").status == 201);
  ServerResponse made = f.AsSession(s, "POST", "/api/v1/tokens", body);
  REQUIRE(made.status == 201);
  const std::string token = Json(made).at("token").as_string();
  CHECK(token.starts_with("odz_"));

  ServerResponse with_token = f.AsToken(token, "POST", "/api/v1/tokens", R"({"name":"second"})");
  CHECK(with_token.status == 201);
  ServerResponse me = f.AsToken(token, "GET", "/api/v1/session");
  CHECK(Json(me).at("via").as_string() == "token");
  CHECK(Json(me).at("csrf_token").is_null());
  CHECK(f.AsToken("odz_not-a-token", "GET", "/api/v1/session").status == 401);
  ServerRequest nothing;
  nothing.method = "GET";
  nothing.path = "/api/v1/session";
  CHECK(f.Send(nothing).status == 401);
}

TEST_CASE("A revoked API token is refused at once, and token text is in no list and not in the database") {
  Fixture f;
  Signed s = f.SignIn("ana");
  ServerResponse made = f.AsSession(s, "POST", "/api/v1/tokens", R"({"name":"nightly"})");
  REQUIRE(made.status == 201);
  const std::string token = Json(made).at("token").as_string();
  const std::int64_t id = Json(made).at("id").as_number().to_int64();
  CHECK(f.AsToken(token, "GET", "/api/v1/tokens").status == 200);

  ServerResponse list = f.AsSession(s, "GET", "/api/v1/tokens");
  REQUIRE(list.status == 200);
  CHECK(list.body.find(token) == std::string::npos);
  CHECK(list.body.find(token.substr(4, 8)) != std::string::npos);  // the prefix is shown
  CHECK(Json(list).at("items").size() == 1);
  CHECK(f.FileBytes().find(token) == std::string::npos);
  CHECK(f.FileBytes().find(token.substr(4)) == std::string::npos);

  // Another user cannot revoke it: it is not theirs.
  Signed other = f.SignIn("lea");
  CHECK(f.AsSession(other, "DELETE", fmt::format("/api/v1/tokens/{}", id)).status == 404);
  CHECK(f.AsSession(s, "DELETE", fmt::format("/api/v1/tokens/{}", id)).status == 204);
  CHECK(f.AsToken(token, "GET", "/api/v1/tokens").status == 401);
  CHECK(Json(f.AsSession(s, "GET", "/api/v1/tokens")).at("items").size() == 0);
}

TEST_CASE("A disabled user's sessions and tokens are refused") {
  Fixture f;
  Signed ana = f.SignIn("ana");
  const std::string token = Json(f.AsSession(ana, "POST", "/api/v1/tokens", R"({"name":"x"})")).at("token").as_string();
  CHECK(f.AsToken(token, "GET", "/api/v1/session").status == 200);  // found valid, and remembered as such
  Signed root = f.SignIn("root");
  REQUIRE(f.AsSession(root, "PATCH", "/api/v1/users/ana", R"({"disabled":true})").status == 200);
  CHECK(f.AsSession(ana, "GET", "/api/v1/session").status == 401);
  CHECK(f.AsToken(token, "GET", "/api/v1/session").status == 401);
  CHECK(f.PostSession("ana", kPassword).status == 401);
}

TEST_CASE("Changing a password signs out the user's other sessions; an admin's change signs out all") {
  Fixture f;
  Signed first = f.SignIn("ana");
  Signed second = f.SignIn("ana");
  ServerResponse no_current =
      f.AsSession(first, "POST", "/api/v1/users/ana/password", R"({"password":"a brand new secret"})");
  CHECK(no_current.status == 400);
  ServerResponse wrong_current =
      f.AsSession(first, "POST", "/api/v1/users/ana/password",
                  R"({"current_password":"guess guess guess","password":"a brand new secret"})");
  CHECK(wrong_current.status == 403);
  ServerResponse too_short = f.AsSession(first, "POST", "/api/v1/users/ana/password",
                                         R"({"current_password":"correct horse battery","password":"short"})");
  CHECK(too_short.status == 400);
  ServerResponse changed =
      f.AsSession(first, "POST", "/api/v1/users/ana/password",
                  R"({"current_password":"correct horse battery","password":"a brand new secret"})");
  CHECK(changed.status == 204);
  CHECK(f.AsSession(first, "GET", "/api/v1/session").status == 200);
  CHECK(f.AsSession(second, "GET", "/api/v1/session").status == 401);
  CHECK(f.PostSession("ana", kPassword).status == 401);
  Signed third = f.SignIn("ana", "a brand new secret");

  Signed root = f.SignIn("root");
  CHECK(f.AsSession(root, "POST", "/api/v1/users/ana/password", R"({"password":"set by the admin"})").status == 204);
  CHECK(f.AsSession(first, "GET", "/api/v1/session").status == 401);
  CHECK(f.AsSession(third, "GET", "/api/v1/session").status == 401);
  // A lead may not set the password of someone who also works for another brand.
  Signed lea = f.SignIn("lea");
  CHECK(f.AsSession(lea, "POST", "/api/v1/users/both/password", R"({"password":"from the lead 1"})").status == 403);
  CHECK(f.AsSession(lea, "POST", "/api/v1/users/ana/password", R"({"password":"from the lead 1"})").status == 204);
}

TEST_CASE("Repeated failed sign-ins are refused with 429 and Retry-After; a success resets the login's count") {
  Fixture f;
  for (int i = 0; i < 4; ++i) REQUIRE(f.PostSession("ana", "wrong wrong wrong").status == 401);
  REQUIRE(f.PostSession("ana", kPassword).status == 200);  // resets ana's count
  for (int i = 0; i < 5; ++i) REQUIRE(f.PostSession("ana", "wrong wrong wrong").status == 401);
  ServerResponse limited = f.PostSession("ana", kPassword);
  CHECK(limited.status == 429);
  CHECK(ErrorCodeOf(limited) == "rate_limited");
  REQUIRE(HeaderOf(limited, "Retry-After"));
  CHECK(std::stoi(*HeaderOf(limited, "Retry-After")) == 15 * 60);
  CHECK(f.PostSession("lea", kPassword).status == 200);  // other logins are not held up

  f.clock.Advance(std::chrono::minutes(10));
  CHECK(std::stoi(*HeaderOf(f.PostSession("ana", kPassword), "Retry-After")) == 5 * 60);
  f.clock.Advance(std::chrono::minutes(5));
  CHECK(f.PostSession("ana", kPassword).status == 200);

  // Per address: 20 failures from one address, spread over logins, close it to every login.
  for (int i = 0; i < 20; ++i)
    REQUIRE(f.PostSession(fmt::format("guess{}", i), "wrong wrong wrong", "10.0.0.9").status == 401);
  CHECK(f.PostSession("lea", kPassword, "10.0.0.9").status == 429);
  CHECK(f.PostSession("lea", kPassword, "10.0.0.10").status == 200);
}

TEST_CASE("The sign-in limiter forgets the oldest window when full") {
  SignInLimiterOptions options;
  options.max_entries = 4;
  options.failures_per_login = 1;
  SignInLimiter limiter(options);
  limiter.RecordFailure("a", "1.1.1.1", kT0);
  limiter.RecordFailure("b", "1.1.1.2", kT0 + std::chrono::seconds(1));
  CHECK(limiter.size() == 4);
  CHECK(limiter.RetryAfter("a", "9.9.9.9", kT0 + std::chrono::seconds(2)));
  limiter.RecordFailure("c", "1.1.1.3", kT0 + std::chrono::seconds(2));
  CHECK(limiter.size() == 4);
  CHECK_FALSE(limiter.RetryAfter("a", "9.9.9.9", kT0 + std::chrono::seconds(3)));  // evicted first
  CHECK(limiter.RetryAfter("c", "9.9.9.9", kT0 + std::chrono::seconds(3)));
}

TEST_CASE("Sign-ins beyond the worker's queue are answered 503 at once") {
  AuthOptions options = Fixture::Small();
  options.sign_in_queue = 1;
  Fixture f(options);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  REQUIRE(f.auth->RunOnWorker(
      [&] {
        started.set_value();
        released.wait();
      },
      nullptr));
  started.get_future().wait();  // the one worker is busy
  std::promise<void> queued_ran;
  REQUIRE(f.auth->RunOnWorker([&] { queued_ran.set_value(); }, nullptr));  // and the queue is full
  ServerResponse busy = f.PostSession("ana", kPassword);
  CHECK(busy.status == 503);
  release.set_value();
  queued_ran.get_future().wait();  // the queue has room again
  CHECK(f.PostSession("ana", kPassword).status == 200);
}

TEST_CASE("An instance admin sees a brand created after signing in, as admin") {
  Fixture f;
  Signed root = f.SignIn("root");
  Brand later = f.AddBrand("kasnije");
  value me = Json(f.AsSession(root, "GET", "/api/v1/session"));
  CHECK(me.at("user").at("instance_admin").as_bool());
  bool seen = false;
  for (const value& b : me.at("user").at("brands").as_array())
    if (b.at("slug").as_string() == "kasnije") seen = b.at("role").as_string() == "admin";
  CHECK(seen);
  ServerRequest r;
  r.method = "GET";
  r.path = "/api/v1/session";
  r.headers.emplace_back("Cookie", root.cookie);
  auto principal = f.auth->Authenticate(r);
  REQUIRE(principal);
  CHECK(principal->MayConfigure(later.id));
}

TEST_CASE("A lead sees and manages only users of their brands, and grants at most lead") {
  Fixture f;
  Signed lea = f.SignIn("lea");
  ServerResponse list = f.AsSession(lea, "GET", "/api/v1/users");
  REQUIRE(list.status == 200);
  std::vector<std::string> logins;
  const value listed = Json(list);
  for (const value& u : listed.at("items").as_array()) logins.push_back(u.at("login").as_string());
  CHECK(logins == std::vector<std::string>{"lea", "ana", "both"});
  CHECK(listed.at("next_cursor").is_null());
  // "both" is shown with the zrno role only: kava is not the lead's to see.
  ServerResponse both = f.AsSession(lea, "GET", "/api/v1/users/both");
  CHECK(Json(both).at("brands").size() == 1);
  CHECK(both.body.find("kava") == std::string::npos);

  ServerResponse ko = f.AsSession(lea, "GET", "/api/v1/users/ko");
  ServerResponse missing = f.AsSession(lea, "GET", "/api/v1/users/nobody");
  CHECK(ko.status == 404);
  CHECK(missing.status == 404);
  CHECK(f.AsSession(lea, "PATCH", "/api/v1/users/ko", R"({"languages":["en"]})").status == 404);
  CHECK(f.AsSession(lea, "DELETE", "/api/v1/users/ko").status == 404);

  CHECK(f.AsSession(lea, "PATCH", "/api/v1/users/ana", R"({"brands":{"zrno":"admin"}})").status == 403);
  CHECK(f.AsSession(lea, "PATCH", "/api/v1/users/ana", R"({"brands":{"kava":"agent"}})").status == 404);
  CHECK(f.AsSession(lea, "PATCH", "/api/v1/users/ana", R"({"instance_admin":true})").status == 403);
  ServerResponse promoted = f.AsSession(lea, "PATCH", "/api/v1/users/ana", R"({"brands":{"zrno":"manager"}})");
  REQUIRE(promoted.status == 200);
  CHECK(Json(promoted).at("brands").at("zrno").as_string() == "lead");

  CHECK(f.AsSession(lea, "POST", "/api/v1/users",
                    R"({"login":"boss","name":"B","instance_admin":true,"brands":{"zrno":"agent"}})")
            .status == 403);
  CHECK(f.AsSession(lea, "POST", "/api/v1/users", R"({"login":"boss","name":"B","brands":{"zrno":"admin"}})").status ==
        403);
  ServerResponse added =
      f.AsSession(lea, "POST", "/api/v1/users",
                  R"({"login":"nova","name":"Nova","brands":{"zrno":"agent"},"password":"nova password 1"})");
  REQUIRE(added.status == 201);
  CHECK(Json(added).at("brands").at("zrno").as_string() == "agent");
  f.SignIn("nova", "nova password 1");

  // An agent sees only themselves.
  Signed agent = f.SignIn("ko");
  ServerResponse own = f.AsSession(agent, "GET", "/api/v1/users");
  REQUIRE(Json(own).at("items").size() == 1);
  CHECK(f.AsSession(agent, "GET", "/api/v1/users/lea").status == 404);
  CHECK(f.AsSession(agent, "PATCH", "/api/v1/users/ko", R"({"name":"Ko Ko"})").status == 200);
  CHECK(f.AsSession(agent, "PATCH", "/api/v1/users/ko", R"({"brands":{"kava":"lead"}})").status == 403);
  CHECK(f.AsSession(agent, "POST", "/api/v1/users", R"({"login":"x","name":"X"})").status == 403);
}

TEST_CASE("Removing a user keeps the row but ends its roles, sessions and tokens") {
  Fixture f;
  Signed ana = f.SignIn("ana");
  const std::string token = Json(f.AsSession(ana, "POST", "/api/v1/tokens", R"({"name":"x"})")).at("token").as_string();
  Signed lea = f.SignIn("lea");
  CHECK(f.AsSession(lea, "DELETE", "/api/v1/users/both").status == 403);  // also works for kava
  CHECK(f.AsSession(lea, "DELETE", "/api/v1/users/lea").status == 409);
  REQUIRE(f.AsSession(lea, "DELETE", "/api/v1/users/ana").status == 204);
  CHECK(f.AsSession(ana, "GET", "/api/v1/session").status == 401);
  CHECK(f.AsToken(token, "GET", "/api/v1/session").status == 401);
  User gone = f.store->GetUser("ana").value();
  CHECK(gone.disabled);
  CHECK(gone.brand_roles.empty());
  CHECK(f.store->GetPasswordHash(gone.id).value().empty());
  User again;
  again.login = "ana";
  again.name = "Someone else";
  CHECK(f.store->AddUser(again).error().code == ErrorCode::kAlreadyExists);
}

TEST_CASE("The paged user list gives out a cursor and continues after it") {
  Fixture f;
  Signed root = f.SignIn("root");
  ServerRequest r;
  r.method = "GET";
  r.path = "/api/v1/users";
  r.query = {{"limit", "2"}};
  r.headers.emplace_back("Cookie", root.cookie);
  value page = Json(f.Send(r));
  REQUIRE(page.at("items").size() == 2);
  REQUIRE(page.at("next_cursor").is_string());
  std::vector<std::string> logins;
  for (;;) {
    for (const value& u : page.at("items").as_array()) logins.push_back(u.at("login").as_string());
    if (page.at("next_cursor").is_null()) break;
    r.query["cursor"] = page.at("next_cursor").as_string();
    page = Json(f.Send(r));
  }
  CHECK(logins == std::vector<std::string>{"root", "lea", "ana", "ko", "both"});
}

TEST_CASE("odziv user passwd --password-stdin and user token create, list and revoke") {
  Fixture f;
  const std::string db = (f.dir / "odziv.db").string();
  auto run = [&](std::vector<std::string> args, std::string input, std::string& out, std::string& err) {
    args.push_back("--db");
    args.push_back(db);
    std::istringstream in(input);
    std::ostringstream o, e;
    int status = RunCli(args, in, o, e);
    out = o.str();
    err = e.str();
    return status;
  };
  std::string out, err;
  CHECK(run({"user", "passwd", "ana", "--password-stdin"}, "too short\n", out, err) == 1);
  CHECK(err.find("at least 10 characters") != std::string::npos);
  Signed before = f.SignIn("ana");
  REQUIRE(run({"user", "passwd", "ana", "--password-stdin"}, "from the command line\n", out, err) == 0);
  CHECK(f.AsSession(before, "GET", "/api/v1/session").status == 401);
  CHECK(f.PostSession("ana", kPassword).status == 401);
  f.SignIn("ana", "from the command line");

  REQUIRE(run({"user", "token", "ana", "--name", "cron"}, "", out, err) == 0);
  const std::string token = out.substr(0, out.find('\n'));
  CHECK(token.starts_with("odz_"));
  CHECK(token.size() == 47);
  CHECK(f.AsToken(token, "GET", "/api/v1/session").status == 200);
  REQUIRE(run({"user", "token", "ana", "--list"}, "", out, err) == 0);
  CHECK(out.find("cron") != std::string::npos);
  CHECK(out.find(token) == std::string::npos);
  const std::int64_t id = f.store->ListApiTokens(f.store->GetUser("ana")->id).value().at(0).id;
  REQUIRE(run({"user", "token", "ana", "--revoke", std::to_string(id)}, "", out, err) == 0);
  CHECK(f.AsToken(token, "GET", "/api/v1/session").status == 401);
  CHECK(run({"user", "token", "ana", "--revoke", std::to_string(id)}, "", out, err) == 1);
  CHECK(run({"user", "token", "ana"}, "", out, err) == 2);

  REQUIRE(run({"user", "add", "mara", "--name", "Mara", "--brand", "zrno:manager", "--password-stdin"},
              "mara's password\n", out, err) == 0);
  CHECK(f.store->GetUser("mara")->brand_roles.at(f.zrno.id) == "lead");
  f.SignIn("mara", "mara's password");
  REQUIRE(run({"user", "remove", "mara"}, "", out, err) == 0);
  CHECK(f.PostSession("mara", "mara's password").status == 401);
}

TEST_CASE("The auth.* configuration keys set session lifetimes and sign-in limits, and are checked") {
  auto defaults = LoadDaemonConfig({});
  REQUIRE(defaults);
  CHECK(defaults->auth.idle_timeout == std::chrono::hours(12));
  CHECK(defaults->auth.absolute_lifetime == std::chrono::hours(7 * 24));
  CHECK(defaults->auth.limits.failures_per_login == 5);
  CHECK(CheckAuthOptions(defaults->auth));

  auto set = LoadDaemonConfig({"--auth.session-idle-timeout", "600", "--auth.failures-per-login", "3",
                               "--auth.failure-window", "60", "--auth.sign-in-threads", "1"});
  REQUIRE(set);
  CHECK(set->auth.idle_timeout == std::chrono::minutes(10));
  CHECK(set->auth.limits.failures_per_login == 3);
  CHECK(set->auth.limits.window == std::chrono::minutes(1));
  CHECK(set->auth.sign_in_threads == 1);

  auto bad = LoadDaemonConfig(
      {"--auth.session-idle-timeout", "900000", "--auth.session-lifetime", "3600", "--auth.sign-in-threads", "0"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().message.find("auth.sign-in-threads") != std::string::npos);
  CHECK(bad.error().message.find("must not be longer than auth.session-lifetime") != std::string::npos);
}
