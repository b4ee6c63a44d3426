// The production HttpClient over cpprestsdk. cpprestsdk's types stay in this file.
#include <cpprest/http_client.h>
#include <cpprest/rawptrstream.h>
#include <fmt/format.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <map>
#include <memory>
#include <mutex>

#include "core/http_client.h"

namespace odziv {
namespace {

namespace http = web::http;

void InitThreadPool(std::size_t threads) {
  static std::once_flag once;
  std::call_once(once, [threads] {
    // Must run before cpprestsdk first uses its pool; afterwards the call would throw.
    try {
      crossplat::threadpool::initialize_with_threads(std::max<std::size_t>(1, threads));
    } catch (const std::exception&) {
      // The pool was already started by someone else in this process: keep it.
    }
  });
}

using Deadline = std::chrono::steady_clock::time_point;

// True when `task` finishes by `deadline`. pplx tasks have no timed wait, so a continuation signals a future.
template <class T>
bool FinishesBy(const pplx::task<T>& task, Deadline deadline) {
  if (task.is_done()) return true;
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  task.then([done](pplx::task<T>) { done->set_value(); });
  return finished.wait_until(deadline) == std::future_status::ready;
}

// Gives up on a task still running at the deadline: cancelling the request closes its connection, which ends
// the task; its outcome is then observed and dropped (pplx terminates the process on an unobserved failure).
template <class T>
void Abandon(const pplx::task<T>& task, pplx::cancellation_token_source& cancel) {
  cancel.cancel();
  try {
    task.wait();
  } catch (const std::exception&) {
    // Cancelled, as asked.
  }
}

class CpprestHttpClient final : public HttpClient {
 public:
  explicit CpprestHttpClient(const HttpClientOptions& options) : options_(options) { InitThreadPool(options.threads); }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::chrono::milliseconds timeout = request.timeout.count() > 0 ? request.timeout : options_.default_timeout;
    try {
      web::uri uri(request.url);
      if (uri.scheme() != "http" && uri.scheme() != "https")
        return Fail(ErrorCode::kInvalidArgument, fmt::format("URL '{}' is not http or https", request.url));
      // cpprestsdk resends a request once when a pooled connection turns out to be closed. For a read that
      // is harmless; a write (a reply) could be posted twice behind odziv's back, so writes go over a
      // connection of their own that is never reused.
      const bool write = request.method != "GET" && request.method != "HEAD";
      std::unique_ptr<http::client::http_client> one_off;
      if (write) one_off = NewClient(uri, timeout);
      http::client::http_client& client = write ? *one_off : ClientFor(uri, timeout);
      http::http_request req(request.method);
      req.set_request_uri(uri.resource());
      bool has_agent = false;
      for (const auto& [name, value] : request.headers) {
        if (EqualsIgnoreCase(name, "User-Agent")) has_agent = true;
        req.headers().add(name, value);
      }
      if (!has_agent) req.headers().add("User-Agent", options_.user_agent);
      if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        std::string content_type = "application/octet-stream";
        for (const auto& [name, value] : request.headers)
          if (EqualsIgnoreCase(name, "Content-Type")) content_type = value;
        req.set_body(request.body, content_type);
      }
      // cpprestsdk's own timeout restarts whenever a byte arrives, so a server that trickles its answer could
      // hold the calling thread for ever; the deadline bounds the whole exchange.
      const Deadline deadline = std::chrono::steady_clock::now() + timeout;
      pplx::cancellation_token_source cancel;
      auto timed_out = [&] {
        return Fail(ErrorCode::kUnavailable, fmt::format("{} {}: no whole answer within {} ms", request.method,
                                                         SafeUrl(request.url), timeout.count()));
      };
      pplx::task<http::http_response> pending = client.request(req, cancel.get_token());
      if (!FinishesBy(pending, deadline)) {
        Abandon(pending, cancel);
        return timed_out();
      }
      http::http_response resp = pending.get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [name, value] : resp.headers()) out.headers.emplace_back(name, value);
      auto length = resp.headers().content_length();
      if (length != static_cast<utility::size64_t>(-1) && length > options_.max_body_bytes)
        return Fail(ErrorCode::kMalformed, fmt::format("response from {} is {} bytes, over the {}-byte limit",
                                                       HostOf(uri), length, options_.max_body_bytes));
      auto body = resp.body();
      std::vector<uint8_t> chunk(64 * 1024);
      while (true) {
        concurrency::streams::rawptr_buffer<uint8_t> sink(chunk.data(), chunk.size());
        pplx::task<size_t> read = body.read(sink, chunk.size());
        if (!FinishesBy(read, deadline)) {
          Abandon(read, cancel);
          return timed_out();
        }
        size_t n = read.get();
        if (n == 0) break;
        out.body.append(reinterpret_cast<const char*>(chunk.data()), n);
        if (out.body.size() > options_.max_body_bytes)
          return Fail(ErrorCode::kMalformed, fmt::format("response from {} is over the {}-byte limit", HostOf(uri),
                                                         options_.max_body_bytes));
      }
      return out;
    } catch (const web::uri_exception& e) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("URL '{}' cannot be parsed: {}", request.url, e.what()));
    } catch (const http::http_exception& e) {
      return Fail(ErrorCode::kUnavailable, fmt::format("{} {}: {}", request.method, SafeUrl(request.url), e.what()));
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kUnavailable, fmt::format("{} {}: {}", request.method, SafeUrl(request.url), e.what()));
    }
  }

 private:
  static std::string HostOf(const web::uri& uri) { return uri.host(); }
  // Query strings may carry API keys: errors name only scheme, host and path.
  static std::string SafeUrl(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

  http::client::http_client& ClientFor(const web::uri& uri, std::chrono::milliseconds timeout) {
    std::string key = fmt::format("{}://{}:{}#{}", uri.scheme(), uri.host(), uri.port(), timeout.count());
    std::lock_guard lock(mutex_);
    auto it = clients_.find(key);
    if (it != clients_.end()) return *it->second;
    return *clients_.emplace(key, NewClient(uri, timeout)).first->second;
  }

  std::unique_ptr<http::client::http_client> NewClient(const web::uri& uri, std::chrono::milliseconds timeout) const {
    http::client::http_client_config config;
    config.set_timeout(timeout);
    config.set_validate_certificates(options_.verify_tls);
    config.set_request_compressed_response(true);
    web::uri_builder base;
    base.set_scheme(uri.scheme()).set_host(uri.host());
    if (uri.port() > 0) base.set_port(uri.port());
    return std::make_unique<http::client::http_client>(base.to_uri(), config);
  }

  HttpClientOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<http::client::http_client>> clients_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeCpprestHttpClient(const HttpClientOptions& options) {
  return std::make_unique<CpprestHttpClient>(options);
}

}  // namespace odziv
