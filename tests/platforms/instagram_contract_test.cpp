#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Instagram connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "instagram";
  subject.fault_dialect = "meta";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"ig_user_id", "17841406338772941"}, {"media_id", "17846368219941692"},
                  {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"path":"/v21.0/17846368219941692/comments","body_file":"instagram/python-facebook__medias__comments_p1.json"})"));
    server.Route(Json(R"({"path":"/v21.0/17846368219941692/comments","match":{"after":"after"},
                          "body_file":"instagram/python-facebook__medias__comments_p2.json"})"));
  };
  subject.first_poll_posts = 2;
  subject.reply = ReplyRequest{"17858154961981086", "17858154961981086", "Hvala!", "delivery-5"};
  subject.reply_path = "/v21.0/17858154961981086/replies";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/v21.0/17858154961981086/replies","body":{"id":"17873440459141021"}})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
