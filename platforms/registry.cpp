#include "platforms/registry.h"

#include <fmt/format.h>

#include <array>

#include "platforms/bluesky_connector.h"
#include "platforms/app_store_connector.h"
#include "platforms/facebook_connector.h"
#include "platforms/google_business_connector.h"
#include "platforms/google_play_connector.h"
#include "platforms/instagram_connector.h"
#include "platforms/mastodon_connector.h"
#include "platforms/reddit_connector.h"
#include "platforms/replay_connector.h"
#include "platforms/rss_connector.h"
#include "platforms/trustpilot_connector.h"
#include "platforms/webhook_connector.h"
#include "platforms/x_connector.h"
#include "platforms/youtube_connector.h"

namespace odziv::platforms {
namespace {

using std::chrono::seconds;

using Factory = Result<std::unique_ptr<Connector>> (*)(const Source&, const ConnectorContext&);

struct Entry {
  PlatformInfo info;
  Factory make;
};

// The one list. Intervals: a platform's rate limits and how fast its conversations move.
const std::array kEntries = {
    Entry{{"replay", seconds(10), "posts replayed from a JSON Lines file or URL (demo, tests)"}, &MakeReplayConnector},
    // X bills per post read and allows 450 searches / 15 min per app: once a minute is plenty.
    Entry{{"x", seconds(60), "X (Twitter) API v2: recent search or an account's mentions; replies"}, &MakeXConnector},
    // 300 requests / 5 min per account; mentions are conversational, so poll often.
    Entry{{"mastodon", seconds(60), "Mastodon (any instance): mention notifications or search; replies"},
          &MakeMastodonConnector},
    // Conditional GETs cost the publisher little; most feeds change a few times an hour.
    Entry{{"rss", seconds(300), "RSS or Atom feed (blogs, forums, news, Google Alerts): no replies"}, &MakeRssConnector},
    // Each poll costs a quota unit of 10 000 a day shared by the project: every 5 min is 288 a day.
    Entry{{"youtube", seconds(300), "YouTube comment threads of a channel or video; replies"}, &MakeYouTubeConnector},
    // Business Use Case limits scale with the Page's audience; two minutes keeps well inside them.
    Entry{{"facebook", seconds(120), "Facebook Page: feed and comments (ratings are gone from the API); replies"},
          &MakeFacebookConnector},
    Entry{{"instagram", seconds(120), "Instagram professional account: comments on its media (mentions by webhook); replies"},
          &MakeInstagramConnector},
    // 100 requests a minute per OAuth client id, shared by every source using that app: 2 min leaves room.
    Entry{{"reddit", seconds(120), "Reddit: a subreddit's new posts or comments, a search, or an account's mentions; replies"},
          &MakeRedditConnector},
    // 3000 requests per 5 minutes per IP; sessions are kept, so a poll costs one request.
    Entry{{"bluesky", seconds(60), "Bluesky: mention and reply notifications, or a post search; replies"},
          &MakeBlueskyConnector},
    // 300 requests a minute per project, but reviews arrive a few a day: every 5 minutes is plenty.
    Entry{{"google", seconds(300), "Google Business Profile: a location's reviews (edits too); replies"},
          &MakeGoogleBusinessConnector},
    // Guidance is at most 833 calls / 5 min and the yearly allowance is paid for: every 5 minutes.
    Entry{{"trustpilot", seconds(300), "Trustpilot: a business unit's service reviews; replies"}, &MakeTrustpilotConnector},
    // About 3600 requests per rolling hour per key; reviews trickle in: every 10 minutes.
    Entry{{"app_store", seconds(600), "App Store Connect: an app's customer reviews; developer responses"},
          &MakeAppStoreConnector},
    // 200 reads an hour per app, and only the last 7 days of reviews exist: every 10 minutes.
    Entry{{"google_play", seconds(600), "Google Play: an app's reviews of the last 7 days; replies (350 characters)"},
          &MakeGooglePlayConnector},
    // Posts arrive by push (POST /webhooks/{source}); a poll only returns an empty page, so a rare one is enough.
    Entry{{"webhook", seconds(3600), "posts pushed in odziv's generic signed JSON format (POST /webhooks/{source})"},
          &MakeWebhookConnector},
};

const std::array<PlatformInfo, kEntries.size()> kInfos = [] {
  std::array<PlatformInfo, kEntries.size()> out{};
  for (std::size_t i = 0; i < kEntries.size(); ++i) out[i] = kEntries[i].info;
  return out;
}();

}  // namespace

std::span<const PlatformInfo> Platforms() { return kInfos; }

bool HonoursIdempotencyKey(std::string_view platform) { return platform == "mastodon" || platform == "replay"; }

const PlatformInfo* FindPlatform(std::string_view name) {
  for (const auto& info : kInfos)
    if (info.name == name) return &info;
  return nullptr;
}

Result<std::unique_ptr<Connector>> MakeConnector(const Source& source, const ConnectorContext& context) {
  for (const auto& entry : kEntries)
    if (entry.info.name == source.platform) return entry.make(source, context);
  std::string known;
  for (const auto& info : kInfos) known += known.empty() ? std::string(info.name) : ", " + std::string(info.name);
  return Fail(ErrorCode::kConfig,
              fmt::format("source {}: unknown platform '{}' (known: {})", source.name, source.platform, known));
}

}  // namespace odziv::platforms
