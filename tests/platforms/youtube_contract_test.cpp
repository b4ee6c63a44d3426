#include <catch2/catch.hpp>

#include "tests/platforms/connector_contract.h"

namespace odziv::platforms::testing {

TEST_CASE("YouTube connector keeps the connector contract") {
  ContractSubject subject;
  subject.platform = "youtube";
  subject.fault_dialect = "google";
  subject.source = [](const std::string& url) {
    Source s;
    s.settings = {{"base_url", url}, {"channel_id", "UCa-vrCLQHviTOVnEKDOdetQ"}, {"token", "env:ODZIV_TEST_TOKEN"}};
    return s;
  };
  subject.serve = [](FakePlatformServer& server) {
    server.Route(Json(R"({"path":"/youtube/v3/commentThreads","match":{"allThreadsRelatedToChannelId":"UCa-vrCLQHviTOVnEKDOdetQ"},
                          "body_file":"youtube/python-youtube__comment_threads__comment_threads_all_to_me.json"})"));
  };
  subject.first_poll_posts = 4;
  subject.reply = ReplyRequest{"UgwSRpgkjCe6OHHe3IJ4AaABAg", "UgwSRpgkjCe6OHHe3IJ4AaABAg", "Hvala!", "delivery-3"};
  subject.reply_path = "/youtube/v3/comments";
  subject.serve_reply = [](FakePlatformServer& server) {
    server.Route(Json(R"({"method":"POST","path":"/youtube/v3/comments","body_file":"youtube/python-youtube__comments__insert_response.json"})"));
  };
  RunConnectorContract(subject);
}

}  // namespace odziv::platforms::testing
