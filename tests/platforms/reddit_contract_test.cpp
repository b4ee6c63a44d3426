#include <catch2/catch.hpp>

#include "platforms/base64.h"
#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Reddit connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "reddit";
  subject.fault_dialect = "reddit";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url},          {"auth_url", url},
                  {"subreddit", "askreddit"}, {"client_id", "odziv-test"},
                  {"client_secret", "env:ODZIV_TEST_TOKEN"}, {"user_agent", "linux:odziv-test:0.1 (by /u/zrno)"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Load("reddit/praw__TestSubredditListings.test_new.json");
    server.Route(Json(R"({"path":"/r/askreddit/new","match":{"before":"t3_48fbm9","limit":"100","raw_json":"1"},
                          "body":{"kind":"Listing","data":{"children":[],"after":null,"before":null}}})"));
  };
  subject.first_poll_posts = 100;
  subject.reply = ReplyRequest{"t1_d1616q2", "t3_4b1tfm", "Comment reply", "delivery-3"};
  subject.reply_path = "/api/comment";
  subject.serve_reply = [](FakePlatformServer& server) {
    web::json::value route = Json(R"({"method":"POST","path":"/api/comment"})");
    route["body"] = web::json::value::string(CassetteBody("reddit/praw__TestComment.test_reply.json", 1));
    server.Route(route);
  };
  subject.carries_credential = [](const ReceivedRequest& r) {
    return r.path == "/api/v1/access_token" && r.Header("Authorization") == BasicAuthorization("odziv-test", kTestToken);
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
