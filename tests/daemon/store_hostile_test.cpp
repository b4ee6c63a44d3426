// Hostile text through every stored text field of the Store: quotes, SQL fragments, embedded NULs, invalid
// UTF-8, format strings and very long values. Each is either stored and read back byte for byte (the store
// binds every value as a parameter and reads it back by length) or refused with kInvalidArgument and a
// message, and the database stays whole: the rows written before are all there and the integrity check
// passes.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

const Timestamp kT0 = FromUnixSeconds(1'780'000'000);

std::vector<std::string> HostileTexts() {
  return {
      "O'Brien said \"hi\" `there`",
      "'; DROP TABLE posts; --",
      "Robert'); DELETE FROM brands WHERE ('1'='1",
      "\" OR 1=1 --",
      "nul\0inside\0"s,
      "\xff\xfe not UTF-8 \xc3\x28 \xed\xa0\x80"s,
      "%s %n %x {} {{}} {0:>100000}",
      "\\u0000 \\\" \\\\ </script>",
      std::string(200'000, 'x') + "'\0end"s,
  };
}

// What was written must read back identical; a refusal must be kInvalidArgument with a message.
// Gives 1 when stored, 0 when refused.
template <class T, class Read>
int Check(const char* field, const std::string& hostile, const Result<T>& written, Read read_back) {
  INFO(field << " with " << hostile.size() << " bytes starting " << hostile.substr(0, 40));
  if (!written) {
    INFO(written.error().message);
    CHECK(written.error().code == ErrorCode::kInvalidArgument);
    CHECK_FALSE(written.error().message.empty());
    return 0;
  }
  CHECK(read_back(*written) == hostile);
  return 1;
}

struct Fixture {
  fs::path dir;
  FakeClock clock{kT0};
  std::unique_ptr<SqliteStore> store;
  Brand brand;
  Source source;

  Fixture() {
    dir = testing::MakeTempDir("odziv-hostile");
    store = testing::OpenTempStore(dir, &clock);
    Brand b;
    b.slug = "zrno";
    b.name = "Zrno";
    brand = store->AddBrand(b).value();
    source = testing::AddTestSource(*store, brand.id);
  }
  ~Fixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("Hostile text in every stored text field is stored verbatim or refused, and the tables stay whole") {
  Fixture f;
  int n = 0;
  std::size_t sources = 1, users = 0;
  for (const std::string& hostile : HostileTexts()) {
    ++n;
    // Brands: a hostile slug is refused; the name is free text; settings must be a JSON object, which a
    // hostile text is not, so it goes inside one as well.
    Brand b;
    b.slug = hostile;
    b.name = "x";
    auto bad_slug = f.store->AddBrand(b);
    REQUIRE_FALSE(bad_slug);
    CHECK(bad_slug.error().code == ErrorCode::kInvalidArgument);
    b.slug = fmt::format("brand-{}", n);
    b.name = hostile;
    Check("brand name", hostile, f.store->AddBrand(b),
          [&](const Brand& added) { return f.store->GetBrandById(added.id).value().name; });
    b.slug = fmt::format("brand-settings-{}", n);
    b.name = "x";
    b.settings = hostile;
    Check("brand settings", hostile, f.store->AddBrand(b),
          [&](const Brand& added) { return f.store->GetBrandById(added.id).value().settings; });
    b.settings = fmt::format(R"({{"voice": {{"sign_off": "{}"}}}})", hostile);
    Check("brand settings object", b.settings, f.store->AddBrand(b),
          [&](const Brand& added) { return f.store->GetBrandById(added.id).value().settings; });

    // Sources: a hostile name is refused; setting keys and values are free text.
    Source s;
    s.brand_id = f.brand.id;
    s.platform = "x";
    s.name = hostile;
    auto bad_name = f.store->AddSource(s);
    REQUIRE_FALSE(bad_name);
    CHECK(bad_name.error().code == ErrorCode::kInvalidArgument);
    s.name = fmt::format("source-{}", n);
    s.settings = {{"query", hostile}, {hostile, "key"}};
    sources += Check("source setting", hostile, f.store->AddSource(s),
          [&](const Source& added) { return f.store->GetSourceById(added.id).value().Setting("query"); });
    if (auto source = f.store->GetSource(s.name)) CHECK(source->settings == s.settings);

    // A post: text, author id, handle and name, url, and the platform's ids.
    Post p;
    p.platform = "x";
    p.external_id = fmt::format("{}-{}", hostile, n);
    p.thread_id = hostile;
    p.author = Author{hostile, hostile, hostile, 1};
    p.text = hostile;
    p.url = hostile;
    p.language = "en";
    p.created_at = kT0;
    auto ingested = f.store->IngestPage(f.source.id, std::vector<Post>{p}, hostile, kT0, std::nullopt);
    REQUIRE(ingested);
    REQUIRE(ingested->inserted_ids.size() == 1);
    const std::int64_t post_id = ingested->inserted_ids[0];
    const StoredPost stored = f.store->GetPost(post_id).value();
    CHECK(stored.post.text == hostile);
    CHECK(stored.post.url == hostile);
    CHECK(stored.post.author.id == hostile);
    CHECK(stored.post.author.handle == hostile);
    CHECK(stored.post.author.name == hostile);
    CHECK(stored.post.thread_id == hostile);
    CHECK(stored.post.external_id == p.external_id);
    CHECK(f.store->GetSourceById(f.source.id).value().cursor == hostile);

    // A case, closed with a hostile note; a draft with hostile text and notes.
    Case c;
    c.brand_id = f.brand.id;
    c.platform = "x";
    c.thread_id = hostile;
    c.author_handle = hostile;
    c.first_post_id = post_id;
    CaseChange open;
    open.action = "case.open";
    Case opened = f.store->CreateCase(c, open, kT0).value();
    CHECK(f.store->GetCase(opened.id).value().author_handle == hostile);
    StoredDraft d;
    d.case_id = opened.id;
    d.post_id = post_id;
    d.text = hostile;
    d.notes = {hostile};
    d.language = "en";
    DraftChange create;
    create.action = "draft.create";
    Check("draft text", hostile, f.store->AddDraft(d, create, kT0),
          [&](const StoredDraft& added) { return f.store->GetDraft(added.id).value().text; });
    opened = f.store->GetCase(opened.id).value();
    opened.state = CaseState::kClosed;
    opened.close_reason = CloseReason::kDuplicate;
    opened.close_note = hostile;
    opened.closed_by = hostile;
    opened.closed_at = kT0;
    CaseChange close;
    close.action = "case.close";
    Check("case note", hostile, f.store->UpdateCase(opened, close, kT0),
          [&](const Case& updated) { return f.store->GetCase(updated.id).value().close_note; });

    // A user: a hostile login is refused; name and email are free text.
    User u;
    u.login = hostile;
    auto bad_login = f.store->AddUser(u);
    REQUIRE_FALSE(bad_login);
    CHECK(bad_login.error().code == ErrorCode::kInvalidArgument);
    u.login = fmt::format("user-{}", n);
    u.name = hostile;
    u.email = hostile;
    u.languages = {hostile};
    users += Check("user name", hostile, f.store->AddUser(u),
          [&](const User& added) { return f.store->GetUserById(added.id).value().name; });
    if (auto user = f.store->GetUser(u.login)) CHECK(user->email == hostile);

    // An alert: the payload is JSON object text; the dedup key and route are free text.
    Alert a;
    a.brand_id = f.brand.id;
    a.route = hostile;
    a.kind = "spike";
    a.dedup_key = fmt::format("{}-{}", hostile, n);
    a.payload = hostile;
    auto queued = f.store->EnqueueAlert(a, std::nullopt, kT0);
    if (!queued) {
      CHECK(queued.error().code == ErrorCode::kInvalidArgument);
    } else {
      CHECK(*queued);
      const auto alerts = f.store->ListBrandAlerts(f.brand.id, "pending", kT0, kT0 + std::chrono::seconds(1), 10000)
                              .value();
      const auto found = std::find_if(alerts.begin(), alerts.end(),
                                      [&](const Alert& x) { return x.dedup_key == a.dedup_key; });
      REQUIRE(found != alerts.end());
      CHECK(found->payload == hostile);
      CHECK(found->route == hostile);
    }
  }
  // Nothing was dropped or rewritten by a fragment that escaped into SQL.
  const std::size_t count = HostileTexts().size();
  CHECK(sources > count / 2);
  CHECK(f.store->ListSources(std::nullopt).value().size() == sources);
  CHECK(f.store->CountPosts(std::nullopt).value() == static_cast<std::int64_t>(count));
  CHECK(f.store->ListUsers(std::nullopt).value().size() == users);
  CHECK(f.store->GetBrand("zrno").value().name == "Zrno");
  CHECK(f.store->CheckIntegrity());
}
