#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("Trustpilot connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "trustpilot";
  subject.fault_dialect = "generic";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url},
                  {"business_unit_id", "46d6a890000064000500e0c3"},
                  {"business_user_id", "507f191e810c19729de860ee"},
                  {"api_key", "env:ODZIV_TEST_TOKEN"},
                  {"api_secret", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    // The token endpoint hands out the contract's token, so that every data request must carry it.
    server.Route(Json(R"({"method":"POST","path":"/v1/oauth/oauth-business-users-for-applications/accesstoken",
                          "body_file":"trustpilot/token.json"})"));
    server.Route(Json(R"({"path":"/v1/private/business-units/46d6a890000064000500e0c3/reviews","body_file":"trustpilot/reviews_p1.json"})"));
  };
  subject.first_poll_posts = 3;  // two reviews and one company reply
  subject.reply = ReplyRequest{"507f191e810c19729de860ec", "507f191e810c19729de860ec", "Izvinite, provjeravamo.", "delivery-9"};
  subject.reply_path = "/v1/private/reviews/507f191e810c19729de860ec/reply";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/v1/private/reviews/507f191e810c19729de860ec/reply","status":201,"body":""})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
