#include "daemon/webhook_routes.h"

#include <cpprest/json.h>
#include <fmt/format.h>
#include <openssl/crypto.h>

#include "core/secret.h"
#include "daemon/logging.h"
#include "platforms/meta_push.h"
#include "platforms/push_signature.h"
#include "platforms/webhook_connector.h"

namespace odziv::daemon {
namespace {

bool IsMetaPlatform(std::string_view platform) { return platform == "facebook" || platform == "instagram"; }

// The secret a source's setting refers to, or why the source cannot take pushes.
Result<std::string> PushSecret(const Source& source, std::string_view key) {
  std::string reference = source.Setting(key);
  if (reference.empty())
    return Fail(ErrorCode::kNotFound,
                fmt::format("source {} does not accept pushes: setting '{}' is not set", source.name, key));
  if (!IsSecretReference(reference))
    return Fail(ErrorCode::kNotFound,
                fmt::format("source {} does not accept pushes: setting '{}' must be a secret reference (env:, file:)",
                            source.name, key));
  auto secret = ResolveSecret(reference);
  if (!secret)
    return Fail(ErrorCode::kNotFound, fmt::format("source {} does not accept pushes: setting '{}' cannot be resolved",
                                                  source.name, key));
  return secret;
}

class WebhookHandler {
 public:
  WebhookHandler(Store& store, PushWriter& writer, const Clock& clock)
      : store_(store), writer_(writer), clock_(clock), log_(Logger("webhooks")) {}

  ServerResponse Handshake(const ServerRequest& request) {
    auto source = FindSource(request);
    if (!source) return Refuse(request, source.error());
    if (!IsMetaPlatform(source->platform))
      return Refuse(request, 404, "not_found",
                    fmt::format("source {} is not a facebook or instagram source; only Meta sources answer the "
                                "subscription handshake",
                                source->name));
    auto token = PushSecret(*source, "verify_token");
    if (!token) return Refuse(request, token.error());
    auto mode = request.query.find("hub.mode");
    auto given = request.query.find("hub.verify_token");
    auto challenge = request.query.find("hub.challenge");
    if (mode == request.query.end() || mode->second != "subscribe" || challenge == request.query.end())
      return Refuse(request, 400, "bad_request", "hub.mode=subscribe and hub.challenge are required");
    if (given == request.query.end() || given->second.size() != token->size() ||
        CRYPTO_memcmp(given->second.data(), token->data(), token->size()) != 0)
      return Refuse(request, 403, "forbidden", "hub.verify_token does not match the source's verify_token");
    log_->info("source {}: webhook subscription verified", source->name);
    return ServerResponse::Text(200, challenge->second);
  }

  ServerResponse Push(const ServerRequest& request) {
    auto source = FindSource(request);
    if (!source) return Refuse(request, source.error());
    const Timestamp now = clock_.Now();
    std::vector<Post> posts;
    if (source->platform == "webhook") {
      auto secret = PushSecret(*source, "secret");
      if (!secret) return Refuse(request, secret.error());
      if (auto ok = platforms::VerifyOdzivSignature(request.Header("X-Odziv-Signature"), request.body, *secret, now);
          !ok)
        return Refuse(request, ok.error());
      auto parsed = platforms::ParseWebhookPush(request.body, now);
      if (!parsed) return Refuse(request, parsed.error());
      posts = std::move(*parsed);
    } else if (IsMetaPlatform(source->platform)) {
      auto secret = PushSecret(*source, "app_secret");
      if (!secret) return Refuse(request, secret.error());
      if (auto ok = platforms::VerifyMetaSignature(request.Header("X-Hub-Signature-256"), request.body, *secret); !ok)
        return Refuse(request, ok.error());
      if (auto checked = CheckMetaBody(request.body); !checked) return Refuse(request, checked.error());
      // Page feed posts and comments, Instagram comments; what carries no text (mentions, removals) is left to
      // the source's polling (see docs/platforms.md).
      const auto account = source->settings.find(source->platform == "facebook" ? "page_id" : "username");
      auto parsed = platforms::ParseMetaPush(request.body, source->platform,
                                             account == source->settings.end() ? "" : account->second, now);
      if (!parsed) return Refuse(request, parsed.error());
      posts = std::move(*parsed);
    } else {
      return Refuse(request, 404, "not_found",
                    fmt::format("source {} (platform {}) does not accept pushes", source->name, source->platform));
    }
    ServerResponse response;
    const std::string name = source->name;
    response.deferred = [this, log = log_, name, push = PushedPosts{source->id, std::move(posts)}](
                            std::function<void(ServerResponse)> respond) mutable {
      writer_.Submit(std::move(push), [log, name, respond = std::move(respond)](Result<IngestReport> stored) {
        if (!stored) {
          log->error("push to source {} not stored: {}", name, Describe(stored.error()));
          return respond(ServerResponse::Error(503, "unavailable",
                                               "the push could not be stored; send it again later"));
        }
        respond(ServerResponse::Text(200, fmt::format(R"({{"stored":{}}})", stored->inserted), "application/json"));
      });
    };
    return response;
  }

 private:
  Result<Source> FindSource(const ServerRequest& request) {
    auto name = request.params.find("source");
    auto source = store_.GetSource(name == request.params.end() ? "" : name->second);
    if (!source && source.error().code == ErrorCode::kNotFound)
      return Fail(ErrorCode::kNotFound, "no such source");
    return source;
  }

  static Status CheckMetaBody(std::string_view body) {
    try {
      auto root = web::json::value::parse(std::string(body));
      if (root.is_object() && root.has_field("object") && root.has_field("entry") && root.at("entry").is_array())
        return {};
    } catch (const std::exception&) {
    }
    return Fail(ErrorCode::kMalformed, "body is not a Meta webhook delivery ({\"object\", \"entry\": [...]})");
  }

  ServerResponse Refuse(const ServerRequest& request, const Error& error) {
    switch (error.code) {
      case ErrorCode::kNotFound: return Refuse(request, 404, "not_found", error.message);
      case ErrorCode::kUnauthenticated: return Refuse(request, 401, "unauthenticated", error.message);
      case ErrorCode::kMalformed:
      case ErrorCode::kInvalidArgument: return Refuse(request, 400, "bad_request", error.message);
      default:
        log_->error("{} {} from {}: {}", request.method, request.path, request.remote_address, Describe(error));
        return ServerResponse::Error(503, "unavailable", "the push could not be handled; send it again later");
    }
  }

  ServerResponse Refuse(const ServerRequest& request, int status, std::string_view code, const std::string& message) {
    log_->warn("{} {} from {} refused ({}): {}", request.method, request.path, request.remote_address, status,
               message);
    return ServerResponse::Error(status, code, message);
  }

  Store& store_;
  PushWriter& writer_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace

void AddWebhookRoutes(HttpRouter& router, Store& store, PushWriter& writer, const Clock& clock) {
  auto handler = std::make_shared<WebhookHandler>(store, writer, clock);
  router.Add("GET", "/webhooks/{source}", [handler](const ServerRequest& r) { return handler->Handshake(r); });
  router.Add("POST", "/webhooks/{source}", [handler](const ServerRequest& r) { return handler->Push(r); });
}

}  // namespace odziv::daemon
