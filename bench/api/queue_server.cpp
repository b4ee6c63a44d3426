// bench/api/queue_server: the queue page's path through odziv's own HTTP server (Beast, the router, the
// approval queue's one-query page, cpprest JSON) without the daemon's other stages and without sign-in: a
// stand-in for `odziv run` that bench/api/run uses when the build has no API route yet, and a way to tell the
// page's own cost from the cost of what else the daemon does meanwhile. Items have the API's shape.
//
// usage: queue_server --db PATH [--threads 2]   (prints the port on the first line; stops at end of input)
#include <cpprest/json.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "core/clock.h"
#include "daemon/api_support.h"
#include "daemon/approval_queue.h"
#include "daemon/case_json.h"
#include "daemon/http_server.h"
#include "daemon/json_forms.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using namespace odziv::daemon;
using web::json::value;

namespace {

value DraftJson(const StoredDraft& d) {
  value out = value::object();
  out["id"] = value::number(d.id);
  out["case_id"] = value::number(d.case_id);
  out["status"] = value::string(std::string(DraftStatusName(d.status)));
  out["text"] = value::string(d.text);
  out["language"] = value::string(d.language);
  out["script"] = value::string(d.script);
  out["situation"] = value::string(d.situation);
  out["approvals_required"] = value::number(d.approvals_required);
  out["created_at"] = value::string(FormatIsoTimestamp(d.created_at));
  out["version"] = value::number(d.version);
  return out;
}

value AssessmentJson(const Assessment& a) {
  value out = value::object();
  out["sentiment"] = value::number(a.sentiment);
  out["label"] = value::string(SentimentLabelName(a.label));
  out["priority"] = value::number(a.priority);
  out["urgency"] = value::number(a.urgency);
  value topics = value::array();
  for (const std::string& t : a.topics) topics[topics.size()] = value::string(t);
  out["topics"] = topics;
  value reasons = value::array();
  for (const std::string& r : a.reasons) reasons[reasons.size()] = value::string(r);
  out["reasons"] = reasons;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  std::size_t threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads")) threads = std::stoul(argv[i + 1]);
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: queue_server --db PATH [--threads 2]\n");
    return 2;
  }
  SqliteStoreOptions options;
  options.path = path;
  options.create_if_missing = false;
  auto store = SqliteStore::Open(options);
  if (!store) {
    std::fprintf(stderr, "queue_server: %s\n", Describe(store.error()).c_str());
    return 1;
  }
  ApprovalQueue queue(**store);
  SystemClock clock;
  auto router = std::make_shared<HttpRouter>();
  router->Add("GET", "/api/v1/queue", [&](const ServerRequest& request) -> ServerResponse {
    auto limit = api::PageLimit(request);
    if (!limit) return api::ErrorResponse(limit.error());
    auto page = queue.ListPage(std::nullopt, std::nullopt, *limit);
    if (!page) return api::ErrorResponse(page.error());
    const Timestamp now = clock.Now();
    value items = value::array(page->rows.size());
    for (std::size_t i = 0; i < page->rows.size(); ++i) {
      const QueueRow& row = page->rows[i];
      value item = value::object();
      item["draft"] = DraftJson(row.draft);
      item["case"] = CaseToJson(row.case_, row.brand_slug, "", now);
      value post = PostToJson(row.post);
      post["assessment"] = row.assessment ? AssessmentJson(*row.assessment) : value::null();
      item["post"] = std::move(post);
      value brand = value::object();
      brand["slug"] = value::string(row.brand_slug);
      brand["name"] = value::string(row.brand_name);
      item["brand"] = std::move(brand);
      item["time_left_s"] = row.case_.due_at
                                ? value::number(std::chrono::duration_cast<std::chrono::seconds>(*row.case_.due_at - now).count())
                                : value::null();
      items[i] = std::move(item);
    }
    std::optional<std::string> cursor;
    if (page->next) cursor = api::EncodeCursor(page->next->Parts());
    return api::JsonResponse(api::Page(std::move(items), cursor));
  });
  HttpServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.threads = threads;
  auto server = HttpServer::Start(server_options, router);
  if (!server) {
    std::fprintf(stderr, "queue_server: %s\n", Describe(server.error()).c_str());
    return 1;
  }
  std::printf("%u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  (*server)->Stop(std::chrono::seconds(1));
  return 0;
}
