// libFuzzer target over the HTTP API's request handling: any method, target, query, headers and body
// (tests/fuzz/fuzz_request.h) go through HttpRouter::Dispatch to the /api/v1 routes of AddApiRoutes and
// AddStatsRoutes on a real SqliteStore holding brands, sources, posts, cases, drafts and alerts. Every request
// must get an answer: a JSON body of the API's shapes, never a 500, crash, hang or sanitizer report. The
// header "X-Fuzz-As" picks who asks (admin, lead, agent, viewer, other-brand, nobody; default admin), so that
// the permission checks and the parsing behind them are both reached.
//
// Each input starts from the same database (a copy of one built at start-up), so a crashing input reproduces
// on its own. Seeds: tests/fuzz/corpus/api/.
#include <unistd.h>

#include <cpprest/json.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "core/clock.h"
#include "daemon/api_routes.h"
#include "daemon/api_stats.h"
#include "daemon/case_tracker.h"
#include "daemon/drafting_stage.h"
#include "daemon/logging.h"
#include "daemon/sqlite_store.h"
#include "tests/fuzz/fuzz_request.h"

namespace {

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

// Answers as whoever the request's X-Fuzz-As header names.
class HeaderAuthenticator final : public Authenticator {
 public:
  std::map<std::string, Principal, std::less<>> principals;
  Result<Principal> Authenticate(const ServerRequest& request) override {
    auto as = request.Header("X-Fuzz-As").value_or("admin");
    auto found = principals.find(as);
    if (found == principals.end()) return Fail(ErrorCode::kUnauthenticated, "sign in first");
    return found->second;
  }
};

template <class T>
T Must(Result<T> result) {
  if (!result) std::abort();
  return std::move(*result);
}

void MustOk(const Status& status) {
  if (!status) std::abort();
}

struct World {
  fs::path dir;
  fs::path template_db;
  FakeClock clock{FromUnixSeconds(1'780'000'000)};
  HeaderAuthenticator auth;

  World() {
    LogOptions quiet;
    quiet.level = "off";
    MustOk(SetUpLogging(quiet));
    dir = fs::temp_directory_path() / ("odziv-api-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    template_db = dir / "template.db";
    SqliteStoreOptions options;
    options.path = template_db;
    options.clock = &clock;
    auto store = Must(SqliteStore::Open(options));
    Brand acme = AddBrand(*store, "acme", "Acme Coffee");
    Brand bora = AddBrand(*store, "bora", "Borovnica Pekara");
    Source acme_x = AddSource(*store, acme, "acme-x");
    Source bora_x = AddSource(*store, bora, "bora-x");
    auto add_user = [&](const char* login, std::map<std::int64_t, std::string> roles, bool admin) {
      User u;
      u.login = login;
      u.name = login;
      u.brand_roles = std::move(roles);
      u.instance_admin = admin;
      Principal p;
      p.user = Must(store->AddUser(u));
      p.instance_admin = admin;
      if (admin) p.user.brand_roles = {{acme.id, "admin"}, {bora.id, "admin"}};
      auth.principals[login] = p;
    };
    add_user("admin", {}, true);
    add_user("lead", {{acme.id, "lead"}}, false);
    add_user("agent", {{acme.id, "agent"}}, false);
    add_user("viewer", {{acme.id, "viewer"}}, false);
    add_user("other-brand", {{bora.id, "agent"}}, false);
    AddPost(*store, acme_x, "Where is my order? Third week waiting.", 1, SentimentLabel::kNegative);
    AddPost(*store, acme_x, "Lovely service, thanks", 2, SentimentLabel::kPositive);
    AddPost(*store, acme_x, "Cold coffee again", 3, SentimentLabel::kNegative);
    AddPost(*store, bora_x, "Stale bread", 4, SentimentLabel::kNegative);
    DraftingStage stage(*store, DefaultTemplateDrafting());
    (void)Must(stage.DraftPending(clock.Now()));
    Alert alert;
    alert.brand_id = acme.id;
    alert.route = "team";
    alert.kind = "spike";
    alert.dedup_key = "spike:1";
    (void)Must(store->EnqueueAlert(alert, std::nullopt, clock.Now()));
  }

  ~World() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  Brand AddBrand(Store& store, const char* slug, const char* name) {
    Brand b;
    b.slug = slug;
    b.name = name;
    return Must(store.AddBrand(b));
  }
  Source AddSource(Store& store, const Brand& brand, const char* name) {
    Source s;
    s.brand_id = brand.id;
    s.name = name;
    s.platform = "x";
    return Must(store.AddSource(s));
  }
  void AddPost(Store& store, const Source& source, const char* text, int n, SentimentLabel label) {
    Post p;
    p.platform = "x";
    p.external_id = "p" + std::to_string(n);
    p.thread_id = p.external_id;
    p.author = Author{"id-" + std::to_string(n), "@someone", "Someone", 10};
    p.text = text;
    p.language = "en";
    p.created_at = clock.Now();
    auto ids = Must(store.IngestPage(source.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt)).inserted_ids;
    const StoredPost post = Must(store.GetPost(ids.at(0)));
    Assessment a;
    a.label = label;
    a.sentiment = label == SentimentLabel::kNegative ? -0.7 : 0.8;
    a.language = "en";
    a.script = "latin";
    a.topics = {"delivery"};
    a.intents = {label == SentimentLabel::kNegative ? "complaint" : "praise"};
    a.priority = 2;
    a.urgency = 50;
    MustOk(store.SaveAssessment(post.id, a, TriageRecord{}, clock.Now()));
    CaseTracker tracker(store);
    (void)Must(tracker.OnAssessed(post, a, clock.Now()));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  auto request = fuzz::ParseFuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request) return 0;
  const fs::path db = world.dir / "odziv.db";
  fs::copy_file(world.template_db, db, fs::copy_options::overwrite_existing);
  SqliteStoreOptions options;
  options.path = db;
  options.clock = &world.clock;
  auto store = Must(SqliteStore::Open(options));
  HttpRouter router;
  AddApiRoutes(router, *store, world.auth, world.clock, ApiOptions{});
  AddStatsRoutes(router, *store, world.auth, world.clock);
  const ServerResponse response = router.Dispatch(std::move(*request));
  // A 500 is a handler that failed on input it should have refused.
  if (response.status >= 500 && response.status != 503) std::abort();
  if (response.status != 204 && response.content_type == "application/json") {
    try {
      (void)web::json::value::parse(response.body);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "answer %d is not JSON (%s): %s\n", response.status, e.what(), response.body.c_str());
      std::abort();
    }
  }
  return 0;
}
