// SqliteStore: the approval queue page. One statement reads a page of pending drafts with their case, post,
// the post's newest assessment and brand, walking the queue_order table (schema 4, kept by triggers) in index
// order from the previous page's key: the cost of a page is its length, not the length of the queue.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>

#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_store.h"

namespace odziv::daemon {
namespace {

using namespace sqlite_rows;

// The brands a page may show: nullopt for every brand, else this list (empty: none at all).
std::optional<std::vector<std::int64_t>> QueueBrands(const QueueFilter& filter) {
  if (!filter.brand_id) {
    if (filter.brand_ids.empty()) return std::nullopt;
    return filter.brand_ids;
  }
  if (!filter.brand_ids.empty() &&
      std::find(filter.brand_ids.begin(), filter.brand_ids.end(), *filter.brand_id) == filter.brand_ids.end())
    return std::vector<std::int64_t>();
  return std::vector<std::int64_t>{*filter.brand_id};
}

// The statement of one page, with its parameters appended to `params`.
std::string QueuePageSql(const QueueFilter& filter, std::vector<SqlValue>& params) {
  const auto brands = QueueBrands(filter);
  // One brand: its own index range, in order. Several: the whole queue in order, skipping other brands' rows,
  // because SQLite cannot merge several index ranges into one order without sorting them.
  const bool one_brand = brands && brands->size() == 1;
  std::string sql = fmt::format(
      "SELECT {}, {}, {}, b.slug, b.name, a.id IS NOT NULL, {} FROM queue_order q INDEXED BY {} "
      "JOIN drafts d ON d.id = q.draft_id JOIN cases c ON c.id = d.case_id JOIN posts p ON p.id = d.post_id "
      "JOIN brands b ON b.id = c.brand_id "
      "LEFT JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE post_id = d.post_id) WHERE 1",
      kDraftColumns, Qualified(kCaseColumns, "c"), Qualified(kPostColumns, "p"),
      Qualified(kAssessmentColumns, "a"), one_brand ? "queue_order_by_brand" : "queue_order_by_urgency");
  if (brands) {
    if (one_brand) {
      sql += " AND q.brand_id = ?";
    } else {
      sql += " AND q.brand_id IN (";
      for (std::size_t i = 0; i < brands->size(); ++i) sql += i == 0 ? "?" : ", ?";
      sql += ")";
    }
    for (std::int64_t id : *brands) params.emplace_back(id);
  }
  if (filter.after) {
    sql += " AND (q.priority, q.due_at, q.draft_id) > (?, ?, ?)";
    params.emplace_back(filter.after->priority);
    params.emplace_back(filter.after->due_ms);
    params.emplace_back(filter.after->draft_id);
  }
  // One more row than asked for tells whether a next page exists.
  sql += " ORDER BY q.priority, q.due_at, q.draft_id LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit + 1));
  return sql;
}

}  // namespace

Result<QueuePage> SqliteStore::ListQueue(const QueueFilter& filter) {
  if (filter.limit == 0 || filter.limit > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a queue page holds 1 to {} drafts, not {}", kMaxListLimit, filter.limit));
  QueuePage page;
  if (auto brands = QueueBrands(filter); brands && brands->empty()) return page;
  std::vector<SqlValue> params;
  const std::string sql = QueuePageSql(filter, params);
  static const int kCaseAt = kDraftColumnCount;
  static const int kPostAt = kCaseAt + ColumnCount(kCaseColumns);
  static const int kBrandAt = kPostAt + ColumnCount(kPostColumns);
  static const int kAssessmentAt = kBrandAt + 3;

  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  page.rows.reserve(std::min<std::size_t>(filter.limit, 512));
  for (;;) {
    auto more = stmt->Step();
    if (!more) return Fail(more.error());
    if (!*more) break;
    if (page.rows.size() == filter.limit) {
      page.next = page.rows.back().Key();
      break;
    }
    QueueRow row;
    stmt->SetColumnBase(0);
    auto draft = ReadDraft(*stmt);
    if (!draft) return Fail(draft.error());
    row.draft = std::move(*draft);
    stmt->SetColumnBase(kCaseAt);
    auto c = ReadCase(*stmt);
    if (!c) return Fail(c.error());
    row.case_ = std::move(*c);
    stmt->SetColumnBase(kPostAt);
    auto post = ReadPost(*stmt);
    if (!post) return Fail(post.error());
    row.post = std::move(*post);
    stmt->SetColumnBase(kBrandAt);
    row.brand_slug = stmt->Text(0);
    row.brand_name = stmt->Text(1);
    if (stmt->Int(2) != 0) {
      stmt->SetColumnBase(kAssessmentAt);
      auto a = ReadAssessment(*stmt, 0);
      if (!a) return Fail(a.error());
      row.assessment = std::move(*a);
    }
    stmt->SetColumnBase(0);
    page.rows.push_back(std::move(row));
  }
  return page;
}

}  // namespace odziv::daemon

namespace odziv::daemon {

Result<std::vector<std::string>> SqliteStore::QueuePlan(const QueueFilter& filter) {
  std::vector<SqlValue> params;
  const std::string sql = "EXPLAIN QUERY PLAN " + QueuePageSql(filter, params);
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<std::string>(*stmt, [](const SqliteStatement& row) { return row.Text(3); });
}

}  // namespace odziv::daemon
