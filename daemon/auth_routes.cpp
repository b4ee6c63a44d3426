// The session, users and tokens routes of daemon/auth.h. Who may do what to a user (docs/api.md, "Roles"):
//   - an instance admin: everything, to everyone;
//   - a lead (or brand admin) of some brands: sees the users who hold a role in one of those brands, and
//     changes only those roles (granting at most lead), the users' languages and platforms; creates users
//     for those brands; removes and sets the password of a user whose every role lies in those brands;
//   - everyone: sees and edits their own name, e-mail, languages and platforms, and changes their own
//     password (giving the current one).
// A user the principal may not see answers 404 exactly like a missing login. Everything that hashes a
// password runs on the authenticator's workers, answered through ServerResponse::deferred.
#include <cpprest/json.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <set>

#include "daemon/api_support.h"
#include "daemon/auth.h"
#include "daemon/case_json.h"
#include "daemon/logging.h"
#include "daemon/password_hash.h"

namespace odziv::daemon {
namespace {

using web::json::value;

// Holds a password read from a request body and wipes it when the last copy of the pointer goes.
struct Secret {
  std::string text;
  ~Secret() { sodium_memzero(text.data(), text.size()); }
};
using SecretPtr = std::shared_ptr<Secret>;

SecretPtr MakeSecret(std::string text) {
  auto secret = std::make_shared<Secret>();
  secret->text = std::move(text);
  sodium_memzero(text.data(), text.size());
  return secret;
}

ServerResponse Unavailable(std::string_view message) { return ServerResponse::Error(503, "unavailable", message); }

// A response computed on an auth worker: the I/O thread is free while `compute` hashes.
ServerResponse OnWorker(StoreAuthenticator& auth, std::function<ServerResponse()> compute) {
  ServerResponse response;
  response.deferred = [&auth, compute = std::move(compute)](std::function<void(ServerResponse)> send) {
    auto shared_send = std::make_shared<std::function<void(ServerResponse)>>(std::move(send));
    const bool queued = auth.RunOnWorker(
        [compute, shared_send] { (*shared_send)(compute()); },
        [shared_send] { (*shared_send)(Unavailable("the daemon is stopping; try again in a moment")); });
    if (!queued) (*shared_send)(Unavailable("too many sign-ins at once; try again in a few seconds"));
  };
  return response;
}

ServerResponse Answer(Result<ServerResponse> result) {
  if (!result) return api::ErrorResponse(result.error());
  return std::move(*result);
}

// Over the daemon's own TLS, or through a TLS proxy that says so.
bool Secure(const ServerRequest& request) {
  if (request.tls) return true;
  auto proto = request.Header("X-Forwarded-Proto");
  return proto && (*proto == "https" || *proto == "HTTPS");
}

std::string SessionCookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kSessionCookie, token, max_age.count(),
                     secure ? "; Secure" : "");
}

// "manager" is stored as lead; anything else unknown is refused.
Result<std::string> CanonicalRole(std::string_view role) {
  if (role == "viewer" || role == "agent" || role == "lead" || role == "admin") return std::string(role);
  if (role == "manager") return std::string("lead");
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("role '{}' is not one of viewer, agent, lead (or manager), admin", role));
}

Result<std::vector<std::string>> OptionalStrings(const value& body, std::string_view field) {
  auto it = body.as_object().find(std::string(field));
  if (it == body.as_object().end() || it->second.is_null()) return std::vector<std::string>{};
  if (!it->second.is_array())
    return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' must be an array of strings", field));
  std::vector<std::string> out;
  for (const value& item : it->second.as_array()) {
    if (!item.is_string())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' must be an array of strings", field));
    out.push_back(item.as_string());
  }
  return out;
}

bool HasField(const value& body, std::string_view field) {
  return body.as_object().find(std::string(field)) != body.as_object().end();
}

class AuthRoutes : public std::enable_shared_from_this<AuthRoutes> {
 public:
  AuthRoutes(Store& store, StoreAuthenticator& auth, const Clock& clock)
      : store_(store), auth_(auth), clock_(clock), log_(Logger("auth")) {}

  void Add(HttpRouter& router) {
    StoreAuthenticator& auth = auth_;  // authenticates before the handlers that need no deferral
    router.Add("POST", "/api/v1/session",
               [self = shared_from_this()](const ServerRequest& r) { return self->SignIn(r); });
    router.Add("GET", "/api/v1/session",
               [self = shared_from_this()](const ServerRequest& r) { return Answer(self->ShowSession(r)); });
    router.Add("DELETE", "/api/v1/session",
               [self = shared_from_this()](const ServerRequest& r) { return Answer(self->SignOut(r)); });
    router.Add("GET", "/api/v1/users",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->ListUsers(r, p);
               }));
    router.Add("POST", "/api/v1/users",
               [self = shared_from_this()](const ServerRequest& r) { return Answer(self->CreateUser(r)); });
    router.Add("GET", "/api/v1/users/{login}",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->ShowUser(r, p);
               }));
    router.Add("PATCH", "/api/v1/users/{login}",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->UpdateUser(r, p);
               }));
    router.Add("DELETE", "/api/v1/users/{login}",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->RemoveUser(r, p);
               }));
    router.Add("POST", "/api/v1/users/{login}/password",
               [self = shared_from_this()](const ServerRequest& r) { return Answer(self->SetPassword(r)); });
    router.Add("GET", "/api/v1/tokens",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->ListTokens(r, p);
               }));
    router.Add("POST", "/api/v1/tokens",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->CreateToken(r, p);
               }));
    router.Add("DELETE", "/api/v1/tokens/{id}",
               api::Authenticated(auth, [self = shared_from_this()](const ServerRequest& r, const Principal& p) {
                 return self->RevokeToken(r, p);
               }));
  }

 private:
  // ---- Who may do what to whom.

  // Brands where the principal is lead or admin (every brand for an instance admin).
  static std::set<std::int64_t> ManagedBrands(const Principal& p) {
    std::set<std::int64_t> out;
    for (std::int64_t id : p.BrandIds())
      if (p.MayConfigure(id)) out.insert(id);
    return out;
  }

  static bool MaySeeUser(const Principal& p, const User& u) {
    if (p.instance_admin || p.user.id == u.id) return true;
    const auto managed = ManagedBrands(p);
    return std::any_of(u.brand_roles.begin(), u.brand_roles.end(),
                       [&](const auto& role) { return managed.count(role.first) > 0; });
  }

  // Whether the principal may remove `u` or set their password: every role of theirs lies in brands the
  // principal manages, none above lead, and they are no instance admin.
  static bool MayManageWholly(const Principal& p, const User& u) {
    if (p.instance_admin) return true;
    if (u.instance_admin || u.brand_roles.empty()) return false;
    const auto managed = ManagedBrands(p);
    return std::all_of(u.brand_roles.begin(), u.brand_roles.end(),
                       [&](const auto& role) { return managed.count(role.first) > 0 && RoleRank(role.second) <= 3; });
  }

  // The user by login, or 404 when missing or not visible to the principal.
  Result<User> VisibleUser(const Principal& p, std::string_view login) {
    auto user = store_.GetUser(login);
    if (!user && user.error().code == ErrorCode::kNotFound) return Fail(api::NotFound("user", login));
    if (!user) return user;
    if (!MaySeeUser(p, *user)) return Fail(api::NotFound("user", login));
    return user;
  }

  Result<std::map<std::int64_t, std::string>> BrandSlugs() {
    auto brands = store_.ListBrands();
    if (!brands) return Fail(brands.error());
    std::map<std::int64_t, std::string> slugs;
    for (const Brand& b : *brands) slugs[b.id] = b.slug;
    return slugs;
  }

  // The user as the principal may see them: roles in brands the principal cannot see are left out.
  Result<value> UserJson(const Principal& p, User user) {
    auto slugs = BrandSlugs();
    if (!slugs) return Fail(slugs.error());
    if (!p.instance_admin) std::erase_if(user.brand_roles, [&](const auto& role) { return !p.MaySee(role.first); });
    return UserToJson(user, *slugs);
  }

  void Audit(const Principal& p, std::string_view action, std::int64_t subject_user, value details) {
    AuditEvent event;
    event.at = clock_.Now();
    event.user_id = p.user.id;
    event.actor = p.user.login;
    event.action = std::string(action);
    event.subject = fmt::format("user:{}", subject_user);
    event.details = details.is_null() ? "{}" : details.serialize();
    if (auto written = store_.RecordAuditEvent(event); !written)
      log_->error("could not record audit event {}: {}", action, Describe(written.error()));
  }

  // Applies {slug: role|null} to `roles` as the principal may: kNotFound for a brand the principal cannot
  // see, kPermissionDenied for a role above what they may grant or a change to a brand they do not manage.
  Status ApplyBrandChanges(const Principal& p, const value& brands, std::map<std::int64_t, std::string>& roles) {
    if (!brands.is_object())
      return Fail(ErrorCode::kInvalidArgument, "field 'brands' must be an object of brand slug to role (or null)");
    for (const auto& [slug, role_value] : brands.as_object()) {
      auto brand = store_.GetBrand(slug);
      if (!brand && brand.error().code == ErrorCode::kNotFound) return Fail(api::NotFound("brand", slug));
      if (!brand) return Fail(brand.error());
      if (!p.MaySee(brand->id)) return Fail(api::NotFound("brand", slug));
      if (!p.MayConfigure(brand->id))
        return Fail(ErrorCode::kPermissionDenied, fmt::format("only a lead of brand '{}' may change its roles", slug));
      auto current = roles.find(brand->id);
      if (!p.instance_admin && current != roles.end() && RoleRank(current->second) > 3)
        return Fail(ErrorCode::kPermissionDenied,
                    fmt::format("only an instance admin may change an admin's role in brand '{}'", slug));
      if (role_value.is_null()) {
        roles.erase(brand->id);
        continue;
      }
      if (!role_value.is_string())
        return Fail(ErrorCode::kInvalidArgument, fmt::format("the role for brand '{}' must be a string or null", slug));
      auto role = CanonicalRole(role_value.as_string());
      if (!role) return Fail(role.error());
      if (!p.instance_admin && RoleRank(*role) > 3)
        return Fail(ErrorCode::kPermissionDenied,
                    fmt::format("a lead may grant at most the lead role (brand '{}')", slug));
      roles[brand->id] = *role;
    }
    return {};
  }

  // ---- Session.

  ServerResponse SignIn(const ServerRequest& request) {
    auto body = api::ParseJsonObject(request);
    if (!body) return api::ErrorResponse(body.error());
    auto login = api::RequiredString(*body, "login");
    if (!login) return api::ErrorResponse(login.error());
    auto password_text = api::RequiredString(*body, "password");
    if (!password_text) return api::ErrorResponse(password_text.error());
    SecretPtr password = MakeSecret(std::move(*password_text));
    // Refused before any hashing: a blocked login costs the server nothing.
    if (auto wait = auth_.limiter().RetryAfter(*login, request.remote_address, clock_.Now())) {
      return api::ErrorResponse(Error{
          ErrorCode::kRateLimited, fmt::format("too many failed sign-ins; try again in {} s", wait->count()), *wait});
    }
    auto attempt = std::make_shared<SignInAttempt>();
    attempt->login = *login;
    attempt->remote_address = request.remote_address;
    attempt->user_agent = std::string(request.Header("User-Agent").value_or(""));
    const bool secure = Secure(request);
    return OnWorker(auth_, [this, keep_alive = shared_from_this(), attempt, password, secure]() -> ServerResponse {
      SignInAttempt a = *attempt;
      a.password = password->text;
      auto signed_in = auth_.SignIn(std::move(a));
      if (!signed_in) return api::ErrorResponse(signed_in.error());
      auto brands = store_.ListBrands();
      if (!brands) return api::ErrorResponse(brands.error());
      value out = value::object();
      out["user"] = SessionUserToJson(signed_in->principal.user, *brands);
      out["csrf_token"] = value::string(signed_in->session.csrf_token);
      ServerResponse response = api::JsonResponse(out);
      response.headers.emplace_back("Set-Cookie",
                                    SessionCookie(signed_in->session_token, auth_.options().absolute_lifetime, secure));
      return response;
    });
  }

  Result<ServerResponse> ShowSession(const ServerRequest& request) {
    auto identity = auth_.Identify(request);
    if (!identity) return Fail(identity.error());
    auto brands = store_.ListBrands();
    if (!brands) return Fail(brands.error());
    value out = value::object();
    out["user"] = SessionUserToJson(identity->principal.user, *brands);
    out["csrf_token"] = identity->session ? value::string(identity->session->csrf_token) : value::null();
    out["via"] = value::string(identity->session ? "session" : "token");
    return api::JsonResponse(out);
  }

  Result<ServerResponse> SignOut(const ServerRequest& request) {
    auto identity = auth_.Identify(request);
    if (!identity) return Fail(identity.error());
    if (!identity->session)
      return Fail(ErrorCode::kFailedPrecondition,
                  "this request was made with an API token, not a session: revoke the token with "
                  "DELETE /api/v1/tokens/{id}");
    if (auto revoked = store_.RevokeSession(identity->session->id, clock_.Now()); !revoked)
      return Fail(revoked.error());
    Audit(identity->principal, "session.sign_out", identity->principal.user.id, value::null());
    ServerResponse response = api::NoContent();
    response.headers.emplace_back("Set-Cookie", SessionCookie("", std::chrono::seconds(0), Secure(request)));
    return response;
  }

  // ---- Users.

  Result<ServerResponse> ListUsers(const ServerRequest& request, const Principal& p) {
    auto limit = api::PageLimit(request);
    if (!limit) return Fail(limit.error());
    std::int64_t after = 0;
    if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
      auto key = api::DecodeCursor(cursor->second, 1);
      if (!key) return Fail(key.error());
      after = (*key)[0];
    }
    std::optional<std::int64_t> brand_id;
    if (auto slug = request.query.find("brand"); slug != request.query.end()) {
      auto brand = store_.GetBrand(slug->second);
      if (!brand || !p.MaySee(brand->id)) {
        if (brand || brand.error().code == ErrorCode::kNotFound) return Fail(api::NotFound("brand", slug->second));
        return Fail(brand.error());
      }
      brand_id = brand->id;
    }
    auto users = store_.ListUsers(brand_id);
    if (!users) return Fail(users.error());
    // Users are few (an agency's staff): the page is cut in memory, by id, after the visibility filter.
    std::vector<User> visible;
    for (User& u : *users)
      if (u.id > after && MaySeeUser(p, u)) visible.push_back(std::move(u));
    std::sort(visible.begin(), visible.end(), [](const User& a, const User& b) { return a.id < b.id; });
    std::optional<std::string> next;
    if (visible.size() > *limit) {
      visible.resize(*limit);
      next = api::EncodeCursor({visible.back().id});
    }
    value items = value::array();
    for (User& u : visible) {
      auto json = UserJson(p, std::move(u));
      if (!json) return Fail(json.error());
      items[items.size()] = std::move(*json);
    }
    return api::JsonResponse(api::Page(std::move(items), next));
  }

  Result<ServerResponse> ShowUser(const ServerRequest& request, const Principal& p) {
    auto user = VisibleUser(p, request.params.at("login"));
    if (!user) return Fail(user.error());
    auto json = UserJson(p, std::move(*user));
    if (!json) return Fail(json.error());
    return api::JsonResponse(*json);
  }

  // Authenticates here (not through api::Authenticated) because the answer may be deferred to hash.
  Result<ServerResponse> CreateUser(const ServerRequest& request) {
    auto principal = auth_.Authenticate(request);
    if (!principal) return Fail(principal.error());
    const Principal& p = *principal;
    auto managed = ManagedBrands(p);
    if (!p.instance_admin && managed.empty())
      return Fail(ErrorCode::kPermissionDenied, "only instance admins and brand leads may add users");
    auto body = api::ParseJsonObject(request);
    if (!body) return Fail(body.error());
    User user;
    auto login = api::RequiredString(*body, "login");
    if (!login) return Fail(login.error());
    user.login = *login;
    auto name = api::RequiredString(*body, "name");
    if (!name) return Fail(name.error());
    user.name = *name;
    auto email = api::OptionalString(*body, "email");
    if (!email) return Fail(email.error());
    user.email = email->value_or("");
    auto languages = OptionalStrings(*body, "languages");
    if (!languages) return Fail(languages.error());
    user.languages = std::move(*languages);
    auto platforms = OptionalStrings(*body, "platforms");
    if (!platforms) return Fail(platforms.error());
    user.platforms = std::move(*platforms);
    auto admin = api::OptionalBool(*body, "instance_admin");
    if (!admin) return Fail(admin.error());
    if (admin->value_or(false) && !p.instance_admin)
      return Fail(ErrorCode::kPermissionDenied, "only an instance admin may make instance admins");
    user.instance_admin = admin->value_or(false);
    if (HasField(*body, "brands")) {
      if (auto applied = ApplyBrandChanges(p, body->at("brands"), user.brand_roles); !applied)
        return Fail(applied.error());
    }
    if (!p.instance_admin && user.brand_roles.empty())
      return Fail(ErrorCode::kInvalidArgument, "give the new user a role in at least one of your brands ('brands')");
    auto password_text = api::OptionalString(*body, "password");
    if (!password_text) return Fail(password_text.error());
    SecretPtr password;
    if (*password_text) {
      password = MakeSecret(std::move(**password_text));
      if (auto rules = CheckPasswordRules(password->text); !rules) return Fail(rules.error());
    }
    auto create = [this, keep_alive = shared_from_this(), p, user, password]() -> ServerResponse {
      std::string hash;
      if (password) {
        auto hashed = HashPassword(password->text);
        if (!hashed) return api::ErrorResponse(hashed.error());
        hash = std::move(*hashed);
      }
      auto added = store_.AddUser(user);
      if (!added) return api::ErrorResponse(added.error());
      if (!hash.empty()) {
        if (auto set = store_.SetPasswordHash(added->id, hash, false, std::nullopt, clock_.Now()); !set)
          return api::ErrorResponse(set.error());
      }
      value details = value::object();
      details["login"] = value::string(added->login);
      details["instance_admin"] = value::boolean(added->instance_admin);
      Audit(p, "user.add", added->id, details);
      auto json = UserJson(p, *added);
      if (!json) return api::ErrorResponse(json.error());
      return api::JsonResponse(*json, 201);
    };
    if (!password) return create();
    return OnWorker(auth_, create);
  }

  Result<ServerResponse> UpdateUser(const ServerRequest& request, const Principal& p) {
    auto user = VisibleUser(p, request.params.at("login"));
    if (!user) return Fail(user.error());
    auto body = api::ParseJsonObject(request);
    if (!body) return Fail(body.error());
    const bool self = p.user.id == user->id;
    const bool manager = !self && !p.instance_admin;  // a lead acting on someone in their brands
    value changed = value::array();
    auto refuse = [&](std::string_view field) {
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("you may not change '{}' of user '{}'", field, user->login));
    };
    for (std::string_view field : {"name", "email"}) {
      auto text = api::OptionalString(*body, field);
      if (!text) return Fail(text.error());
      if (!*text) continue;
      if (manager) return refuse(field);
      (field == "name" ? user->name : user->email) = **text;
      changed[changed.size()] = value::string(std::string(field));
    }
    for (std::string_view field : {"languages", "platforms"}) {
      if (!HasField(*body, field)) continue;
      auto items = OptionalStrings(*body, field);
      if (!items) return Fail(items.error());
      if (manager && user->instance_admin) return refuse(field);
      (field == "languages" ? user->languages : user->platforms) = std::move(*items);
      changed[changed.size()] = value::string(std::string(field));
    }
    if (HasField(*body, "brands")) {
      if (user->instance_admin && !p.instance_admin) return refuse("brands");
      if (auto applied = ApplyBrandChanges(p, body->at("brands"), user->brand_roles); !applied)
        return Fail(applied.error());
      changed[changed.size()] = value::string("brands");
    }
    for (std::string_view field : {"disabled", "instance_admin"}) {
      auto flag = api::OptionalBool(*body, field);
      if (!flag) return Fail(flag.error());
      if (!*flag) continue;
      if (!p.instance_admin) return refuse(field);
      if (self && (field == "disabled" ? **flag : !**flag))
        return Fail(ErrorCode::kFailedPrecondition,
                    fmt::format("you may not {} yourself: ask another instance admin",
                                field == "disabled" ? "disable" : "remove instance admin from"));
      (field == "disabled" ? user->disabled : user->instance_admin) = **flag;
      changed[changed.size()] = value::string(std::string(field));
    }
    auto stored = store_.UpdateUser(*user);
    if (!stored) return Fail(stored.error());
    value details = value::object();
    details["fields"] = changed;
    Audit(p, "user.update", stored->id, details);
    auto json = UserJson(p, std::move(*stored));
    if (!json) return Fail(json.error());
    return api::JsonResponse(*json);
  }

  Result<ServerResponse> RemoveUser(const ServerRequest& request, const Principal& p) {
    auto user = VisibleUser(p, request.params.at("login"));
    if (!user) return Fail(user.error());
    if (user->id == p.user.id) return Fail(ErrorCode::kFailedPrecondition, "you may not remove yourself");
    if (!MayManageWholly(p, *user))
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("user '{}' also works outside your brands: ask an instance admin", user->login));
    if (auto removed = store_.RemoveUser(user->id, clock_.Now()); !removed) return Fail(removed.error());
    Audit(p, "user.remove", user->id, value::null());
    return api::NoContent();
  }

  Result<ServerResponse> SetPassword(const ServerRequest& request) {
    auto identity = auth_.Identify(request);
    if (!identity) return Fail(identity.error());
    const Principal& p = identity->principal;
    auto user = VisibleUser(p, request.params.at("login"));
    if (!user) return Fail(user.error());
    const bool self = user->id == p.user.id;
    if (!self && !MayManageWholly(p, *user))
      return Fail(ErrorCode::kPermissionDenied, fmt::format("you may not set the password of user '{}'", user->login));
    auto body = api::ParseJsonObject(request);
    if (!body) return Fail(body.error());
    auto new_text = api::RequiredString(*body, "password");
    if (!new_text) return Fail(new_text.error());
    SecretPtr password = MakeSecret(std::move(*new_text));
    if (auto rules = CheckPasswordRules(password->text); !rules) return Fail(rules.error());
    auto current_text = api::OptionalString(*body, "current_password");
    if (!current_text) return Fail(current_text.error());
    SecretPtr current = *current_text ? MakeSecret(std::move(**current_text)) : nullptr;
    std::optional<std::int64_t> keep;
    if (self && identity->session) keep = identity->session->id;
    const std::int64_t user_id = user->id;
    return OnWorker(
        auth_, [this, keep_alive = shared_from_this(), p, self, user_id, password, current, keep]() -> ServerResponse {
          if (self) {
            auto hash = store_.GetPasswordHash(user_id);
            if (!hash) return api::ErrorResponse(hash.error());
            if (!hash->empty()) {
              if (!current)
                return api::ErrorResponse(Error{ErrorCode::kInvalidArgument,
                                                "give your current password in 'current_password'", std::nullopt});
              if (!VerifyPassword(*hash, current->text))
                return api::ErrorResponse(
                    Error{ErrorCode::kPermissionDenied, "the current password is not right", std::nullopt});
            }
          }
          auto hashed = HashPassword(password->text);
          if (!hashed) return api::ErrorResponse(hashed.error());
          if (auto set = store_.SetPasswordHash(user_id, *hashed, true, keep, clock_.Now()); !set)
            return api::ErrorResponse(set.error());
          Audit(p, "user.password", user_id, value::null());
          return api::NoContent();
        });
  }

  // ---- Tokens: always the principal's own.

  static value TokenJson(const ApiToken& t) {
    value out = value::object();
    out["id"] = value::number(t.id);
    out["name"] = value::string(t.name);
    out["prefix"] = value::string(t.prefix);
    out["created_at"] = value::string(FormatIsoTimestamp(t.created_at));
    out["last_used_at"] = t.last_used_at ? value::string(FormatIsoTimestamp(*t.last_used_at)) : value::null();
    return out;
  }

  Result<ServerResponse> ListTokens(const ServerRequest& request, const Principal& p) {
    auto limit = api::PageLimit(request);
    if (!limit) return Fail(limit.error());
    std::int64_t after = 0;
    if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
      auto key = api::DecodeCursor(cursor->second, 1);
      if (!key) return Fail(key.error());
      after = (*key)[0];
    }
    auto tokens = store_.ListApiTokens(p.user.id);
    if (!tokens) return Fail(tokens.error());
    value items = value::array();
    std::optional<std::string> next;
    for (const ApiToken& t : *tokens) {
      if (t.id <= after) continue;
      if (items.size() == *limit) {
        next = api::EncodeCursor({items.as_array().at(items.size() - 1).at("id").as_number().to_int64()});
        break;
      }
      items[items.size()] = TokenJson(t);
    }
    return api::JsonResponse(api::Page(std::move(items), next));
  }

  Result<ServerResponse> CreateToken(const ServerRequest& request, const Principal& p) {
    auto body = api::ParseJsonObject(request);
    if (!body) return Fail(body.error());
    auto name = api::RequiredString(*body, "name");
    if (!name) return Fail(name.error());
    auto minted = MintApiToken(store_, p.user.id, *name, clock_.Now());
    if (!minted) return Fail(minted.error());
    value details = value::object();
    details["token_id"] = value::number(minted->token.id);
    details["name"] = value::string(minted->token.name);
    Audit(p, "token.create", p.user.id, details);
    value out = TokenJson(minted->token);
    out["token"] = value::string(minted->text);
    return api::JsonResponse(out, 201);
  }

  Result<ServerResponse> RevokeToken(const ServerRequest& request, const Principal& p) {
    const std::string& id_text = request.params.at("id");
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size()) return Fail(api::NotFound("API token", id_text));
    auto revoked = store_.RevokeApiToken(p.user.id, id, clock_.Now());
    if (!revoked && revoked.error().code == ErrorCode::kNotFound) return Fail(api::NotFound("API token", id_text));
    if (!revoked) return Fail(revoked.error());
    value details = value::object();
    details["token_id"] = value::number(id);
    Audit(p, "token.revoke", p.user.id, details);
    return api::NoContent();
  }

  Store& store_;
  StoreAuthenticator& auth_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace

void AddAuthRoutes(HttpRouter& router, Store& store, StoreAuthenticator& auth, const Clock& clock) {
  // Every handler holds the routes object, so it lives as long as the router (and any deferred answer).
  std::make_shared<AuthRoutes>(store, auth, clock)->Add(router);
}

}  // namespace odziv::daemon
