#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Facebook connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "facebook";
  subject.fault_dialect = "meta";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"page_id", "4"}, {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"path":"/v21.0/4/feed","body_file":"facebook/python-facebook__posts__feed_fields_p1.json"})"));
    server.Route(Json(R"({"path":"/v21.0/4/feed","match":{"until":"1624385168"},
                          "body_file":"facebook/python-facebook__posts__feed_fields_p2.json"})"));
  };
  subject.first_poll_posts = 5;
  subject.reply = ReplyRequest{"245778718206154", "245778718206154", "Hvala!", "delivery-9"};
  subject.reply_path = "/v21.0/245778718206154/comments";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/v21.0/245778718206154/comments",
                          "body_file":"facebook/python-facebook__comments__create_resp.json"})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
