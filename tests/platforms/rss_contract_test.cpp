#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("RSS connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "rss";
  subject.fault_dialect = "generic";
  subject.needs_credentials = false;
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"url", url + "/cantino/huginn/commits/master.atom"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    // The ETag makes the second poll a 304.
    server.Route(Json(R"({"path":"/cantino/huginn/commits/master.atom","body_file":"rss/huginn__github_rss.atom",
                          "headers":{"Content-Type":"application/atom+xml; charset=utf-8","ETag":"\"v1\""}})"));
  };
  subject.first_poll_posts = 20;
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
