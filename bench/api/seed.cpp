// bench/api/seed: fills an odziv database with an agency's busy approval queue for the API benchmark: BRANDS
// brands, each with one source (paused: the daemon polls nothing), and CASES open cases in all, each with its judged post and one pending draft.
// The schema comes from odziv's own migrations (SqliteStore::Open); the rows are written with plain INSERTs
// in one transaction, so that 100,000 cases take seconds. The queue's order rows are written by the schema's
// own triggers, as in production.
//
// usage: api_seed --db PATH [--cases 100000] [--brands 4]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <fmt/format.h>

#include "bench/seed_sql.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using bench::Check;
using bench::Exec;
using bench::Statement;

int main(int argc, char** argv) {
  bench::tool_name = "api_seed";
  std::string path;
  long cases = 100000, brands = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--cases")) cases = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--brands")) brands = std::atol(argv[i + 1]);
  }
  if (path.empty() || cases < 1 || brands < 1) {
    std::fprintf(stderr, "usage: api_seed --db PATH [--cases 100000] [--brands 4]\n");
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  bench::CreateSchema(path);
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "opening the database");
  Check(sqlite3_exec(db, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; BEGIN", nullptr, nullptr, nullptr), db,
        "starting");

  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::vector<std::int64_t> brand_ids, source_ids;
  {
    Statement brand(db, "INSERT INTO brands (slug, name, timezone, created_at) VALUES (?, ?, 'Europe/Sarajevo', ?)");
    Statement source(db, "INSERT INTO sources (brand_id, name, platform, paused, created_at) VALUES (?, ?, 'x', 1, ?)");
    for (long b = 0; b < brands; ++b) {
      brand_ids.push_back(
          brand.Text(1, fmt::format("brand{}", b)).Text(2, fmt::format("Brand {}", b)).Int(3, now).Run("brand"));
      source_ids.push_back(
          source.Int(1, brand_ids.back()).Text(2, fmt::format("brand{}-x", b)).Int(3, now).Run("source"));
    }
  }
  {
  Statement post(db,
                 "INSERT INTO posts (brand_id, source_id, platform, external_id, kind, thread_id, author_id, "
                 "author_handle, author_name, author_reach, text, language, url, created_at, fetched_at, updated_at) "
                 "VALUES (?1, ?2, 'x', ?3, 'mention', ?3, ?4, ?5, ?6, ?7, ?8, 'bs', ?9, ?10, ?10, ?10)");
  Statement assessment(db,
                       "INSERT INTO assessments (post_id, sentiment, label, confidence, language, script, topics, "
                       "intents, urgency, priority, reasons, model_version, assessed_at) VALUES (?1, -0.6, 'neg', "
                       "0.8, 'bs', 'latin', ?2, '[\"complaint\"]', ?3, ?4, ?5, 'bench', ?6)");
  Statement open_case(db,
                      "INSERT INTO cases (brand_id, status, priority, opened_at, sla_due_at, updated_at, platform, "
                      "thread_id, author_id, author_handle, language, first_post_id, sla_policy, sla_started_at, "
                      "sla_budget_ms, last_post_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4, 'x', ?6, ?7, ?8, 'bs', ?9, "
                      "'standard', ?10, ?5 - ?10, ?4)");
  Statement case_post(db, "INSERT INTO case_posts (case_id, post_id, added_at) VALUES (?, ?, ?)");
  Statement draft(db,
                  "INSERT INTO drafts (case_id, post_id, text, language, script, template, status, created_at) "
                  "VALUES (?, ?, ?, 'bs', 'latin', 'complaint', 'pending', ?)");
  static const char* kTopics[] = {"[\"delivery\"]", "[\"billing\"]", "[\"quality\"]", "[\"staff\"]",
                                  "[\"delivery\",\"billing\"]"};
  std::mt19937_64 rng(42);
  for (long i = 0; i < cases; ++i) {
    const std::size_t b = static_cast<std::size_t>(i % brands);
    const std::int64_t created = now - static_cast<std::int64_t>(rng() % (3 * 86400)) * 1000;
    const std::string id = fmt::format("{}", 1'800'000'000'000'000'000LL + i);
    const std::string author = fmt::format("u{}", rng() % 20000);
    const std::int64_t post_id =
        post.Int(1, brand_ids[b])
            .Int(2, source_ids[b])
            .Text(3, id)
            .Text(4, author)
            .Text(5, "@" + author)
            .Text(6, "Kupac " + author)
            .Int(7, static_cast<std::int64_t>(rng() % 5000))
            .Text(8, "Narudžba kasni već tri dana, a na mail niko ne odgovara. Šta se dešava? Čekam povrat novca.")
            .Text(9, "https://x.com/i/web/status/" + id)
            .Int(10, created)
            .Run("post");
    const int priority = 1 + static_cast<int>(rng() % 4);
    assessment.Int(1, post_id)
        .Text(2, kTopics[rng() % std::size(kTopics)])
        .Int(3, 100 - priority * 20)
        .Int(4, priority)
        .Text(5, "[\"late delivery\",\"no answer by mail\"]")
        .Int(6, created)
        .Run("assessment");
    // Deadlines days ahead: the daemon's SLA watchdog has nothing to escalate while the benchmark runs.
    const std::int64_t due = now + static_cast<std::int64_t>(2 * 86400 + rng() % (5 * 86400)) * 1000;
    const std::int64_t case_id = open_case.Int(1, brand_ids[b])
                                     .Text(2, "awaiting_approval")
                                     .Int(3, priority)
                                     .Int(4, created)
                                     .Int(5, due)
                                     .Text(6, id)
                                     .Text(7, author)
                                     .Text(8, "@" + author)
                                     .Int(9, post_id)
                                     .Int(10, now)  // the SLA clock starts now: no escalation is due
                                     .Run("case");
    case_post.Int(1, case_id).Int(2, post_id).Int(3, created).Run("case post");
    draft.Int(1, case_id)
        .Int(2, post_id)
        .Text(3, "Poštovani, izvinjavamo se zbog kašnjenja. Provjerili smo narudžbu i javljamo se u poruci.")
        .Int(4, created)
        .Run("draft");
  }
  }
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "committing");
  Check(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), db, "checkpointing");
  sqlite3_close(db);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("seeded %ld open cases with pending drafts across %ld brands in %.1f s\n", cases, brands, seconds);

  // The page the API reads, timed in this process: one query (Store::ListQueue) against what the approval
  // queue did before it, one query for the drafts and then the case, post, assessment and brand of each.
  daemon::SqliteStoreOptions options;
  options.path = path;
  auto store = daemon::SqliteStore::Open(options);
  if (!store) return 1;
  constexpr int kRounds = 50;
  auto time_per_page = [&](auto&& read) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) read();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / kRounds;
  };
  const double one_query = time_per_page([&] {
    QueueFilter filter;
    filter.limit = 50;
    if (!(*store)->ListQueue(filter)) std::exit(1);
  });
  const double per_item = time_per_page([&] {
    DraftFilter filter;
    filter.statuses = {DraftStatus::kPending};
    filter.most_urgent_first = true;
    filter.limit = 50;
    auto drafts = (*store)->ListDrafts(filter);
    if (!drafts) std::exit(1);
    for (const StoredDraft& d : *drafts) {
      if (!(*store)->GetCase(d.case_id) || !(*store)->GetPost(d.post_id) || !(*store)->GetBrandById(d.brand_id))
        std::exit(1);
      (void)(*store)->GetAssessment(d.post_id);
    }
  });
  std::printf("a queue page of 50: %.2f ms in one query, %.2f ms with a query per draft (%.1fx)\n", one_query,
              per_item, per_item / one_query);
  return 0;
}
