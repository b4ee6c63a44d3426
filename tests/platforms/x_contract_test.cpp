#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("X connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "x";
  subject.fault_dialect = "x";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"query", "Tweepy"}, {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Load("x/tweepy__test_client_search_recent_tweets.json");
    server.Route(Json(R"({"path":"/2/tweets/search/recent","match":{"since_id":"1578516068309794817"},
                          "body":{"meta":{"result_count":0}}})"));
  };
  subject.first_poll_posts = 10;
  subject.reply = ReplyRequest{"1578516068309794817", "1578516068309794817", "Thanks!", "delivery-1"};
  subject.reply_path = "/2/tweets";
  subject.serve_reply = [](FakePlatformServer& server) { server.Load("x/tweepy__test_client_create_and_delete_tweet.json"); };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
