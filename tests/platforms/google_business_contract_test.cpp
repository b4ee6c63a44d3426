#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Google Business Profile connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "google";
  subject.fault_dialect = "google";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"account_id", "111"}, {"location_id", "222"}, {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"path":"/v4/accounts/111/locations/222/reviews","body_file":"google/reviews_p1.json"})"));
  };
  subject.first_poll_posts = 4;  // three reviews and one reply
  subject.reply = ReplyRequest{"Qx7Rb2Lm", "Qx7Rb2Lm", "Izvinite zbog kašnjenja.", "delivery-7"};
  subject.reply_path = "/v4/accounts/111/locations/222/reviews/Qx7Rb2Lm/reply";
  subject.reply_method = "PUT";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"PUT","path":"/v4/accounts/111/locations/222/reviews/Qx7Rb2Lm/reply","body_file":"google/reply.json"})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
