// bench/storage_scale/measure: times the queries a person hits on a big database (made by
// storage_scale_seed), through odziv's own Store and audit code, and prints each query's plan.
//
// Each query runs once on a freshly opened store (SQLite's page cache empty: "first"), then RUNS times more on
// that store (warm; twice when the first run took over a second, never when it took over five): the first
// run, the median and the maximum of the warm runs in milliseconds, and whether the first run and the warm
// maximum stay under GOAL ms. The approval queue is also walked page by page to
// its end through the cursor, and its slowest and last pages are reported.
//
// usage: storage_scale --db PATH [--runs 15] [--goal-ms 50]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "daemon/api_stats.h"
#include "daemon/sqlite_store.h"
#include "daemon/unanswered_audit.h"

using namespace odziv;
using daemon::SqliteStore;

namespace {

using Stopwatch = std::chrono::steady_clock;

double Ms(Stopwatch::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::unique_ptr<SqliteStore> OpenStore(const std::string& path) {
  daemon::SqliteStoreOptions options;
  options.path = path;
  options.create_if_missing = false;
  auto store = SqliteStore::Open(options);
  if (!store) {
    std::fprintf(stderr, "storage_scale: %s\n", Describe(store.error()).c_str());
    std::exit(1);
  }
  return std::move(*store);
}

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "storage_scale: %s: %s\n", what, Describe(result.error()).c_str());
    std::exit(1);
  }
  return std::move(*result);
}

// Every SQLite connection opened from here on appends the statements it starts (statements run by triggers
// left out) to *g_statements while it is set, with their parameters written in: the benchmark explains the
// queries behind each Store method without the store's help.
std::vector<std::string>* g_statements = nullptr;

int RecordStatement(unsigned /*type*/, void* /*context*/, void* statement, void* text) {
  if (!g_statements || std::string_view(static_cast<const char*>(text)).starts_with("--")) return 0;
  if (char* sql = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(statement))) {
    g_statements->emplace_back(sql);
    sqlite3_free(sql);
  }
  return 0;
}

int TraceConnection(sqlite3* db, const char** /*error*/, const void* /*api*/) {
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, RecordStatement, nullptr);
  return SQLITE_OK;
}

// EXPLAIN QUERY PLAN of `sql` on `db`, one line per step, indented two spaces per level.
std::vector<std::string> Explain(sqlite3* db, const std::string& sql) {
  std::vector<std::string> lines;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    lines.push_back(fmt::format("(cannot explain: {})", sqlite3_errmsg(db)));
    return lines;
  }
  std::map<std::int64_t, std::size_t> depth;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto parent = depth.find(sqlite3_column_int64(stmt, 1));
    const std::size_t level = parent == depth.end() ? 0 : parent->second + 1;
    depth[sqlite3_column_int64(stmt, 0)] = level;
    lines.push_back(std::string(2 * level, ' ') + reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
  }
  sqlite3_finalize(stmt);
  return lines;
}

// A query under test: returns how many rows it read back.
struct Query {
  std::string name;
  std::function<std::size_t(SqliteStore&)> run;
};

struct Figures {
  std::size_t rows = 0;
  double first = 0, median = 0, max = 0;
};

bool Passes(const Figures& f, double goal) { return f.first < goal && f.max < goal; }

void PrintRow(const std::string& name, const Figures& f, double goal) {
  std::printf("%-52s %9zu %9.2f %9.2f %9.2f  %s\n", name.c_str(), f.rows, f.first, f.median, f.max,
              Passes(f, goal) ? "pass" : "FAIL");
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int runs = 15;
  double goal = 50;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--goal-ms")) goal = std::atof(argv[i + 1]);
  }
  if (path.empty() || runs < 1) {
    std::fprintf(stderr, "usage: storage_scale --db PATH [--runs 15] [--goal-ms 50]\n");
    return 2;
  }
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(TraceConnection));
  const Timestamp now = SystemClock().Now();
  std::vector<std::int64_t> all_brands;
  std::int64_t big_brand = 0, posts = 0, cases = 0;
  {
    auto store = OpenStore(path);
    for (const Brand& b : Must(store->ListBrands(), "listing brands")) all_brands.push_back(b.id);
    big_brand = Must(store->GetBrand("brand0"), "reading brand0").id;
    posts = Must(store->CountPosts(std::nullopt), "counting posts");
    CasePageFilter newest;
    newest.brand_ids = all_brands;
    newest.limit = 1;
    cases = Must(store->ListCasePage(newest), "reading the newest case").front().id;
  }
  const std::vector<std::int64_t> ten_brands(all_brands.begin(), all_brands.begin() + std::min<std::size_t>(10, all_brands.size()));
  auto since = [&](std::chrono::hours h) { return std::optional<Timestamp>(now - h); };

  // The approval queue, walked to its end as a person paging through it would.
  std::optional<QueueKey> middle_key, last_key;
  double slowest_page = 0;
  std::size_t pages = 0, queued = 0;
  {
    auto store = OpenStore(path);
    QueueFilter filter;
    filter.brand_ids = all_brands;
    std::vector<QueueKey> keys;
    for (;;) {
      const auto started = Stopwatch::now();
      QueuePage page = Must(store->ListQueue(filter), "reading a queue page");
      slowest_page = std::max(slowest_page, Ms(Stopwatch::now() - started));
      ++pages;
      queued += page.rows.size();
      if (!page.next) break;
      keys.push_back(*page.next);
      filter.after = page.next;
    }
    if (!keys.empty()) {
      middle_key = keys[keys.size() / 2];
      last_key = keys.back();
    }
  }

  auto queue = [](std::vector<std::int64_t> brands, std::optional<std::int64_t> brand, std::optional<QueueKey> after) {
    return [=](SqliteStore& s) {
      QueueFilter f;
      f.brand_ids = brands;
      f.brand_id = brand;
      f.after = after;
      return Must(s.ListQueue(f), "queue page").rows.size();
    };
  };
  auto audit = [&](std::optional<std::int64_t> brand, std::optional<Timestamp> from) {
    return [=](SqliteStore& s) {
      return Must(daemon::FindUnanswered(s, daemon::UnansweredQuery{brand, from, now}), "audit").size();
    };
  };
  auto post_page = [](std::vector<std::int64_t> brands, std::optional<SentimentLabel> label,
                      std::optional<std::string> platform, std::optional<std::int64_t> before) {
    return [=](SqliteStore& s) {
      PostPageFilter f;
      f.brand_ids = brands;
      f.label = label;
      f.platform = platform;
      f.before_id = before;
      return Must(s.ListPostPage(f), "post page").size();
    };
  };
  auto case_page = [](std::vector<std::int64_t> brands, std::vector<CaseState> states, bool urgent,
                      std::optional<std::int64_t> before) {
    return [=](SqliteStore& s) {
      CasePageFilter f;
      f.brand_ids = brands;
      f.states = states;
      f.most_urgent_first = urgent;
      f.before_id = before;
      return Must(s.ListCasePage(f), "case page").size();
    };
  };
  const std::vector<CaseState> unanswered{CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied};
  std::vector<Query> queries = {
      {"queue: first page, all brands", queue(all_brands, std::nullopt, std::nullopt)},
      {"queue: first page, one brand", queue(all_brands, big_brand, std::nullopt)},
      {"queue: first page, 10 of the brands", queue(ten_brands, std::nullopt, std::nullopt)},
      {"queue: middle page (cursor), all brands", queue(all_brands, std::nullopt, middle_key)},
      {"queue: last page (cursor), all brands", queue(all_brands, std::nullopt, last_key)},
      {"audit unanswered --since 24h", audit(std::nullopt, since(std::chrono::hours(24)))},
      {"audit unanswered --since 7d", audit(std::nullopt, since(std::chrono::hours(24 * 7)))},
      {"audit unanswered --since 7d --brand (biggest)", audit(big_brand, since(std::chrono::hours(24 * 7)))},
      {"audit unanswered --since 30d", audit(std::nullopt, since(std::chrono::hours(24 * 30)))},
      {"posts: first page, all brands", post_page(all_brands, std::nullopt, std::nullopt, std::nullopt)},
      {"posts: middle page (cursor), all brands", post_page(all_brands, std::nullopt, std::nullopt, posts / 2)},
      {"posts: label neg, middle page", post_page(all_brands, SentimentLabel::kNegative, std::nullopt, posts / 2)},
      {"posts: platform google, one brand", post_page({big_brand}, std::nullopt, "google", std::nullopt)},
      {"cases: open, newest first", case_page(all_brands, {CaseState::kOpen}, false, std::nullopt)},
      {"cases: closed, middle page (cursor)", case_page(all_brands, {CaseState::kClosed}, false, cases / 2)},
      {"cases: unanswered, most urgent first", case_page(all_brands, unanswered, true, std::nullopt)},
      {"cases: every state, most urgent first", case_page(all_brands, {}, true, std::nullopt)},
      {"cases: one brand, newest first", case_page({big_brand}, {}, false, std::nullopt)},
      // The buckets the API asks for (GET /api/v1/stats?brand=…&from=<29 days ago>): days in the brand's zone,
      // the first from midnight, the last until now.
      {"dashboard: one brand, 30 days as the API asks",
       [&](SqliteStore& s) {
         auto bounds = daemon::StatsBuckets(now - std::chrono::hours(24 * 29), now, true, "Europe/Sarajevo");
         DashboardQuery q{{big_brand}, Must(std::move(bounds), "buckets"), now};
         return Must(s.DashboardStatistics(q), "dashboard").buckets.size();
       }},
      // Bounds that no API request makes (every one mid-way through a quarter hour): the worst case.
      {"dashboard: one brand, 30 × 24 h back from now",
       [&](SqliteStore& s) {
         DashboardQuery q{{big_brand}, {}, now};
         for (int d = 30; d >= 0; --d) q.bounds.push_back(now - std::chrono::hours(24 * d));
         return Must(s.DashboardStatistics(q), "dashboard").buckets.size();
       }},
      {"metrics: operations counts", [&](SqliteStore& s) {
         return Must(s.CountOperations(now), "operations").deliveries.size();
       }},
  };

  const auto bytes = std::filesystem::file_size(path);
  std::printf("database: %.2f GB for %lld posts (after checkpoint): %.0f MB per million posts; SQLite %s\n",
              static_cast<double>(bytes) / 1e9, static_cast<long long>(posts),
              static_cast<double>(bytes) / 1e6 / (static_cast<double>(posts) / 1e6), sqlite3_libversion());
  std::printf("%lld posts; approval queue: %zu pending drafts, walked in %zu pages of 50, slowest page %.2f ms\n",
              static_cast<long long>(posts), queued, pages, slowest_page);
  std::printf("%-52s %9s %9s %9s %9s  goal < %.0f ms\n", "query", "rows", "first-ms", "median-ms", "max-ms", goal);
  std::vector<std::pair<std::string, std::vector<std::string>>> plans;
  sqlite3* explainer = nullptr;
  if (sqlite3_open_v2(path.c_str(), &explainer, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "storage_scale: cannot open %s to explain queries\n", path.c_str());
    return 1;
  }
  int failures = 0;
  for (const Query& query : queries) {
    Figures f;
    auto store = OpenStore(path);
    const auto started = Stopwatch::now();
    f.rows = query.run(*store);
    f.first = Ms(Stopwatch::now() - started);
    std::vector<std::string> statements;  // from a run of its own, so that recording costs no timed run
    g_statements = &statements;
    query.run(*store);
    g_statements = nullptr;
    std::vector<double> times;
    // A query of seconds needs no 15 samples: twice more over a second, not again over five.
    const int warm_runs = f.first > 5000 ? 0 : f.first > 1000 ? 2 : runs;
    if (warm_runs == 0) times.push_back(f.first);
    for (int r = 0; r < warm_runs; ++r) {
      const auto run_started = Stopwatch::now();
      query.run(*store);
      times.push_back(Ms(Stopwatch::now() - run_started));
    }
    std::sort(times.begin(), times.end());
    f.median = times[times.size() / 2];
    f.max = times.back();
    PrintRow(query.name, f, goal);
    if (!Passes(f, goal)) ++failures;
    // Each distinct statement once (pages of one walk differ only in their parameters).
    std::set<std::string> seen;
    std::vector<std::string> plan;
    for (const std::string& sql : statements) {
      const auto lines = Explain(explainer, sql);
      std::string key;
      for (const auto& line : lines) key += line + "\n";
      if (!seen.insert(key).second) continue;
      plan.push_back(fmt::format("{}{}", sql.substr(0, 160), sql.size() > 160 ? " …" : ""));
      for (const auto& line : lines) plan.push_back("    " + line);
    }
    plans.emplace_back(query.name, std::move(plan));
  }
  std::printf("%d of %zu queries over the goal\n\nquery plans (EXPLAIN QUERY PLAN of each distinct statement):\n",
              failures, queries.size());
  for (const auto& [name, plan] : plans) {
    std::printf("-- %s\n", name.c_str());
    for (const auto& line : plan) std::printf("  %s\n", line.c_str());
  }
  sqlite3_close(explainer);
  return failures == 0 ? 0 : 1;
}
