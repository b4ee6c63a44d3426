// SqliteStore: dashboard statistics. The buckets go to SQLite as one JSON parameter ([[from, to], …] in Unix
// milliseconds) that each query turns into a table and joins to posts or cases by time, driven by the bucket
// (CROSS JOIN keeps that order) so that each bucket is an index range (posts_by_brand_created and the case
// indexes of schema 4). Posts and topics are summed from the counts that triggers keep per 15 minutes
// (migration 12). A few grouped queries per request, whatever the number of buckets or brands.
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_store.h"

namespace odziv::daemon {
namespace {

using namespace sqlite_rows;

constexpr std::string_view kBuckets =
    "WITH bucket (i, lo, hi) AS (SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), "
    "json_extract(value, '$[1]') FROM json_each(?)) ";
// Parts of buckets as [bucket, from, to) triples: Unix milliseconds of posts at the edges, or slots of
// post_counts and topic_counts.
constexpr std::string_view kPieces =
    "WITH piece (i, lo, hi) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]') FROM json_each(?)) ";
constexpr std::int64_t kSlotMs = 900'000;  // post_counts and topic_counts count per 15 minutes (migration 12)
// When a case got its first response: odziv's reply sent, else the brand's reply seen on the platform.
constexpr std::string_view kAnsweredAt = "coalesce(c.replied_at, c.confirmed_at)";

std::string BrandList(std::string_view column, std::size_t count) {
  std::string out = fmt::format("{} IN (", column);
  for (std::size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out + ")";
}

// Runs `sql` (bounds first, then the brands, then `extra`) and hands each row to `read`.
template <class Read>
Status EachRow(sqlite3* db, const std::string& sql, const std::string& bounds, const std::vector<std::int64_t>& brands,
               const std::vector<SqlValue>& extra, Read read) {
  std::vector<SqlValue> params;
  if (!bounds.empty()) params.emplace_back(bounds);
  for (std::int64_t id : brands) params.emplace_back(id);
  params.insert(params.end(), extra.begin(), extra.end());
  auto stmt = QueryWith(db, sql, params);
  if (!stmt) return Fail(stmt.error());
  for (;;) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return {};
    read(*stmt);
  }
}

}  // namespace

Result<Dashboard> SqliteStore::DashboardStatistics(const DashboardQuery& query) {
  if (query.brand_ids.empty()) return Fail(ErrorCode::kInvalidArgument, "statistics need at least one brand");
  if (query.bounds.size() < 2 || !std::is_sorted(query.bounds.begin(), query.bounds.end()))
    return Fail(ErrorCode::kInvalidArgument, "statistics need at least one bucket, in time order");
  const std::size_t n = query.bounds.size() - 1;
  std::string bounds = "[";
  for (std::size_t i = 0; i < n; ++i)
    bounds += fmt::format("{}[{},{}]", i == 0 ? "" : ",", ToUnixMillis(query.bounds[i]),
                          ToUnixMillis(query.bounds[i + 1]));
  bounds += "]";
  const std::size_t brands = query.brand_ids.size();
  const std::int64_t now = ToUnixMillis(query.now);

  Dashboard out;
  out.buckets.resize(n);
  auto bucket = [&](const SqliteStatement& row) -> DashboardBucket* {
    const std::int64_t i = row.Int(0);
    return i >= 0 && static_cast<std::size_t>(i) < n ? &out.buckets[static_cast<std::size_t>(i)] : nullptr;
  };

  Lock lock(*this);
  // One read transaction: every figure is of the same moment.
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);
  if (!tx) return Fail(tx.error());

  // Posts and topics: whole 15-minute slots from the counts the triggers keep (migration 12), the parts of a
  // bucket before its first whole slot and after its last (a range that starts or ends mid-slot: `from`, now)
  // from the posts themselves.
  std::string slots = "[", edges = "[";
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t lo = ToUnixMillis(query.bounds[i]), hi = ToUnixMillis(query.bounds[i + 1]);
    const std::int64_t first = lo >= 0 ? (lo + kSlotMs - 1) / kSlotMs : 0, end = hi >= 0 ? hi / kSlotMs : 0;
    auto edge = [&](std::int64_t from, std::int64_t to) {
      if (from < to) edges += fmt::format("{}[{},{},{}]", edges.size() > 1 ? "," : "", i, from, to);
    };
    if (lo >= 0 && first < end) {
      slots += fmt::format("{}[{},{},{}]", slots.size() > 1 ? "," : "", i, first, end);
      edge(lo, first * kSlotMs);
      edge(end * kSlotMs, hi);
    } else {
      edge(lo, hi);
    }
  }
  slots += "]";
  edges += "]";

  // A row of bucket, posts, and the posts labelled neg, neu and pos.
  auto label_counts = [&](const SqliteStatement& row) {
    if (DashboardBucket* b = bucket(row)) {
      b->posts += row.Int(1);
      b->neg += row.Int(2);
      b->neu += row.Int(3);
      b->pos += row.Int(4);
    }
  };
  auto posts = EachRow(db_,
                       fmt::format("{}SELECT b.i, c.posts, c.posts * (c.label = 'neg'), c.posts * (c.label = 'neu'), "
                                   "c.posts * (c.label = 'pos') FROM piece b CROSS JOIN post_counts c ON {} AND "
                                   "c.slot >= b.lo AND c.slot < b.hi AND c.posts != 0",
                                   kPieces, BrandList("c.brand_id", brands)),
                       slots, query.brand_ids, {}, label_counts);
  if (!posts) return Fail(posts.error().WithContext("counting posts"));
  const std::string posts_in_edge = fmt::format(
      "FROM piece b CROSS JOIN posts p ON {} AND p.created_at >= b.lo AND p.created_at < b.hi "
      "AND p.from_brand = 0 AND p.deleted_at IS NULL ",
      BrandList("p.brand_id", brands));
  const std::string newest_assessment = "a.id = (SELECT max(id) FROM assessments WHERE post_id = p.id)";
  if (edges.size() > 2) {
    auto edge_posts = EachRow(
        db_,
        fmt::format("{}SELECT b.i, count(*), sum(a.label = 'neg'), sum(a.label = 'neu'), sum(a.label = 'pos') {}"
                    "LEFT JOIN assessments a ON {} GROUP BY b.i",
                    kPieces, posts_in_edge, newest_assessment),
        edges, query.brand_ids, {}, label_counts);
    if (!edge_posts) return Fail(edge_posts.error().WithContext("counting posts"));
  }

  std::map<std::string, std::vector<std::int64_t>> topics;
  auto topic_count = [&](const SqliteStatement& row) {
    const std::int64_t i = row.Int(0);
    if (i < 0 || static_cast<std::size_t>(i) >= n) return;
    auto& counts = topics[row.Text(1)];
    counts.resize(n);
    counts[static_cast<std::size_t>(i)] += row.Int(2);
  };
  auto topic_counts = EachRow(
      db_,
      fmt::format("{}SELECT b.i, c.topic, c.posts FROM piece b CROSS JOIN topic_counts c ON {} AND "
                  "c.slot >= b.lo AND c.slot < b.hi AND c.posts != 0",
                  kPieces, BrandList("c.brand_id", brands)),
      slots, query.brand_ids, {}, topic_count);
  if (!topic_counts) return Fail(topic_counts.error().WithContext("counting topics"));
  if (edges.size() > 2) {
    auto edge_topics = EachRow(
        db_,
        fmt::format("{}SELECT b.i, t.value, count(*) {}JOIN assessments a ON {} JOIN json_each(a.topics) t "
                    "GROUP BY b.i, t.value",
                    kPieces, posts_in_edge, newest_assessment),
        edges, query.brand_ids, {}, topic_count);
    if (!edge_topics) return Fail(edge_topics.error().WithContext("counting topics"));
  }

  auto opened = EachRow(db_,
                        fmt::format("{}SELECT b.i, count(*) FROM bucket b CROSS JOIN cases c ON {} AND c.opened_at "
                                    ">= b.lo AND c.opened_at < b.hi GROUP BY b.i",
                                    kBuckets, BrandList("c.brand_id", brands)),
                        bounds, query.brand_ids, {}, [&](const SqliteStatement& row) {
                          if (DashboardBucket* b = bucket(row)) b->cases_opened = row.Int(1);
                        });
  if (!opened) return Fail(opened.error().WithContext("counting cases opened"));

  // First responses per bucket, with the SLAs they met and the median time to them (the middle one, or the
  // mean of the middle two).
  // The times are gathered per bucket and their median taken here: SQLite's window functions over a big
  // brand's month (20,000 cases) took 60 ms, the index read alone takes a few.
  std::vector<std::vector<std::int64_t>> response_ms(n);
  auto answered = EachRow(
      db_,
      fmt::format("{0}SELECT b.i, {1} - coalesce(c.sla_started_at, c.opened_at), c.sla_due_at IS NOT NULL AND "
                  "{1} <= c.sla_due_at FROM bucket b CROSS JOIN cases c ON {2} AND {1} >= b.lo AND {1} < b.hi",
                  kBuckets, kAnsweredAt, BrandList("c.brand_id", brands)),
      bounds, query.brand_ids, {}, [&](const SqliteStatement& row) {
        if (DashboardBucket* b = bucket(row)) {
          ++b->cases_answered;
          b->sla_met += row.Int(2);
          response_ms[static_cast<std::size_t>(b - out.buckets.data())].push_back(row.Int(1));
        }
      });
  if (!answered) return Fail(answered.error().WithContext("counting answered cases"));
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::int64_t>& ms = response_ms[i];
    if (ms.empty()) continue;
    // The middle one, or the mean of the middle two.
    const auto upper = ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2);
    std::nth_element(ms.begin(), upper, ms.end());
    double median = static_cast<double>(*upper);
    if (ms.size() % 2 == 0) median = (median + static_cast<double>(*std::max_element(ms.begin(), upper))) / 2;
    out.buckets[i].median_first_response_s = median / 1000.0;
  }

  // Deadlines that passed before the first response (or with none yet), counted at the deadline. A case
  // closed without a response by then, or paused (waiting on the customer), missed nothing. Only deadlines
  // up to now count; the bucket's end and now make one bound, so that each bucket is one index range (with
  // two upper bounds SQLite ranges over the one it sees first, now, and reads every later bucket's cases).
  auto missed = EachRow(
      db_,
      fmt::format("{0}SELECT b.i, count(*) FROM bucket b CROSS JOIN cases c ON {2} AND c.sla_due_at >= b.lo AND "
                  "c.sla_due_at < min(b.hi, ? + 1) WHERE ({1} IS NULL OR {1} > c.sla_due_at) AND NOT "
                  "({1} IS NULL AND ((c.closed_at IS NOT NULL AND c.closed_at <= c.sla_due_at) OR c.paused_at IS "
                  "NOT NULL)) GROUP BY b.i",
                  kBuckets, kAnsweredAt, BrandList("c.brand_id", brands)),
      bounds, query.brand_ids, {now}, [&](const SqliteStatement& row) {
        if (DashboardBucket* b = bucket(row)) b->sla_missed = row.Int(1);
      });
  if (!missed) return Fail(missed.error().WithContext("counting missed deadlines"));

  // Now, not per bucket: the cases that wait for an answer and those past their deadline.
  std::vector<SqlValue> params{now};
  for (std::int64_t id : query.brand_ids) params.emplace_back(id);
  auto counts = QueryWith(db_,
                          fmt::format("SELECT count(*), coalesce(sum(c.paused_at IS NULL AND c.sla_due_at < ?), 0) "
                                      "FROM cases c WHERE {} AND c.status IN ('open', 'awaiting_approval', 'replied')",
                                      BrandList("c.brand_id", brands)),
                          params);
  if (!counts) return Fail(counts.error());
  auto row = counts->Step();
  if (!row) return Fail(row.error().WithContext("counting open cases"));
  if (*row) {
    out.open_cases = counts->Int(0);
    out.overdue_cases = counts->Int(1);
  }

  for (auto& [topic, per_bucket] : topics) out.topics.push_back(DashboardTopic{topic, std::move(per_bucket)});
  auto total = [](const DashboardTopic& t) {
    std::int64_t sum = 0;
    for (std::int64_t c : t.counts) sum += c;
    return sum;
  };
  std::stable_sort(out.topics.begin(), out.topics.end(),
                   [&](const DashboardTopic& a, const DashboardTopic& b) { return total(a) > total(b); });
  return out;
}

Result<OperationsCounts> SqliteStore::CountOperations(Timestamp now) {
  OperationsCounts out;
  Lock lock(*this);
  auto tx = SqliteTransaction::Begin(db_, /*write=*/false);
  if (!tx) return Fail(tx.error());
  auto open = Query(db_,
                    "SELECT count(*), coalesce(sum(paused_at IS NULL AND sla_due_at < ?), 0) FROM cases "
                    "WHERE status IN ('open', 'awaiting_approval', 'replied')",
                    now);
  if (!open) return Fail(open.error());
  if (auto row = open->Step(); !row) return Fail(row.error());
  out.open_cases = open->Int(0);
  out.overdue_cases = open->Int(1);
  // Cases whose miss is settled come from the counts the triggers keep (migration 9); the ones still waiting
  // for a first response past their deadline from the partial index of cases waiting for one.
  auto waiting = QueryInt(db_,
                          "SELECT count(*) FROM cases INDEXED BY cases_awaiting_response WHERE replied_at IS NULL "
                          "AND confirmed_at IS NULL AND closed_at IS NULL AND paused_at IS NULL AND sla_due_at <= ?",
                          now);
  if (!waiting) return Fail(waiting.error());
  auto counts = Query(db_, "SELECT name, status, count FROM operation_counts WHERE count <> 0");
  if (!counts) return Fail(counts.error());
  out.sla_missed = *waiting;
  for (;;) {
    auto row = counts->Step();
    if (!row) return Fail(row.error());
    if (!*row) break;
    const std::string name = counts->Text(0);
    if (name == "sla_missed") {
      out.sla_missed += counts->Int(2);
    } else if (name == "deliveries" || name == "alerts") {
      (name == "deliveries" ? out.deliveries : out.alerts)[counts->Text(1)] = counts->Int(2);
    }
  }
  return out;
}

Status SqliteStore::CheckWritable() {
  Lock lock(*this);
  if (sqlite3_db_readonly(db_, "main") == 1)
    return Fail(ErrorCode::kReadOnly, fmt::format("database {} is open read-only", SqlitePath(db_)));
  auto tx = SqliteTransaction::Begin(db_, /*write=*/true);
  if (!tx) return Fail(tx.error());
  // Taking the lock writes nothing, so a full disk passes it; every commit would fail on it. Less room than
  // a few WAL frames counts as full.
  constexpr std::uint64_t kMinFreeBytes = 64 * 1024;
  struct statvfs fs {};
  const std::string path = SqlitePath(db_);
  if (statvfs(path.c_str(), &fs) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    if (free_bytes < kMinFreeBytes)
      return Fail(ErrorCode::kUnavailable,
                  fmt::format("the disk holding {} is full ({} bytes free): free some space", path, free_bytes));
  }
  return {};  // the guard rolls the empty transaction back
}

}  // namespace odziv::daemon
