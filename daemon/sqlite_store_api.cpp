// SqliteStore: the HTTP API's lists (core/store.h, "HTTP API lists"). Every query is limited to the brands
// it is given, pages by a keyset (never OFFSET), and is put together from fixed pieces with every value bound.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>

#include "daemon/sqlite_rows.h"
#include "daemon/sqlite_statement.h"
#include "daemon/sqlite_store.h"

namespace odziv::daemon {
namespace {

using namespace sqlite_rows;

// "?, ?, ?" for `n` parameters.
std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// " AND <column> IN (?, …)" with the ids appended to `params`.
std::string InIds(std::string_view column, std::span<const std::int64_t> ids, std::vector<SqlValue>& params) {
  for (std::int64_t id : ids) params.emplace_back(id);
  return fmt::format(" AND {} IN ({})", column, Placeholders(ids.size()));
}

// Up to this many brands, a newest-first list reads each brand's page on its own and merges them; beyond, it
// walks the table in id order. 50: a person's brands at an agency; SQLite allows 500 branches.
constexpr std::size_t kMaxBrandBranches = 50;

Status CheckPage(std::span<const std::int64_t> brand_ids, std::size_t limit, std::string_view what) {
  if (brand_ids.empty()) return Fail(ErrorCode::kInvalidArgument, fmt::format("listing {} needs brands", what));
  if (limit < 1 || limit > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} can be listed 1 to {} at a time, not {}", what, kMaxListLimit, limit));
  return {};
}


// Where a newest-first list reads its rows: a table (or a join), the columns it selects, and the columns that
// hold the brand and the id it is ordered by.
struct Listed {
  std::string_view from;
  std::string columns;
  std::string_view brand = "brand_id";
  std::string_view id = "id";
};

// The rows of `listed` of `brand_ids` that pass `where` (" AND …" with `where_params`), newest id first, at
// most `limit`. Up to kMaxBrandBranches brands, each brand's page is read on its own through the table's
// (brand_id, id) index where there is one, and the pages are merged: a page costs the same however many rows
// the brands have. Beyond, the newest ids are walked and other brands skipped ("+brand_id" keeps SQLite on
// the primary key), which is cheap when the brands are most of the instance.
std::string NewestFirst(const Listed& listed, std::span<const std::int64_t> brand_ids, const std::string& where,
                        const std::vector<SqlValue>& where_params, std::size_t limit, std::vector<SqlValue>& params) {
  const auto n = static_cast<std::int64_t>(limit);
  std::string sql;
  if (brand_ids.size() <= kMaxBrandBranches) {
    for (std::int64_t brand : brand_ids) {
      if (!sql.empty()) sql += " UNION ALL ";
      sql += fmt::format("SELECT * FROM (SELECT {} FROM {} WHERE {} = ?{} ORDER BY {} DESC LIMIT ?)", listed.columns,
                         listed.from, listed.brand, where, listed.id);
      params.emplace_back(brand);
      params.insert(params.end(), where_params.begin(), where_params.end());
      params.emplace_back(n);
    }
    sql += " ORDER BY id DESC LIMIT ?";
  } else {
    sql = fmt::format("SELECT {} FROM {} WHERE 1{}{}", listed.columns, listed.from,
                      InIds(fmt::format("+{}", listed.brand), brand_ids, params), where);
    params.insert(params.end(), where_params.begin(), where_params.end());
    sql += fmt::format(" ORDER BY {} DESC LIMIT ?", listed.id);
  }
  params.emplace_back(n);
  return sql;
}

// Most urgent first: priority, then the deadline (a case without one after every case with one), then id.
// Up to kMaxUrgencyBranches pairs of brand and state, each pair's first `limit` cases are read on their own
// through cases_by_brand_state_urgency (migration 11) and merged, so a page costs the same whatever the number
// of cases (sorting every case of the brands took seconds at 10 million posts). A cursor continues each pair
// from its key in three index ranges: the same priority and deadline with a higher id, the same priority
// with a later deadline, then a lower priority. Beyond that many pairs, the matching cases are sorted.
constexpr std::string_view kUrgencyDue = "coalesce(sla_due_at, 9223372036854775807)";
constexpr std::size_t kMaxUrgencyBranches = 250;  // 50 brands in every state; SQLite allows 500 branches

std::string MostUrgentFirst(const CasePageFilter& filter, const std::string& where,
                            const std::vector<SqlValue>& where_params, std::vector<SqlValue>& params) {
  std::vector<CaseState> states = filter.states;
  if (states.empty())
    states = {CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied, CaseState::kConfirmed,
              CaseState::kClosed};
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  const auto n = static_cast<std::int64_t>(filter.limit);
  if (filter.brand_ids.size() * states.size() > kMaxUrgencyBranches) {
    std::string sql = fmt::format("SELECT {} FROM cases WHERE 1", kCaseColumns);
    sql += InIds("brand_id", filter.brand_ids, params);
    sql += fmt::format(" AND status IN ({})", Placeholders(states.size()));
    for (CaseState state : states) params.emplace_back(std::string(CaseStateName(state)));
    sql += where;
    params.insert(params.end(), where_params.begin(), where_params.end());
    if (filter.after) {
      sql += fmt::format(" AND (priority, {}, id) > (?, ?, ?)", kUrgencyDue);
      params.emplace_back(filter.after->priority);
      params.emplace_back(filter.after->due_ms);
      params.emplace_back(filter.after->id);
    }
    sql += fmt::format(" ORDER BY priority, {}, id LIMIT ?", kUrgencyDue);
    params.emplace_back(n);
    return sql;
  }
  // One index range of a brand and state: `after` continues from filter.after in the way given.
  enum class After { kNone, kSameDue, kSamePriority, kLowerPriority };
  auto range = [&](std::int64_t brand, CaseState state, After after) {
    std::string sql = fmt::format("SELECT priority AS p, {} AS d, id FROM cases WHERE brand_id = ? AND status = ?{}",
                                  kUrgencyDue, where);
    params.emplace_back(brand);
    params.emplace_back(std::string(CaseStateName(state)));
    params.insert(params.end(), where_params.begin(), where_params.end());
    switch (after) {
      case After::kNone:
        break;
      case After::kSameDue:
        sql += fmt::format(" AND priority = ? AND {} = ? AND id > ?", kUrgencyDue);
        params.emplace_back(filter.after->priority);
        params.emplace_back(filter.after->due_ms);
        params.emplace_back(filter.after->id);
        break;
      case After::kSamePriority:
        sql += fmt::format(" AND priority = ? AND {} > ?", kUrgencyDue);
        params.emplace_back(filter.after->priority);
        params.emplace_back(filter.after->due_ms);
        break;
      case After::kLowerPriority:
        sql += " AND priority > ?";
        params.emplace_back(filter.after->priority);
        break;
    }
    return sql;
  };
  std::string branches;
  for (std::int64_t brand : filter.brand_ids) {
    for (CaseState state : states) {
      // One statement at a time: each appends its parameters in the order its text is joined.
      std::string ranges;
      if (filter.after) {
        for (After after : {After::kSameDue, After::kSamePriority, After::kLowerPriority}) {
          if (!ranges.empty()) ranges += " UNION ALL ";
          ranges += range(brand, state, after);
        }
      } else {
        ranges = range(brand, state, After::kNone);
      }
      if (!branches.empty()) branches += " UNION ALL ";
      branches += fmt::format("SELECT * FROM ({} ORDER BY p, d, id LIMIT ?)", ranges);
      params.emplace_back(n);
    }
  }
  params.emplace_back(n);
  return fmt::format("SELECT {} FROM cases WHERE id IN (SELECT id FROM ({}) ORDER BY p, d, id LIMIT ?) "
                     "ORDER BY priority, {}, id",
                     kCaseColumns, branches, kUrgencyDue);
}

}  // namespace

Result<std::vector<StoredPost>> SqliteStore::ListPostPage(const PostPageFilter& filter) {
  if (auto ok = CheckPage(filter.brand_ids, filter.limit, "posts"); !ok) return Fail(ok.error());
  // The filters other than the brand, the same for every brand. With a label, the posts are read newest first
  // from the label index (post_labels, migration 13) joined to posts as `p`.
  const std::string_view p = filter.label ? "p." : "";
  std::string where;
  std::vector<SqlValue> where_params;
  if (filter.label) {
    where += " AND l.label = ?";
    where_params.emplace_back(std::string(SentimentLabelName(*filter.label)));
  }
  if (filter.platform) {
    where += fmt::format(" AND {}platform = ?", p);
    where_params.emplace_back(*filter.platform);
  }
  if (filter.since) {
    where += fmt::format(" AND {}created_at >= ?", p);
    where_params.emplace_back(ToUnixMillis(*filter.since));
  }
  if (filter.before_id) {
    where += fmt::format(" AND {}id < ?", p);
    where_params.emplace_back(*filter.before_id);
  }
  const Listed listed = filter.label ? Listed{"post_labels l CROSS JOIN posts p ON p.id = l.post_id",
                                              Qualified(kPostColumns, "p"), "l.brand_id", "l.post_id"}
                                     : Listed{"posts", std::string(kPostColumns)};
  std::vector<SqlValue> params;
  const std::string sql = NewestFirst(listed, filter.brand_ids, where, where_params, filter.limit, params);
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<StoredPost>(*stmt, ReadPost);
}

Result<std::vector<Case>> SqliteStore::ListCasePage(const CasePageFilter& filter) {
  if (auto ok = CheckPage(filter.brand_ids, filter.limit, "cases"); !ok) return Fail(ok.error());
  std::string where;
  std::vector<SqlValue> where_params;
  if (!filter.states.empty() && !filter.most_urgent_first) {  // most urgent first reads each state on its own
    where += fmt::format(" AND status IN ({})", Placeholders(filter.states.size()));
    for (CaseState state : filter.states) where_params.emplace_back(std::string(CaseStateName(state)));
  }
  if (filter.priority) {
    where += " AND priority = ?";
    where_params.emplace_back(static_cast<std::int64_t>(*filter.priority));
  }
  if (filter.assignee_id) {
    where += " AND assignee_id = ?";
    where_params.emplace_back(*filter.assignee_id);
  }
  if (filter.overdue_at) {
    where += " AND status IN ('open', 'awaiting_approval', 'replied') AND paused_at IS NULL AND sla_due_at < ?";
    where_params.emplace_back(ToUnixMillis(*filter.overdue_at));
  }
  std::vector<SqlValue> params;
  std::string sql;
  if (filter.most_urgent_first) {
    sql = MostUrgentFirst(filter, where, where_params, params);
  } else {
    if (filter.before_id) {
      where += " AND id < ?";
      where_params.emplace_back(*filter.before_id);
    }
    sql = NewestFirst({"cases", std::string(kCaseColumns)}, filter.brand_ids, where, where_params, filter.limit,
                      params);
  }
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Case>(*stmt, ReadCase);
}

Result<std::vector<Alert>> SqliteStore::ListAlertPage(const AlertPageFilter& filter) {
  if (auto ok = CheckPage(filter.brand_ids, filter.limit, "alerts"); !ok) return Fail(ok.error());
  std::string where;
  std::vector<SqlValue> where_params;
  if (filter.status) {
    where += " AND status = ?";
    where_params.emplace_back(*filter.status);
  }
  if (filter.before_id) {
    where += " AND id < ?";
    where_params.emplace_back(*filter.before_id);
  }
  std::vector<SqlValue> params;
  const std::string sql =
      NewestFirst({"alerts", std::string(kAlertColumns)}, filter.brand_ids, where, where_params, filter.limit, params);
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<Alert>(*stmt, ReadAlert);
}

Result<std::map<std::int64_t, Assessment>> SqliteStore::LatestAssessments(std::span<const std::int64_t> post_ids) {
  std::map<std::int64_t, Assessment> out;
  if (post_ids.empty()) return out;
  if (post_ids.size() > kMaxListLimit)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("at most {} posts at once", kMaxListLimit));
  std::vector<SqlValue> params;
  std::string sql = fmt::format(
      "SELECT post_id, {} FROM assessments WHERE id IN (SELECT max(id) FROM assessments WHERE 1{} GROUP BY post_id)",
      kAssessmentColumns, InIds("post_id", post_ids, params));
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  for (;;) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    auto assessment = ReadAssessment(*stmt, 1);
    if (!assessment) return Fail(assessment.error());
    out.emplace(stmt->Int(0), std::move(*assessment));
  }
}

Result<std::map<std::int64_t, CaseCounts>> SqliteStore::CountCasesByBrand(std::span<const std::int64_t> brand_ids,
                                                                         Timestamp now) {
  std::map<std::int64_t, CaseCounts> out;
  if (brand_ids.empty()) return out;
  std::vector<SqlValue> params{ToUnixMillis(now)};
  std::string sql =
      "SELECT brand_id, count(*), coalesce(sum(paused_at IS NULL AND sla_due_at < ?), 0) FROM cases "
      "WHERE status IN ('open', 'awaiting_approval', 'replied')" +
      InIds("brand_id", brand_ids, params) + " GROUP BY brand_id";
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  for (;;) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    out[stmt->Int(0)] = CaseCounts{stmt->Int(1), stmt->Int(2)};
  }
}

Result<std::map<std::int64_t, std::int64_t>> SqliteStore::CountPostsBySource(std::int64_t brand_id) {
  Lock lock(*this);
  auto stmt = Query(db_,
                    "SELECT source_id, count(*) FROM posts WHERE brand_id = ? AND source_id IS NOT NULL "
                    "GROUP BY source_id",
                    brand_id);
  if (!stmt) return Fail(stmt.error());
  std::map<std::int64_t, std::int64_t> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return Fail(row.error());
    if (!*row) return out;
    out[stmt->Int(0)] = stmt->Int(1);
  }
}

Result<std::vector<AuditEvent>> SqliteStore::ListAuditEventsOf(std::span<const std::string> subjects) {
  if (subjects.empty()) return std::vector<AuditEvent>();
  if (subjects.size() > 1000) return Fail(ErrorCode::kInvalidArgument, "at most 1000 subjects at once");
  std::vector<SqlValue> params(subjects.begin(), subjects.end());
  const std::string sql = fmt::format(
      "SELECT id, at, user_id, actor, brand_id, action, subject, details FROM audit_events "
      "WHERE subject IN ({}) ORDER BY id",
      Placeholders(subjects.size()));
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  return ReadAll<AuditEvent>(*stmt, [](const SqliteStatement& row) {
    return AuditEvent{row.Int(0),         row.Time(1), row.OptionalInt(2), row.Text(3),
                      row.OptionalInt(4), row.Text(5), row.Text(6),        row.Text(7)};
  });
}

Result<std::int64_t> SqliteStore::LatestAuditEventId(std::span<const std::int64_t> brand_ids, std::int64_t after_id) {
  if (brand_ids.empty()) return after_id;
  std::vector<SqlValue> params{after_id};
  // Walks the primary key down from the newest event and stops at the first of these brands: cheap for
  // brands with recent changes, and bounded by `after_id` for the web app's polls. ("+brand_id" keeps SQLite
  // from reading every event of the brands through their index instead.)
  std::string sql = "SELECT id FROM audit_events WHERE id > ?" + InIds("+brand_id", brand_ids, params) +
                    " ORDER BY id DESC LIMIT 1";
  Lock lock(*this);
  auto stmt = QueryWith(db_, sql, params);
  if (!stmt) return Fail(stmt.error());
  auto row = stmt->Step();
  if (!row) return Fail(row.error());
  return *row ? stmt->Int(0) : after_id;
}

}  // namespace odziv::daemon
