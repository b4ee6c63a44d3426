// Meta's webhook deliveries (the body of a verified POST to /webhooks/{source}) as posts: a Facebook Page's
// "feed" changes (visitors' posts and comments, added or edited) and an Instagram account's "comments". The
// posts have the same ids, threads and authors as the Facebook and Instagram connectors give the same items
// when polling, so a post both pushed and polled is stored once. Instagram "mentions" carry only ids (the
// post needs an API call) and removals carry no text: those are left to polling. Pure; no I/O.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/post.h"

namespace odziv::platforms {

// `platform` is "facebook" or "instagram"; `brand_account` is the Page id (facebook) or the account's
// username (instagram), whose own posts are marked from_brand. Items without a time get `now`. kMalformed
// when the body is not a Meta delivery ({"object", "entry": [...]}) or a change it stores lacks its id.
[[nodiscard]] Result<std::vector<Post>> ParseMetaPush(std::string_view body, std::string_view platform,
                                                      std::string_view brand_account, Timestamp now);

}  // namespace odziv::platforms
