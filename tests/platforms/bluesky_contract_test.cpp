#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Bluesky connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "bluesky";
  subject.fault_dialect = "bluesky";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"handle", "bskyr.bsky.social"}, {"app_password", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/xrpc/com.atproto.server.createSession","numbered":true,
        "body":{"did":"did:plc:5c2r73erhng4bszmxlfdtscf","handle":"bskyr.bsky.social",
                "accessJwt":"access-#{n}","refreshJwt":"refresh-#{n}"}})"));
    server.Load("bluesky/bskyr__n_notifications.json");
  };
  subject.first_poll_posts = 11;
  const std::string parent = "at://did:plc:lprqqpoyjspuma25n5gofocf/app.bsky.feed.post/3lmicbemya22g";
  subject.reply = ReplyRequest{parent, "", "Thanks!", "delivery-5"};
  subject.reply_path = "/xrpc/com.atproto.repo.createRecord";
  subject.serve_reply = [parent](FakePlatformServer& server) {
    web::json::value posts = Json(R"({"path":"/xrpc/app.bsky.feed.getPosts","body":{"posts":[{"cid":"bafy-parent",
        "record":{"text":"hi","reply":{"root":{"uri":"at://did:plc:a/app.bsky.feed.post/root","cid":"bafy-root"},
                                        "parent":{"uri":"at://did:plc:a/app.bsky.feed.post/p","cid":"bafy-p"}}}}]}})");
    posts["body"]["posts"][0]["uri"] = web::json::value::string(parent);
    server.Route(posts);
    server.Load("bluesky/bskyr__r_post_reply.json");
  };
  subject.carries_credential = [](const ReceivedRequest& r) {
    return r.path == "/xrpc/com.atproto.server.createSession" && r.body.find(kTestToken) != std::string::npos;
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
