#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/platforms/connector_contract.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms::testing {

TEST_CASE("Google Play connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "google_play";
  subject.fault_dialect = "google";
  subject.source = [](const std::string& url) {
    setenv("ODZIV_TEST_PLAY_KEY", TestServiceAccountJson(url + "/token").c_str(), 1);
    Source s;
    s.settings = {{"base_url", url}, {"package_name", "com.zrno.app"}, {"service_account", "env:ODZIV_TEST_PLAY_KEY"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    // The token endpoint hands out the contract's token, so that every API request must carry it.
    server.Route(Json(R"({"method":"POST","path":"/token","body_file":"google_play/token.json"})"));
    server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews","body_file":"google_play/reviews_p1.json"})"));
    server.Route(Json(R"({"path":"/androidpublisher/v3/applications/com.zrno.app/reviews","match":{"token":"CgwIp2"},
                          "body_file":"google_play/reviews_p2.json"})"));
  };
  subject.first_poll_posts = 3;  // two reviews and one developer reply
  subject.reply = ReplyRequest{"12345678", "", "Hvala!", "delivery-5"};
  subject.reply_path = "/androidpublisher/v3/applications/com.zrno.app/reviews/12345678:reply";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/androidpublisher/v3/applications/com.zrno.app/reviews/12345678:reply",
                          "body_file":"google_play/reply.json"})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
