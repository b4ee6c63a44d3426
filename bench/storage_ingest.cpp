// bench/storage_ingest: how fast odziv stores fetched posts, next to the machine's ceiling for the same
// rows, in one run. odziv's side is Store::IngestPage (dedup, edit detection, cursor and poll state in the
// same transaction, indexes for the queue and the audit); the ceiling is plain SQLite INSERTs of the same
// column values into a table with only the unique key, in transactions of the same size, with the same
// durability settings (WAL, synchronous=FULL). Reports posts per second, the ratio, time per post as the
// database grows, bytes per stored post and peak memory.
//
// usage: storage_ingest [--sizes 10000,100000,1000000] [--batch 100] [--dir DIR] [--only ceiling]
//
// --only ceiling measures the ceiling alone (bench/ingest/run uses it as the ceiling of its end-to-end run).
#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

std::vector<Post> MakePosts(std::size_t count, std::uint64_t seed) {
  static const char* kWords[] = {"kafa", "hladna", "delivery", "late", "odlično", "čekam", "narudžba", "thanks",
                                 "kroasan", "osoblje", "refund", "sporo", "super", "Sarajevo", "Beograd", "great",
                                 "never", "again", "ljubazno", "😊", "☕", "zašto", "kasni", "love", "the", "app"};
  std::mt19937_64 rng(seed);
  std::vector<Post> posts(count);
  for (std::size_t i = 0; i < count; ++i) {
    Post& p = posts[i];
    p.platform = "x";
    p.external_id = fmt::format("{}", 1'700'000'000'000'000'000ULL + i);
    p.kind = PostKind::kMention;
    p.thread_id = p.external_id;
    std::size_t author = rng() % 5000;
    p.author = Author{fmt::format("u{}", author), fmt::format("@user{}", author), fmt::format("User {}", author),
                      static_cast<std::int64_t>(rng() % 100000)};
    for (int w = 0; w < 18; ++w) p.text += std::string(w ? " " : "") + kWords[rng() % std::size(kWords)];
    p.language = (rng() % 2) ? "en" : "bs";
    p.url = "https://x.com/i/web/status/" + p.external_id;
    p.created_at = FromUnixSeconds(1'790'000'000 + static_cast<std::int64_t>(i));
    p.metrics = PostMetrics{static_cast<std::int64_t>(rng() % 50), static_cast<std::int64_t>(rng() % 5), 0, 0};
  }
  return posts;
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "ceiling: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// Seconds to insert `posts` with plain SQLite, batched like odziv's pages.
double Ceiling(const std::vector<Post>& posts, std::size_t batch, const fs::path& file) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(file.c_str(), &db), db, "open");
  for (const char* sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                          "CREATE TABLE posts (id INTEGER PRIMARY KEY, brand_id INTEGER, source_id INTEGER, "
                          "platform TEXT, external_id TEXT, kind TEXT, thread_id TEXT, parent_id TEXT, author_id TEXT, "
                          "author_handle TEXT, author_name TEXT, author_reach INTEGER, text TEXT, language TEXT, "
                          "rating INTEGER, url TEXT, created_at INTEGER, likes INTEGER, replies INTEGER, "
                          "fetched_at INTEGER, updated_at INTEGER, UNIQUE (brand_id, platform, external_id))"})
    Check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
  sqlite3_stmt* insert = nullptr;
  Check(sqlite3_prepare_v2(db,
                           "INSERT INTO posts (brand_id, source_id, platform, external_id, kind, thread_id, parent_id, "
                           "author_id, author_handle, author_name, author_reach, text, language, rating, url, "
                           "created_at, likes, replies, fetched_at, updated_at) "
                           "VALUES (1, 1, ?, ?, 'mention', ?, '', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                           -1, &insert, nullptr),
        db, "prepare");
  auto start = Steady::now();
  for (std::size_t i = 0; i < posts.size(); i += batch) {
    Check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    for (std::size_t j = i; j < std::min(posts.size(), i + batch); ++j) {
      const Post& p = posts[j];
      int k = 1;
      auto text = [&](const std::string& s) { sqlite3_bind_text(insert, k++, s.data(), static_cast<int>(s.size()), SQLITE_STATIC); };
      auto num = [&](std::int64_t v) { sqlite3_bind_int64(insert, k++, v); };
      text(p.platform);
      text(p.external_id);
      text(p.thread_id);
      text(p.author.id);
      text(p.author.handle);
      text(p.author.name);
      num(p.author.reach);
      text(p.text);
      text(p.language);
      text(p.url);
      num(ToUnixMillis(p.created_at));
      num(p.metrics.likes);
      num(p.metrics.replies);
      num(1);
      num(1);
      Check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  }
  double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return seconds;
}

struct OdzivRun {
  double seconds = 0;
  std::vector<double> decile_us_per_post;  // time per post in each tenth of the run
  std::uintmax_t bytes = 0;
};

OdzivRun Odziv(const std::vector<Post>& posts, std::size_t batch, const fs::path& file) {
  daemon::SqliteStoreOptions options;
  options.path = file;
  auto store = daemon::OpenSqliteStore(options).value();
  Brand brand;
  brand.slug = "bench";
  brand.name = "Bench";
  auto b = store->AddBrand(brand).value();
  Source source;
  source.brand_id = b.id;
  source.name = "bench-x";
  source.platform = "x";
  auto s = store->AddSource(source).value();
  SystemClock clock;
  OdzivRun run;
  const std::size_t tenth = std::max<std::size_t>(1, posts.size() / 10);
  auto start = Steady::now(), decile_start = start;
  std::size_t decile_posts = 0;
  for (std::size_t i = 0; i < posts.size(); i += batch) {
    std::size_t n = std::min(batch, posts.size() - i);
    auto report = store->IngestPage(s.id, std::span<const Post>(posts.data() + i, n), posts[i + n - 1].external_id,
                                    clock.Now(), std::nullopt);
    if (!report || report->inserted != n) {
      std::fprintf(stderr, "odziv: ingest failed: %s\n", report ? "not all inserted" : report.error().message.c_str());
      std::exit(1);
    }
    decile_posts += n;
    if (decile_posts >= tenth || i + n == posts.size()) {
      auto now = Steady::now();
      run.decile_us_per_post.push_back(std::chrono::duration<double, std::micro>(now - decile_start).count() / decile_posts);
      decile_start = now;
      decile_posts = 0;
    }
  }
  run.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  store.reset();
  for (const char* suffix : {"", "-wal"})
    if (fs::exists(file.string() + suffix)) run.bytes += fs::file_size(file.string() + suffix);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes = {10'000, 100'000, 1'000'000};
  std::size_t batch = 100;
  fs::path dir = fs::temp_directory_path() / "odziv-bench-storage";
  bool ceiling_only = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--sizes") {
      sizes.clear();
      for (char* part = std::strtok(argv[i + 1], ","); part; part = std::strtok(nullptr, ","))
        sizes.push_back(std::strtoull(part, nullptr, 10));
    } else if (flag == "--batch") {
      batch = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else if (flag == "--only" && std::string(argv[i + 1]) == "ceiling") {
      ceiling_only = true;
    } else {
      std::fprintf(stderr, "usage: storage_ingest [--sizes 10000,100000] [--batch 100] [--dir DIR] [--only ceiling]\n");
      return 2;
    }
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("storage ingest: %zu posts a page, WAL, synchronous=FULL, on %s\n\n", batch, dir.c_str());
  if (ceiling_only) {
    std::printf("%10s %14s\n", "posts", "ceiling /s");
    for (std::size_t size : sizes) {
      auto posts = MakePosts(size, 42);
      double ceiling = Ceiling(posts, batch, dir / fmt::format("ceiling-{}.db", size));
      std::printf("%10zu %14.0f\n", size, static_cast<double>(size) / ceiling);
    }
    fs::remove_all(dir);
    return 0;
  }
  std::printf("%10s %14s %14s %8s %16s %14s\n", "posts", "odziv posts/s", "ceiling /s", "ratio", "bytes/post",
              "us/post 1st→10th tenth");
  for (std::size_t size : sizes) {
    auto posts = MakePosts(size, 42);
    double ceiling = Ceiling(posts, batch, dir / fmt::format("ceiling-{}.db", size));
    OdzivRun run = Odziv(posts, batch, dir / fmt::format("odziv-{}.db", size));
    double odziv_rate = static_cast<double>(size) / run.seconds, ceiling_rate = static_cast<double>(size) / ceiling;
    std::printf("%10zu %14.0f %14.0f %8.2f %16.0f %7.1f → %.1f\n", size, odziv_rate, ceiling_rate,
                odziv_rate / ceiling_rate, static_cast<double>(run.bytes) / static_cast<double>(size),
                run.decile_us_per_post.front(), run.decile_us_per_post.back());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak resident memory: %.0f MB (both sides, posts held in memory)\n", usage.ru_maxrss / 1024.0);
  fs::remove_all(dir);
  return 0;
}
