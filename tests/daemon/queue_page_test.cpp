// The approval queue page (Store::ListQueue): the same drafts in the same order as ListDrafts' most urgent
// first, keyset paging that neither repeats nor loses a draft while drafts arrive, brand scopes, the order
// kept by triggers when a case's priority or deadline changes, and a query plan that walks an index instead
// of sorting the queue; the API's kept pages (QueuePageCache).
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>

#include "daemon/approval_queue.h"
#include "daemon/queue_page_cache.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

struct QueueFixture {
  fs::path dir;
  FakeClock clock{At("2026-11-23T09:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  std::vector<Brand> brands;
  std::vector<Source> sources;
  int next_post = 0;

  QueueFixture() {
    dir = testing::MakeTempDir("odziv-queue");
    store = testing::OpenTempStore(dir, &clock);
    for (const char* slug : {"zrno", "kafana", "pekara"}) {
      Brand b;
      b.slug = slug;
      b.name = std::string("Brand ") + slug;
      brands.push_back(store->AddBrand(b).value());
      Source s;
      s.brand_id = brands.back().id;
      s.name = std::string(slug) + "-x";
      s.platform = "x";
      sources.push_back(store->AddSource(s).value());
    }
  }
  ~QueueFixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // A post of brand `b` with a case of `priority` due in `due_minutes` (none when negative), judged when
  // `judged`, and a pending draft for it. Returns the draft.
  StoredDraft Queue(std::size_t b, int priority, int due_minutes, bool judged = true) {
    Post p;
    p.platform = "x";
    p.external_id = fmt::format("p{}", ++next_post);
    p.thread_id = p.external_id;
    p.author = Author{"a" + p.external_id, "@kupac", "Kupac", 5};
    p.text = "Gdje je moja narudžba?";
    p.created_at = clock.Now();
    const std::int64_t post_id =
        store->IngestPage(sources[b].id, std::vector<Post>{p}, "", clock.Now(), std::nullopt)->inserted_ids.at(0);
    if (judged) {
      Assessment a;
      a.label = SentimentLabel::kNegative;
      a.sentiment = -0.5;
      a.language = "bs";
      a.script = "latin";
      a.topics = {"delivery"};
      a.priority = priority;
      a.urgency = 40;
      REQUIRE(store->SaveAssessment(post_id, a, TriageRecord{}, clock.Now()));
    }
    Case c;
    c.brand_id = brands[b].id;
    c.priority = priority;
    c.platform = "x";
    c.first_post_id = post_id;
    if (due_minutes >= 0) c.due_at = clock.Now() + std::chrono::minutes(due_minutes);
    CaseChange open;
    open.action = "case.open";
    const Case stored = store->CreateCase(c, open, clock.Now()).value();
    StoredDraft d;
    d.case_id = stored.id;
    d.post_id = post_id;
    d.text = "Javićemo se odmah.";
    d.language = "bs";
    DraftChange change;
    change.action = "draft.create";
    return store->AddDraft(d, change, clock.Now()).value();
  }

  // A varied queue: three brands, every priority, equal and missing deadlines, unjudged posts, and drafts
  // that left the queue (approved, rejected).
  void Mix(int count) {
    std::mt19937 rng(7);
    for (int i = 0; i < count; ++i) {
      const StoredDraft d = Queue(rng() % 3, 1 + static_cast<int>(rng() % 4),
                                  (rng() % 4 == 0) ? -1 : static_cast<int>(rng() % 5) * 30, rng() % 5 != 0);
      if (rng() % 6 == 0) {
        StoredDraft decided = d;
        decided.status = (rng() % 2) ? DraftStatus::kApproved : DraftStatus::kRejected;
        decided.decided_by = "ana";
        decided.decided_at = clock.Now();
        DraftChange change;
        change.action = "draft.reject";
        REQUIRE(store->UpdateDraft(decided, change, clock.Now()));
      }
    }
  }

  std::vector<std::int64_t> UrgentIds(std::vector<std::int64_t> brand_ids = {}) {
    DraftFilter filter;
    filter.statuses = {DraftStatus::kPending};
    filter.most_urgent_first = true;
    filter.brand_ids = std::move(brand_ids);
    filter.limit = 10000;
    std::vector<std::int64_t> ids;
    const std::vector<StoredDraft> drafts = store->ListDrafts(filter).value();
    for (const StoredDraft& d : drafts) ids.push_back(d.id);
    return ids;
  }

  // Every page of the queue under `filter`, `page_size` at a time; `between` runs after each page.
  std::vector<QueueRow> AllPages(QueueFilter filter, std::size_t page_size,
                                 const std::function<void()>& between = [] {}) {
    filter.limit = page_size;
    std::vector<QueueRow> rows;
    for (int guard = 0; guard < 10000; ++guard) {
      QueuePage page = store->ListQueue(filter).value();
      REQUIRE(page.rows.size() <= page_size);
      for (QueueRow& r : page.rows) rows.push_back(std::move(r));
      if (!page.next) break;
      CHECK(page.next == rows.back().Key());
      filter.after = page.next;
      between();
    }
    return rows;
  }
};

std::vector<std::int64_t> DraftIds(const std::vector<QueueRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const QueueRow& r : rows) ids.push_back(r.draft.id);
  return ids;
}

}  // namespace

TEST_CASE("a queue page holds the drafts ListDrafts gives most urgent first, in the same order") {
  QueueFixture f;
  f.Mix(60);
  const std::vector<std::int64_t> expected = f.UrgentIds();
  REQUIRE(expected.size() > 30);
  QueueFilter filter;
  filter.limit = 1000;
  QueuePage page = f.store->ListQueue(filter).value();
  CHECK(DraftIds(page.rows) == expected);
  CHECK_FALSE(page.next);
  for (const QueueRow& row : page.rows) {
    CHECK(row.draft.status == DraftStatus::kPending);
    CHECK(row.case_.id == row.draft.case_id);
    CHECK(row.post.id == row.draft.post_id);
    CHECK(row.draft.brand_id == row.case_.brand_id);
    auto brand = f.store->GetBrandById(row.case_.brand_id).value();
    CHECK(row.brand_slug == brand.slug);
    CHECK(row.brand_name == brand.name);
    auto assessment = f.store->GetAssessment(row.post.id);
    REQUIRE(bool(assessment) == row.assessment.has_value());
    if (assessment) CHECK(row.assessment->topics == assessment->topics);
    CHECK(row.post.post.text == f.store->GetPost(row.post.id)->post.text);
  }
  // The approval queue reads the same page.
  ApprovalQueue queue(*f.store);
  CHECK(DraftIds(queue.List(std::nullopt, std::nullopt, 1000).value()) == expected);
}

TEST_CASE("queue pages neither repeat nor lose a draft while new drafts arrive between them") {
  QueueFixture f;
  f.Mix(40);
  const std::vector<std::int64_t> before = f.UrgentIds();
  std::mt19937 rng(11);
  int added = 0;
  const std::vector<QueueRow> rows = f.AllPages(QueueFilter{}, 7, [&] {
    // Drafts more urgent than the page read so far, as urgent, and less urgent.
    f.Queue(rng() % 3, 1 + static_cast<int>(rng() % 4), static_cast<int>(rng() % 5) * 30);
    ++added;
  });
  REQUIRE(added > 3);
  const std::vector<std::int64_t> ids = DraftIds(rows);
  const std::set<std::int64_t> unique(ids.begin(), ids.end());
  CHECK(unique.size() == ids.size());
  for (std::int64_t id : before) CHECK(unique.contains(id));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const QueueKey a = rows[i - 1].Key(), b = rows[i].Key();
    CHECK(std::tie(a.priority, a.due_ms, a.draft_id) < std::tie(b.priority, b.due_ms, b.draft_id));
  }
  // Paged or not, the queue at rest is one order.
  CHECK(DraftIds(f.AllPages(QueueFilter{}, 5)) == f.UrgentIds());
}

TEST_CASE("a queue page shows only the brands asked for and those the person may see") {
  QueueFixture f;
  f.Mix(45);
  const std::int64_t zrno = f.brands[0].id, kafana = f.brands[1].id, pekara = f.brands[2].id;
  QueueFilter two;
  two.brand_ids = {zrno, pekara};
  CHECK(DraftIds(f.AllPages(two, 4)) == f.UrgentIds({zrno, pekara}));
  QueueFilter one;
  one.brand_id = kafana;
  CHECK(DraftIds(f.AllPages(one, 4)) == f.UrgentIds({kafana}));
  QueueFilter outside;
  outside.brand_ids = {zrno};
  outside.brand_id = kafana;
  CHECK(f.store->ListQueue(outside)->rows.empty());

  User agent;
  agent.login = "ana";
  agent.brand_roles = {{zrno, "agent"}};
  agent = f.store->AddUser(agent).value();
  ApprovalQueue queue(*f.store);
  CHECK(DraftIds(queue.List(agent, std::nullopt, 500).value()) == f.UrgentIds({zrno}));
  auto refused = queue.ListPage(agent, kafana, 10);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kPermissionDenied);
  QueueFilter too_many;
  too_many.limit = 10001;
  CHECK(f.store->ListQueue(too_many).error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("a case whose priority or deadline changes moves its draft in the queue") {
  QueueFixture f;
  const StoredDraft late = f.Queue(0, 4, -1);
  const StoredDraft soon = f.Queue(0, 2, 10);
  CHECK(DraftIds(f.store->ListQueue(QueueFilter{})->rows) == std::vector<std::int64_t>{soon.id, late.id});
  Case c = f.store->GetCase(late.case_id).value();
  c.priority = 1;
  c.due_at = f.clock.Now() + std::chrono::minutes(5);
  CaseChange change;
  change.action = "case.escalate";
  REQUIRE(f.store->UpdateCase(c, change, f.clock.Now()));
  CHECK(DraftIds(f.store->ListQueue(QueueFilter{})->rows) == std::vector<std::int64_t>{late.id, soon.id});
  CHECK(DraftIds(f.store->ListQueue(QueueFilter{})->rows) == f.UrgentIds());
  // A newer draft for the same case supersedes the old one in the queue.
  StoredDraft again;
  again.case_id = soon.case_id;
  again.post_id = soon.post_id;
  again.text = "Druga verzija.";
  DraftChange create;
  create.action = "draft.create";
  const StoredDraft newer = f.store->AddDraft(again, create, f.clock.Now()).value();
  CHECK(DraftIds(f.store->ListQueue(QueueFilter{})->rows) == std::vector<std::int64_t>{late.id, newer.id});
}

TEST_CASE("a queue page is read in index order, never by sorting the queue") {
  QueueFixture f;
  f.Mix(20);
  std::vector<QueueFilter> filters(4);
  filters[1].brand_ids = {f.brands[0].id, f.brands[2].id};
  filters[2].brand_id = f.brands[1].id;
  filters[3].brand_ids = {f.brands[0].id, f.brands[1].id};
  filters[3].after = QueueKey{2, ToUnixMillis(f.clock.Now()), 5};
  for (const QueueFilter& filter : filters) {
    const std::vector<std::string> plan = f.store->QueuePlan(filter).value();
    std::string text;
    for (const std::string& line : plan) text += line + "\n";
    INFO(text);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);
    CHECK(text.find("queue_order_by_") != std::string::npos);
    CHECK(text.find("SCAN d") == std::string::npos);
    CHECK(text.find("SCAN c") == std::string::npos);
    CHECK(text.find("SCAN p") == std::string::npos);
  }
}

// QueuePageCache (the API's kept queue pages): a page is answered only at the generation and within the age
// it was kept for, and the byte budget drops what can no longer be used first, then the oldest.
TEST_CASE("a kept queue page is used only at its store generation and within its age") {
  const Timestamp t0 = At("2026-11-23T09:00:00Z");
  QueuePageCache cache(std::chrono::seconds(1), 100);
  const StoreGeneration g{7, 40};
  cache.Keep("1,2/0/50/", g, t0, "page");
  REQUIRE(cache.Find("1,2/0/50/", g, t0) != nullptr);
  CHECK(*cache.Find("1,2/0/50/", g, t0 + std::chrono::milliseconds(999)) == "page");
  CHECK(cache.Find("1,2/0/50/", g, t0 + std::chrono::seconds(1)) == nullptr);
  CHECK(cache.Find("1,2/0/50/", g, t0 - std::chrono::milliseconds(1)) == nullptr);  // the clock went back
  CHECK(cache.Find("1,2/0/50/", StoreGeneration{7, 41}, t0) == nullptr);  // written here
  CHECK(cache.Find("1,2/0/50/", StoreGeneration{8, 40}, t0) == nullptr);  // written by another process
  CHECK(cache.Find("1/0/50/", g, t0) == nullptr);                        // other brands
  CHECK(cache.Find("1,2/0/20/", g, t0) == nullptr);                      // another query

  // 100 bytes in all: a stale page goes first, then the oldest usable one.
  cache.Keep("stale", StoreGeneration{6, 40}, t0, std::string(40, 's'));
  cache.Keep("a", g, t0, std::string(40, 'a'));
  cache.Keep("b", g, t0 + std::chrono::milliseconds(1), std::string(40, 'b'));
  CHECK(cache.Find("a", g, t0 + std::chrono::milliseconds(1)) != nullptr);
  CHECK(cache.size() == 3);  // "page", "a", "b": the stale one made room
  cache.Keep("c", g, t0 + std::chrono::milliseconds(2), std::string(40, 'c'));
  CHECK(cache.Find("a", g, t0 + std::chrono::milliseconds(2)) == nullptr);
  CHECK(cache.Find("b", g, t0 + std::chrono::milliseconds(2)) != nullptr);
  CHECK(cache.Find("c", g, t0 + std::chrono::milliseconds(2)) != nullptr);
  cache.Keep("huge", g, t0, std::string(101, 'h'));  // larger than the budget: not kept, nothing dropped
  CHECK(cache.Find("huge", g, t0) == nullptr);
  CHECK(cache.Find("c", g, t0 + std::chrono::milliseconds(2)) != nullptr);
}
