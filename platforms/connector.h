// Connector: turns one platform's API into odziv posts and publishes replies on it. One connector
// instance serves one source. A connector translates and nothing more: it does not schedule, sleep,
// retry or store. It reports what happened as a value and the daemon's scheduler decides:
//   kRateLimited + retry_after   the platform said to slow down (429, reset headers, quota errors)
//   kUnauthenticated             credentials rejected or revoked: a person must act
//   kMalformed                   the response does not have the documented shape (platform, endpoint, what)
//   kUnavailable                 temporary failure (5xx, timeout, reset): retry with backoff
//   kConfig                      the source's settings cannot work (missing query, bad URL)
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/brand.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/post.h"

namespace odziv::platforms {

// One poll's worth of posts. Posts are oldest first; `next_cursor` is the point to resume from once they
// are stored, so the daemon stores both in one transaction and a crash never skips an item.
struct FetchPage {
  std::vector<Post> posts;
  std::string next_cursor;
  // True when the platform has more items right now (the next page is ready): the scheduler fetches again
  // at once instead of waiting for the poll interval.
  bool more = false;
};

struct ReplyRequest {
  std::string in_reply_to;  // external id of the post being answered
  std::string thread_id;    // its thread (root) id, for platforms that need both
  std::string text;
  // Stable per delivery: sent as the platform's idempotency key where it has one, so a retried send after
  // a crash cannot post twice.
  std::string idempotency_key;
};

struct PublishedReply {
  std::string external_id;  // the platform's id of the reply
  std::string url;          // may be empty
};

class Connector {
 public:
  virtual ~Connector() = default;

  // Fetches the items after `cursor` (empty: the first poll, which the connector limits to a recent window
  // rather than the platform's whole history). Returns at most one page; see FetchPage::more.
  [[nodiscard]] virtual Result<FetchPage> Fetch(std::string_view cursor) = 0;

  // Posts a reply. kFailedPrecondition when the platform refuses it for a reason a person must see (too
  // long, thread locked, post deleted), with the platform's words; kInvalidArgument when the platform does
  // not allow replies at all.
  [[nodiscard]] virtual Result<PublishedReply> Publish(const ReplyRequest& reply) = 0;

  // The brand's own reply in the thread of `post_external_id`, if the platform shows one (made in odziv or
  // outside it); nullopt when none is visible. kInvalidArgument where the platform cannot tell.
  [[nodiscard]] virtual Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) = 0;
};

// What every connector may use. The references outlive the connector.
struct ConnectorContext {
  HttpClient& http;
  const Clock& clock;
};

// Defaults the scheduler uses per platform when a source sets no interval.
struct PlatformInfo {
  std::string_view name;
  std::chrono::seconds default_poll_interval;
  std::string_view summary;  // one line for `odziv source add --help` and docs
};

}  // namespace odziv::platforms
