#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/platforms/connector_contract.h"
#include "tests/platforms/test_keys.h"

namespace odziv::platforms::testing {

TEST_CASE("App Store Connect connector keeps the connector contract") {
  setenv("ODZIV_TEST_APP_STORE_KEY", TestEcKeyPem().c_str(), 1);
  ContractSubject subject;
  subject.platform = "app_store";
  subject.fault_dialect = "generic";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"app_id", "1234567890"}, {"issuer_id", "57246542-96fe-1a63-e053-0824d011072a"},
                  {"key_id", "2X9R4HXF34"}, {"private_key", "env:ODZIV_TEST_APP_STORE_KEY"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"path":"/v1/apps/1234567890/customerReviews","body_file":"app_store/reviews_p1.json"})"));
  };
  subject.first_poll_posts = 3;  // two reviews and one published response
  subject.carries_credential = [](const ReceivedRequest& r) {
    const std::string auth = r.Header("Authorization");
    return auth.starts_with("Bearer ") && DecodeAndVerifyJwt(auth.substr(7), TestEcKeyPem()).signature_valid;
  };
  subject.reply = ReplyRequest{"00000029-1a2b-0014-729e-fbd500000000", "", "Izvinite, popravka stize uskoro.", "delivery-4"};
  subject.reply_path = "/v1/customerReviewResponses";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/v1/customerReviewResponses","status":201,"body_file":"app_store/response_created.json"})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
