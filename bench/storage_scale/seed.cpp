// bench/storage_scale/seed: fills an odziv database with an agency's history for the storage-scale benchmark:
// POSTS posts over DAYS days across BRANDS brands (a few big brands, many small ones), each brand with an X, a
// Facebook and a Google reviews source (paused: the daemon polls nothing). Posts arrive in time order, as
// polling stores them. Every post but the last minute's is judged; the ones the default triage rules would
// answer are in cases (a customer who writes again within three days joins their case), and cases older than
// two days are answered (replied and seen) or closed with a reason, with their sent draft, delivery and audit
// events; the last two days' cases are a realistic backlog: open, awaiting approval (a pending draft in the
// queue), replied, confirmed. One needs-answer post in 5,000 got no case, so the audit has something to find.
// Each judged post's triage verdict is recorded as the pipeline records it (post_triage).
//
// The schema comes from odziv's own migrations (SqliteStore::Open) and the queue's order rows from its
// triggers; rows are written with prepared INSERTs, a transaction per 100,000 posts.
//
// usage: storage_scale_seed --db PATH [--posts 10000000] [--brands 40] [--days 365]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "bench/seed_sql.h"
#include "daemon/sqlite_store.h"

using namespace odziv;
using bench::Check;
using bench::Exec;
using bench::Statement;

namespace {


constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

constexpr const char* kTexts[] = {
    "Narudžba kasni već tri dana, a na mail niko ne odgovara. Šta se dešava? Čekam povrat novca.",
    "Da li radite subotom i do koliko sati? Trebam podići paket u poslovnici u centru.",
    "Super usluga, dostava stigla za jedan dan, sve pohvale ekipi iz skladišta!",
    "Still waiting for my refund after two weeks. Nobody answers the phone, this is ridiculous.",
    "Does the new plan include roaming in the EU, or is that extra? Could not find it on the website.",
    "Just tried the new flavour and honestly it is the best one yet, well done.",
    "Račun mi je dva puta naplaćen ovaj mjesec. Molim vas da to hitno ispravite.",
    "Gledam vašu reklamu svako veče, kad će akcija za penzionere?",
    "The app keeps logging me out every time I open it. Reinstalled twice already, same thing.",
    "Hvala na brzom odgovoru jučer, problem je riješen.",
};
constexpr const char* kTopics[] = {"[\"delivery\"]", "[\"billing\"]", "[\"quality\"]", "[\"staff\"]",
                                   "[\"app\"]", "[\"delivery\",\"billing\"]", "[]"};
constexpr const char* kReplies[] = {
    "Poštovani, izvinjavamo se zbog kašnjenja. Provjerili smo narudžbu i javljamo se u poruci.",
    "Hello, sorry about that. We have passed it to our team and will message you with the details today.",
};
constexpr const char* kCloseReasons[] = {"resolved_privately", "duplicate", "no_reply_wanted", "spam"};

// The case an author's next post joins when it comes within three days.
struct OpenCase {
  std::int64_t id = 0;
  std::int64_t last_post_at = 0;
};

}  // namespace

int main(int argc, char** argv) {
  bench::tool_name = "storage_scale_seed";
  std::string path;
  long long posts = 10'000'000;
  long brands = 40, days = 365;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--posts")) posts = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--brands")) brands = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--days")) days = std::atol(argv[i + 1]);
  }
  if (path.empty() || posts < 1 || brands < 1 || days < 3) {
    std::fprintf(stderr, "usage: storage_scale_seed --db PATH [--posts 10000000] [--brands 40] [--days 365]\n");
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  bench::CreateSchema(path);
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "opening the database");
  // No journal while seeding (a failed seed is thrown away); odziv's store turns WAL back on when it opens.
  Exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
           "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576; BEGIN");

  // The secondary indexes are dropped while the rows go in and built again from their own SQL at the end
  // (a sort per index instead of a B-tree insert per row and index): the same schema, a fraction of the time.
  std::vector<std::string> indexes;
  {
    Statement list(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
    std::vector<std::string> names;
    while (sqlite3_step(list.stmt) == SQLITE_ROW) {
      names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.stmt, 0)));
      indexes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.stmt, 1)));
    }
    for (const std::string& name : names) Exec(db, fmt::format("DROP INDEX {}", name).c_str());
  }

  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::int64_t start = now - days * kDayMs;
  constexpr const char* kPlatforms[] = {"x", "facebook", "google"};
  std::vector<std::int64_t> brand_ids;
  std::vector<std::array<std::int64_t, 3>> source_ids;
  {
    Statement brand(db, "INSERT INTO brands (slug, name, timezone, created_at) VALUES (?, ?, 'Europe/Sarajevo', ?)");
    Statement source(db, "INSERT INTO sources (brand_id, name, platform, paused, created_at) VALUES (?, ?, ?, 1, ?)");
    for (long b = 0; b < brands; ++b) {
      brand_ids.push_back(
          brand.Text(1, fmt::format("brand{}", b)).Text(2, fmt::format("Brand {}", b)).Int(3, start).Run("brand"));
      std::array<std::int64_t, 3> ids{};
      for (int p = 0; p < 3; ++p)
        ids[p] = source.Int(1, brand_ids.back())
                     .Text(2, fmt::format("brand{}-{}", b, kPlatforms[p]))
                     .Text(3, kPlatforms[p])
                     .Int(4, start)
                     .Run("source");
      source_ids.push_back(ids);
    }
  }

  Statement post(db,
                 "INSERT INTO posts (brand_id, source_id, platform, external_id, kind, thread_id, parent_id, "
                 "author_id, author_handle, author_name, author_reach, text, language, rating, url, created_at, "
                 "deleted_at, likes, replies, from_brand, fetched_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?16 + 30000, ?16 + 30000)");
  Statement assessment(db,
                       "INSERT INTO assessments (post_id, sentiment, label, confidence, language, script, topics, "
                       "intents, urgency, priority, reasons, model_version, assessed_at) VALUES (?1, ?2, ?3, ?4, "
                       "?5, 'latin', ?6, ?7, ?8, ?9, ?10, 'odziv-lexicon-1', ?11)");
  Statement triage(
      db, "INSERT INTO post_triage (post_id, brand_id, created_at, needs_answer, reason) VALUES (?, ?, ?, ?, ?)");
  Statement open_case(db,
                      "INSERT INTO cases (brand_id, status, priority, opened_at, sla_due_at, updated_at, platform, "
                      "thread_id, author_id, author_handle, language, first_post_id, sla_policy, sla_started_at, "
                      "sla_budget_ms, last_post_at, replied_at, confirmed_at, reply_external_id, close_reason, "
                      "closed_by_actor, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                      "'standard', ?4, ?5 - ?4, ?4, ?13, ?14, ?15, ?16, ?17, ?18)");
  Statement join_case(db, "UPDATE cases SET last_post_at = ?2 WHERE id = ?1");
  Statement case_post(db, "INSERT INTO case_posts (case_id, post_id, added_at) VALUES (?, ?, ?)");
  Statement draft(db,
                  "INSERT INTO drafts (case_id, post_id, text, language, script, template, status, created_at, "
                  "decided_at, decided_by_actor, approvals) VALUES (?1, ?2, ?3, ?4, 'latin', 'complaint', ?5, ?6, "
                  "?7, ?8, ?9)");
  Statement delivery(db,
                     "INSERT INTO deliveries (draft_id, source_id, idempotency_key, status, attempts, created_at, "
                     "sent_at, text, reply_external_id) VALUES (?1, ?2, ?3, 'sent', 1, ?4, ?5, ?6, ?7)");
  Statement audit(db,
                  "INSERT INTO audit_events (at, actor, brand_id, action, subject, details) VALUES (?, ?, ?, ?, ?, "
                  "'{}')");

  std::mt19937_64 rng(42);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::unordered_map<std::int64_t, OpenCase> open_by_author;  // (brand, author) → the author's newest case
  long long cases = 0, unanswered = 0, pending_drafts = 0, missed = 0;
  const std::int64_t span = now - 60'000 - start;
  for (long long i = 0; i < posts; ++i) {
    if (i > 0 && i % 100'000 == 0) {
      Exec(db, "COMMIT; BEGIN");
      if (i % 1'000'000 == 0) std::fprintf(stderr, "storage_scale_seed: %lld posts\n", i);
    }
    // In time order, a little jitter; the newest posts reach the last minute.
    const std::int64_t created = start + span * i / posts + static_cast<std::int64_t>(rng() % 20'000);
    // A few big brands and many small ones.
    const double u = uniform();
    const std::size_t b = static_cast<std::size_t>(static_cast<double>(brands) * u * u);
    const double p = uniform();
    const int platform = p < 0.5 ? 0 : p < 0.9 ? 1 : 2;
    const std::string id = fmt::format("{}", 1'700'000'000'000'000'000LL + i);
    const bool from_brand = rng() % 50 == 0;
    const std::uint64_t author_n = from_brand ? b : static_cast<std::uint64_t>(2'000'000 * uniform() * uniform());
    const std::string author = from_brand ? fmt::format("brand{}", b) : fmt::format("u{}", author_n);
    const char* kind = platform == 2 ? "review" : (rng() % 10 < 6 ? "mention" : (rng() % 8 == 0 ? "message" : "comment"));
    const bool comment = !std::strcmp(kind, "comment");
    const std::string thread = comment ? fmt::format("{}", 1'700'000'000'000'000'000LL + i - 1 - static_cast<long long>(rng() % 50)) : id;
    const double stars = uniform();  // reviews lean positive: 45 % 5★, 25 % 4★, 10 % 3★, 8 % 2★, 12 % 1★
    const int rating = platform != 2 ? 0 : stars < 0.45 ? 5 : stars < 0.70 ? 4 : stars < 0.80 ? 3 : stars < 0.88 ? 2 : 1;
    const std::size_t text = rng() % std::size(kTexts);
    const bool deleted = rng() % 200 == 0;
    post.Int(1, brand_ids[b])
        .Int(2, source_ids[b][platform])
        .Text(3, kPlatforms[platform])
        .Text(4, id)
        .Text(5, kind)
        .Text(6, thread)
        .Text(7, comment ? thread : "")
        .Text(8, author)
        .Text(9, "@" + author)
        .Text(10, from_brand ? fmt::format("Brand {}", b) : fmt::format("Kupac {}", author_n))
        .Int(11, static_cast<std::int64_t>(rng() % 5000))
        .Text(12, kTexts[text])
        .Text(13, text < 3 || text > 5 ? "bs" : "en")
        .Text(15, fmt::format("https://{}.example/{}/{}", kPlatforms[platform], author, id))
        .Int(16, created)
        .Int(18, static_cast<std::int64_t>(rng() % 40))
        .Int(19, static_cast<std::int64_t>(rng() % 6))
        .Int(20, from_brand ? 1 : 0);
    if (rating) post.Int(14, rating);
    if (deleted) post.Int(17, created + kHourMs);
    const std::int64_t post_id = post.Run("post");
    if (from_brand || created > now - 2 * 60'000) continue;  // the brand's own; the newest are not judged yet

    const double l = uniform();
    const char* label = l < 0.14 ? "neg" : l < 0.78 ? "neu" : "pos";
    const bool neg = l < 0.14;
    const double k = uniform();
    const char* intents = neg ? (k < 0.6 ? "[\"complaint\"]" : k < 0.75 ? "[\"question\"]" : "[]")
                              : l < 0.78 ? (k < 0.07 ? "[\"question\"]" : k < 0.10 ? "[\"spam\"]" : "[]")
                                         : (k < 0.5 ? "[\"praise\"]" : "[]");
    const int priority = neg ? (k < 0.01 ? 1 : k < 0.15 ? 2 : k < 0.75 ? 3 : 4) : (k < 0.3 ? 3 : 4);
    assessment.Int(1, post_id)
        .Real(2, neg ? -0.6 : l < 0.78 ? 0.0 : 0.6)
        .Text(3, label)
        .Real(4, 0.8)
        .Text(5, text < 3 || text > 5 ? "bs" : "en")
        .Text(6, kTopics[rng() % std::size(kTopics)])
        .Text(7, intents)
        .Int(8, 100 - priority * 20)
        .Int(9, priority)
        .Text(10, neg ? "[\"negative wording\"]" : "[]")
        .Int(11, created + 60'000)
        .Run("assessment");

    // The default triage rules (daemon/triage_rules.h): negative, a review of 3★ or fewer, a question or a
    // complaint, or P1–P2 needs an answer; spam and deleted posts are ignored.
    const bool spam = !std::strcmp(intents, "[\"spam\"]");
    const bool needs = !deleted && !spam &&
                       (neg || (rating && rating <= 3) || std::strstr(intents, "question") ||
                        std::strstr(intents, "complaint") || priority <= 2);
    // The verdict the pipeline records with the assessment, with triage's reason; the case_posts trigger marks
    // the posts that get a case below.
    const std::string reason = deleted ? "deleted by its author"
                               : spam ? "intent 'spam'"
                               : neg ? "sentiment 'neg'"
                               : rating && rating <= 3 ? fmt::format("{}★ review", rating)
                               : std::strstr(intents, "question") ? "intent 'question'"
                               : std::strstr(intents, "complaint") ? "intent 'complaint'"
                               : priority <= 2 ? fmt::format("priority P{}", priority)
                                               : "nothing calls for an answer";
    triage.Int(1, post_id).Int(2, brand_ids[b]).Int(3, created).Int(4, needs ? 1 : 0).Text(5, reason).Run("triage");
    if (!needs) continue;
    if (rng() % 5000 == 0) {
      ++missed;
      continue;
    }
    const std::int64_t author_key = static_cast<std::int64_t>(b) << 32 | static_cast<std::int64_t>(author_n);
    auto& existing = open_by_author[author_key];
    if (existing.id && created - existing.last_post_at < 72 * kHourMs) {
      join_case.Int(1, existing.id).Int(2, created).Run("joining a case");
      case_post.Int(1, existing.id).Int(2, post_id).Int(3, created + 60'000).Run("case post");
      existing.last_post_at = created;
      continue;
    }
    // What became of the case: answered or closed when older than two days, else a backlog in every state.
    const std::int64_t age = now - created;
    const double f = uniform();
    const char* status = age > 2 * kDayMs ? (f < 0.88 ? "confirmed" : "closed")
                         : f < 0.25       ? "open"
                         : f < 0.60       ? "awaiting_approval"
                         : f < 0.75       ? "replied"
                                          : "confirmed";
    const bool answered = !std::strcmp(status, "replied") || !std::strcmp(status, "confirmed");
    const bool closed = !std::strcmp(status, "closed");
    const std::int64_t replied_at = created + kHourMs / 4 + static_cast<std::int64_t>(rng() % (3 * kHourMs));
    const std::int64_t due = created + (priority <= 2 ? 1 : 4) * kHourMs;
    const std::string reply_id = fmt::format("r{}", post_id);
    open_case.Int(1, brand_ids[b])
        .Text(2, status)
        .Int(3, priority)
        .Int(4, created + 60'000)
        .Int(5, due)
        .Int(6, answered ? replied_at : closed ? created + 2 * kHourMs : created + 60'000)
        .Text(7, kPlatforms[platform])
        .Text(8, thread)
        .Text(9, author)
        .Text(10, "@" + author)
        .Text(11, text < 3 || text > 5 ? "bs" : "en")
        .Int(12, post_id)
        .Text(15, answered ? reply_id : std::string())
        .Text(16, closed ? kCloseReasons[rng() % std::size(kCloseReasons)] : "")
        .Text(17, closed ? "agent" : "");
    if (answered) open_case.Int(13, replied_at);
    if (!std::strcmp(status, "confirmed")) open_case.Int(14, replied_at + 10 * 60'000);
    if (closed) open_case.Int(18, created + 2 * kHourMs);
    const std::int64_t case_id = open_case.Run("case");
    ++cases;
    existing = OpenCase{case_id, created};
    case_post.Int(1, case_id).Int(2, post_id).Int(3, created + 60'000).Run("case post");
    const std::string subject_case = fmt::format("case:{}", case_id);
    audit.Int(1, created + 60'000).Text(2, "daemon").Int(3, brand_ids[b]).Text(4, "case.open").Text(5, subject_case).Run("audit");
    const char* reply = kReplies[text < 3 || text > 5 ? 0 : 1];
    if (answered) {
      const std::int64_t draft_id = draft.Int(1, case_id)
                                        .Int(2, post_id)
                                        .Text(3, reply)
                                        .Text(4, text < 3 || text > 5 ? "bs" : "en")
                                        .Text(5, "sent")
                                        .Int(6, created + 2 * 60'000)
                                        .Int(7, replied_at - 60'000)
                                        .Text(8, "agent")
                                        .Text(9, fmt::format("[{{\"user_id\":1,\"actor\":\"agent\",\"at\":{}}}]",
                                                             replied_at - 60'000))
                                        .Run("draft");
      delivery.Int(1, draft_id)
          .Int(2, source_ids[b][platform])
          .Text(3, fmt::format("odziv-{}", draft_id))
          .Int(4, replied_at - 60'000)
          .Int(5, replied_at)
          .Text(6, reply)
          .Text(7, reply_id)
          .Run("delivery");
      const std::string subject = fmt::format("draft:{}", draft_id);
      audit.Int(1, replied_at - 60'000).Text(2, "agent").Int(3, brand_ids[b]).Text(4, "draft.approve").Text(5, subject).Run("audit");
      audit.Int(1, replied_at).Text(2, "daemon").Int(3, brand_ids[b]).Text(4, "delivery.sent").Text(5, subject).Run("audit");
    } else if (!std::strcmp(status, "awaiting_approval")) {
      draft.Int(1, case_id)
          .Int(2, post_id)
          .Text(3, reply)
          .Text(4, text < 3 || text > 5 ? "bs" : "en")
          .Text(5, "pending")
          .Int(6, created + 2 * 60'000)
          .Text(8, "")
          .Text(9, "[]")
          .Run("draft");
      ++pending_drafts;
    } else if (closed) {
      audit.Int(1, created + 2 * kHourMs).Text(2, "agent").Int(3, brand_ids[b]).Text(4, "case.close").Text(5, subject_case).Run("audit");
    }
    // A later post joins an unanswered case, and opens a new one once the case is confirmed or closed.
    if (closed || !std::strcmp(status, "confirmed")) existing.id = 0;
    else ++unanswered;
  }
  Exec(db, "COMMIT");
  std::fprintf(stderr, "storage_scale_seed: rows written in %.0f s; building %zu indexes\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), indexes.size());
  Exec(db, "PRAGMA threads = 2; BEGIN");
  for (const std::string& sql : indexes) Exec(db, sql.c_str());
  Exec(db, "COMMIT; PRAGMA journal_mode = WAL");
  sqlite3_close_v2(db);  // closes once the statements above are finalized at the end of main
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("seeded %lld posts over %ld days across %ld brands in %.0f s: %lld cases (%lld unanswered, %lld "
              "drafts pending), %lld posts needing an answer without a case\n",
              posts, days, brands, seconds, cases, unanswered, pending_drafts, missed);
  return 0;
}
