#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Mastodon connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "mastodon";
  subject.fault_dialect = "mastodon";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Load("mastodon/mastodonpy__test_notifications_mentions_only.json");
    server.Route(Json(R"({"path":"/api/v1/notifications","match":{"min_id":"21"},"body":[]})"));
  };
  subject.first_poll_posts = 1;
  subject.reply = ReplyRequest{"117020583245459824", "117020583245459824", "same!", "delivery-7"};
  subject.reply_path = "/api/v1/statuses";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Load("mastodon/mastodonpy__test_status_reply.json");
    web::json::value original = Json(R"({"path":"/api/v1/statuses/117020583245459824"})");
    original["body"] = web::json::value::string(CassetteBody("mastodon/mastodonpy__test_status_reply.json", 0));
    server.Route(original);
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
