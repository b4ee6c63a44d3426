// Drafts, the approval queue and the reply outbox on a real SqliteStore: drafting for cases, approval rules
// (roles, two people, edits, rejections, brand scopes), and the delivery worker's exactly-once protocol with
// a stand-in connector that records every call.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "daemon/approval_queue.h"
#include "daemon/approval_rules.h"
#include "daemon/brand_rules.h"
#include "daemon/case_tracker.h"
#include "daemon/connector_cache.h"
#include "daemon/delivery_worker.h"
#include "daemon/drafting_stage.h"
#include "daemon/sqlite_store.h"
#include "tests/daemon/temp_store.h"

using namespace odziv;
using namespace odziv::daemon;
namespace fs = std::filesystem;

namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

// A connector whose platform is a list in memory: Publish appends (or fails as told), FindBrandReply looks.
struct FakePlatform {
  std::vector<platforms::ReplyRequest> published;  // every reply that reached the platform
  std::vector<std::string> publish_errors;          // per call, "": success; else an ErrorCode name
  std::optional<std::chrono::seconds> retry_after;
  bool cannot_find = false;  // FindBrandReply answers kInvalidArgument
  bool lose_answer = false;  // the reply is stored but Publish reports a network failure
  int find_calls = 0;
};

class FakeConnector final : public platforms::Connector {
 public:
  explicit FakeConnector(FakePlatform& platform) : p_(platform) {}
  Result<platforms::FetchPage> Fetch(std::string_view) override { return platforms::FetchPage{}; }
  Result<platforms::PublishedReply> Publish(const platforms::ReplyRequest& reply) override {
    const std::size_t call = calls_++;
    const std::string error = call < p_.publish_errors.size() ? p_.publish_errors[call] : "";
    if (error == "failed_precondition") return Fail(ErrorCode::kFailedPrecondition, "the thread is locked");
    if (error == "unavailable") {
      Error e{ErrorCode::kUnavailable, "503 from the platform", p_.retry_after};
      return Fail(e);
    }
    p_.published.push_back(reply);
    if (p_.lose_answer) return Fail(ErrorCode::kUnavailable, "connection reset before the answer");
    return platforms::PublishedReply{"r" + std::to_string(p_.published.size()), "https://example.org/r"};
  }
  Result<std::optional<Post>> FindBrandReply(std::string_view post_external_id) override {
    ++p_.find_calls;
    if (p_.cannot_find) return Fail(ErrorCode::kInvalidArgument, "cannot tell");
    for (std::size_t i = 0; i < p_.published.size(); ++i) {
      if (p_.published[i].in_reply_to != post_external_id) continue;
      Post reply;
      reply.external_id = "r" + std::to_string(i + 1);
      reply.from_brand = true;
      return std::optional<Post>(reply);
    }
    return std::optional<Post>();
  }

 private:
  FakePlatform& p_;
  std::size_t calls_ = 0;
};

struct Fixture {
  fs::path dir;
  FakeClock clock{At("2026-11-23T09:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  Brand brand;
  Source source;
  FakePlatform platform;

  explicit Fixture(const std::string& settings = "{}", const std::string& platform_name = "x") {
    dir = testing::MakeTempDir("odziv-replies");
    store = testing::OpenTempStore(dir, &clock);
    brand = AddBrand("zrno", settings);
    Source s;
    s.brand_id = brand.id;
    s.name = "zrno-" + platform_name;
    s.platform = platform_name;
    source = store->AddSource(s).value();
  }
  ~Fixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  Brand AddBrand(const std::string& slug, const std::string& settings) {
    REQUIRE_FALSE(CheckBrandSettings(settings, "UTC"));
    Brand b;
    b.slug = slug;
    b.name = slug == "zrno" ? "Zrno" : slug;
    b.settings = settings;
    return store->AddBrand(b).value();
  }

  User AddUser(const std::string& login, std::map<std::int64_t, std::string> roles) {
    User u;
    u.login = login;
    u.name = login;
    u.brand_roles = std::move(roles);
    return store->AddUser(u).value();
  }

  // A negative post that opens a case of `priority`, judged in `language`.
  Case OpenCase(const std::string& id, int priority = 3, const std::string& thread = "",
                const std::string& text = "Narudžba kasni već tri dana, niko se ne javlja.",
                const std::string& language = "bs") {
    Post p;
    p.platform = source.platform;
    p.external_id = id;
    p.thread_id = thread.empty() ? id : thread;
    p.author = Author{"u" + id, "@kupac" + id, "Amra", 10};
    p.text = text;
    p.language = language;
    p.created_at = clock.Now();
    auto ids = store->IngestPage(source.id, std::vector<Post>{p}, "", clock.Now(), std::nullopt).value().inserted_ids;
    const StoredPost post = store->GetPost(ids.at(0)).value();
    Assessment a;
    a.label = SentimentLabel::kNegative;
    a.sentiment = -0.7;
    a.language = language;
    a.script = "latin";
    a.topics = {"delivery"};
    a.intents = {"complaint"};
    a.priority = priority;
    a.urgency = 50;
    CaseTracker tracker(*store);
    auto tracked = tracker.OnAssessed(post, a, clock.Now()).value();
    REQUIRE(store->SaveAssessment(post.id, a, TriageRecord{}, clock.Now()));
    REQUIRE(tracked.tracked_case);
    return *tracked.tracked_case;
  }

  DraftingReport Draft() {
    DraftingStage stage(*store, DefaultTemplateDrafting());
    return stage.DraftPending(clock.Now()).value();
  }

  StoredDraft PendingDraft(std::int64_t case_id) {
    DraftFilter filter;
    filter.case_id = case_id;
    filter.statuses = {DraftStatus::kPending};
    auto drafts = store->ListDrafts(filter).value();
    REQUIRE(drafts.size() == 1);
    return drafts[0];
  }

  DeliveryReport Deliver(DeliveryOptions options = {}) {
    CaseTracker tracker(*store);
    DeliveryWorker worker(
        *store, tracker,
        [this](const Source&) -> Result<std::unique_ptr<platforms::Connector>> {
          return std::unique_ptr<platforms::Connector>(std::make_unique<FakeConnector>(platform));
        },
        clock, options);
    return worker.DeliverDue().value();
  }
};

}  // namespace

TEST_CASE("drafting writes one draft per case in the post's language and puts the case in the queue") {
  Fixture f;
  const Case c = f.OpenCase("1");
  const DraftingReport report = f.Draft();
  CHECK(report.drafted == 1);
  CHECK(report.failed == 0);
  const StoredDraft d = f.PendingDraft(c.id);
  CHECK(d.language == "bs");
  CHECK(d.situation == "complaint");
  CHECK(d.approvals_required == 1);
  CHECK_FALSE(d.text.empty());
  CHECK(f.store->GetCase(c.id)->state == CaseState::kAwaitingApproval);
  // Nothing more to draft: a second round writes nothing.
  CHECK(f.Draft().drafted == 0);
  // The audit trail has the draft and the case's move.
  CHECK(f.store->ListAuditEvents(fmt::format("draft:{}", d.id))->at(0).action == "draft.create");
  bool moved = false;
  const auto events = f.store->ListAuditEvents(fmt::format("case:{}", c.id)).value();
  for (const AuditEvent& e : events) moved |= e.action == "case.draft";
  CHECK(moved);
}

TEST_CASE("two customers in one thread never get the same draft") {
  Fixture f;
  const Case first = f.OpenCase("10", 3, "root");
  const Case second = f.OpenCase("11", 3, "root");
  REQUIRE(first.id != second.id);
  CHECK(f.Draft().drafted == 2);
  CHECK(f.PendingDraft(first.id).text != f.PendingDraft(second.id).text);
}

TEST_CASE("a viewer cannot approve; an agent can, and the approval writes the delivery") {
  Fixture f;
  const Case c = f.OpenCase("1");
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  const User viewer = f.AddUser("vera", {{f.brand.id, "viewer"}});
  const User agent = f.AddUser("ana", {{f.brand.id, "agent"}});
  ApprovalQueue queue(*f.store);

  auto refused = queue.Approve(d.id, viewer, f.clock.Now());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kPermissionDenied);
  CHECK(f.store->ListDeliveries(d.id, std::nullopt)->empty());

  auto approved = queue.Approve(d.id, agent, f.clock.Now());
  REQUIRE(approved);
  CHECK(approved->status == DraftStatus::kApproved);
  CHECK(approved->decided_by == "ana");
  auto deliveries = f.store->ListDeliveries(d.id, std::nullopt).value();
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].status == DeliveryStatus::kPending);
  CHECK(deliveries[0].text == d.text);
  CHECK(deliveries[0].source_id == f.source.id);
  CHECK_FALSE(deliveries[0].idempotency_key.empty());

  // Approving again is refused: it is no longer waiting.
  auto again = queue.Approve(d.id, agent, f.clock.Now());
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("a person of another brand sees no trace of this brand's drafts") {
  Fixture f;
  const Case c = f.OpenCase("1");
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  const Brand other = f.AddBrand("drugi", "{}");
  const User stranger = f.AddUser("strani", {{other.id, "admin"}});
  ApprovalQueue queue(*f.store);
  CHECK(queue.List(stranger, std::nullopt, 100)->empty());
  auto shown = queue.Show(d.id, stranger);
  REQUIRE_FALSE(shown);
  CHECK(shown.error().code == ErrorCode::kNotFound);
  auto approved = queue.Approve(d.id, stranger, f.clock.Now());
  REQUIRE_FALSE(approved);
  CHECK(approved.error().code == ErrorCode::kNotFound);
  auto listed = queue.List(stranger, f.brand.id, 100);
  REQUIRE_FALSE(listed);
  CHECK(listed.error().code == ErrorCode::kPermissionDenied);
  // The operator (no user) and the brand's own people see it.
  CHECK(queue.List(std::nullopt, std::nullopt, 100)->size() == 1);
}

TEST_CASE("P1 cases and legal threats need two people, the second a lead") {
  Fixture f(R"({"approval": {"two_person": {"max_priority": 1, "situations": ["legal"]}}})");
  const Case c = f.OpenCase("1", 1);
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  CHECK(d.approvals_required == 2);
  const User ana = f.AddUser("ana", {{f.brand.id, "agent"}});
  const User boris = f.AddUser("boris", {{f.brand.id, "agent"}});
  const User lea = f.AddUser("lea", {{f.brand.id, "lead"}});
  ApprovalQueue queue(*f.store);

  auto first = queue.Approve(d.id, ana, f.clock.Now());
  REQUIRE(first);
  CHECK(first->status == DraftStatus::kPending);
  CHECK(f.store->ListDeliveries(d.id, std::nullopt)->empty());

  auto twice = queue.Approve(d.id, ana, f.clock.Now());
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == ErrorCode::kPermissionDenied);
  auto agent_second = queue.Approve(d.id, boris, f.clock.Now());
  REQUIRE_FALSE(agent_second);
  CHECK(agent_second.error().code == ErrorCode::kPermissionDenied);
  CHECK(agent_second.error().message.find("lead") != std::string::npos);

  auto second = queue.Approve(d.id, lea, f.clock.Now());
  REQUIRE(second);
  CHECK(second->status == DraftStatus::kApproved);
  CHECK(second->approvals.size() == 2);
  CHECK(f.store->ListDeliveries(d.id, std::nullopt)->size() == 1);
}

TEST_CASE("an edit clears earlier approvals, respects the platform's limit, and can approve at once") {
  Fixture f(R"({"approval": {"two_person": {"max_priority": 1}}})");
  const Case c = f.OpenCase("1", 1);
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  const User ana = f.AddUser("ana", {{f.brand.id, "agent"}});
  const User lea = f.AddUser("lea", {{f.brand.id, "lead"}});
  ApprovalQueue queue(*f.store);
  REQUIRE(queue.Approve(d.id, ana, f.clock.Now()));

  auto too_long = queue.Edit(d.id, std::string(281, 'a'), lea, true, f.clock.Now());
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == ErrorCode::kInvalidArgument);
  CHECK(too_long.error().message.find("280") != std::string::npos);

  // A stale version is refused rather than overwritten.
  auto stale = queue.Edit(d.id, "Izvinite na kašnjenju, javljamo se odmah.", lea, false, f.clock.Now(), d.version);
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == ErrorCode::kFailedPrecondition);

  auto edited = queue.Edit(d.id, "Izvinite na kašnjenju, javljamo se odmah.", lea, true, f.clock.Now());
  REQUIRE(edited);
  CHECK(edited->text == "Izvinite na kašnjenju, javljamo se odmah.");
  CHECK(edited->written_by == "lea");
  REQUIRE(edited->approvals.size() == 1);  // ana's approval was of the old text
  CHECK(edited->approvals[0].actor == "lea");
  CHECK(edited->status == DraftStatus::kPending);
  auto done = queue.Approve(d.id, ana, f.clock.Now());
  REQUIRE_FALSE(done);  // the second approval must come from a lead, and lea approved already
  CHECK(f.store->ListAuditEvents(fmt::format("draft:{}", d.id))->size() >= 3);
}

TEST_CASE("a rejection re-opens the case, and no new draft comes until the customer writes again") {
  Fixture f;
  const Case c = f.OpenCase("t1", 3, "t1");
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  const User ana = f.AddUser("ana", {{f.brand.id, "agent"}});
  ApprovalQueue queue(*f.store);
  auto no_reason = queue.Reject(d.id, " ", ana, f.clock.Now());
  REQUIRE_FALSE(no_reason);
  CHECK(no_reason.error().code == ErrorCode::kInvalidArgument);
  auto rejected = queue.Reject(d.id, "we call this customer instead", ana, f.clock.Now());
  REQUIRE(rejected);
  CHECK(rejected->status == DraftStatus::kRejected);
  CHECK(f.store->GetCase(c.id)->state == CaseState::kOpen);
  f.clock.Advance(std::chrono::minutes(1));
  CHECK(f.Draft().drafted == 0);

  // Someone writes again under the thread's root post: the post joins the case and a new draft is written.
  f.clock.Advance(std::chrono::minutes(1));
  Case joined = f.OpenCase("2", 3, "t1");
  CHECK(joined.id == c.id);
  CHECK(f.Draft().drafted == 1);
  CHECK(f.PendingDraft(c.id).post_id != d.post_id);
}

TEST_CASE("the brand's rules can send praise without a person, never a P1 or P2") {
  Fixture f(R"({"approval": {"auto_send": ["complaint"]}})");
  const Case low = f.OpenCase("1", 3);
  const Case urgent = f.OpenCase("2", 2);
  const DraftingReport report = f.Draft();
  CHECK(report.auto_sent == 1);
  CHECK(report.drafted == 1);
  CHECK(f.store->ListDeliveries(std::nullopt, low.id)->size() == 1);
  CHECK(f.store->ListDeliveries(std::nullopt, urgent.id)->empty());
}

TEST_CASE("approval settings are validated with the key named") {
  CHECK(CheckBrandSettings(R"({"approval": {"auto_send": ["prase"]}})", "UTC")->find("settings.approval.auto_send") !=
        std::string::npos);
  CHECK(CheckBrandSettings(R"({"approval": {"two_person": {"max_priority": 7}}})", "UTC")
            ->find("max_priority") != std::string::npos);
  CHECK(CheckBrandSettings(R"({"approval": {"approver_roles": []}})", "UTC").has_value());
  CHECK(CheckBrandSettings(R"({"approval": {"reaprove": true}})", "UTC")->find("not a known key") !=
        std::string::npos);
  CHECK_FALSE(CheckBrandSettings(R"({"approval": {"auto_send": ["praise"], "reapprove_after_edit": false}})", "UTC"));
}

namespace {

// A case with an approved draft, ready for the delivery worker.
std::pair<Case, StoredDraft> Approved(Fixture& f, const std::string& id) {
  const Case c = f.OpenCase(id);
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  User approver = f.store->GetUser("ana").value_or(User{});
  if (approver.id == 0) approver = f.AddUser("ana", {{f.brand.id, "agent"}});
  ApprovalQueue queue(*f.store);
  return {c, queue.Approve(d.id, approver, f.clock.Now()).value()};
}

}  // namespace

TEST_CASE("an approved reply is posted once, the case becomes replied, and nothing is sent twice") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  DeliveryReport report = f.Deliver();
  CHECK(report.sent == 1);
  REQUIRE(f.platform.published.size() == 1);
  CHECK(f.platform.published[0].in_reply_to == "1");
  CHECK(f.platform.published[0].text == d.text);
  CHECK(f.platform.find_calls == 0);  // a first attempt needs no question
  const Delivery v = f.store->ListDeliveries(d.id, std::nullopt)->at(0);
  CHECK(v.status == DeliveryStatus::kSent);
  CHECK(v.reply_external_id == "r1");
  CHECK(f.platform.published[0].idempotency_key == v.idempotency_key);
  CHECK(f.store->GetDraft(d.id)->status == DraftStatus::kSent);
  const Case after = f.store->GetCase(c.id).value();
  CHECK(after.state == CaseState::kReplied);
  CHECK(after.reply_external_id == "r1");
  // Later rounds find nothing to do.
  f.clock.Advance(std::chrono::hours(1));
  CHECK(f.Deliver().sent == 0);
  CHECK(f.platform.published.size() == 1);
}

TEST_CASE("after a crash between sending and recording, the worker finds the reply instead of posting again") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  // The crashed attempt: claimed, posted, never recorded.
  const Delivery v = f.store->ListDeliveries(d.id, std::nullopt)->at(0);
  REQUIRE(f.store->ClaimDelivery(v.id, f.clock.Now()));
  f.platform.published.push_back(platforms::ReplyRequest{"1", "1", d.text, v.idempotency_key});

  DeliveryReport report = f.Deliver();
  CHECK(report.found == 1);
  CHECK(report.sent == 0);
  CHECK(f.platform.published.size() == 1);
  CHECK(f.store->GetDelivery(v.id)->status == DeliveryStatus::kSent);
  CHECK(f.store->GetCase(c.id)->state == CaseState::kReplied);
}

TEST_CASE("a lost answer is retried only after asking the platform") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  f.platform.lose_answer = true;
  DeliveryReport first = f.Deliver();
  CHECK(first.retried == 1);
  CHECK(f.platform.published.size() == 1);
  const Delivery pending = f.store->ListDeliveries(d.id, std::nullopt)->at(0);
  CHECK(pending.status == DeliveryStatus::kPending);
  REQUIRE(pending.next_attempt_at);
  f.clock.Advance(std::chrono::hours(1));
  f.platform.lose_answer = false;
  DeliveryReport second = f.Deliver();
  CHECK(second.found == 1);
  CHECK(f.platform.published.size() == 1);
  CHECK(f.store->GetDelivery(pending.id)->status == DeliveryStatus::kSent);
}

TEST_CASE("a platform that cannot be asked and has no idempotency keys gets a person, not a second reply") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  const Delivery v = f.store->ListDeliveries(d.id, std::nullopt)->at(0);
  REQUIRE(f.store->ClaimDelivery(v.id, f.clock.Now()));
  f.platform.cannot_find = true;
  DeliveryReport report = f.Deliver();
  CHECK(report.failed == 1);
  CHECK(f.platform.published.empty());
  const Delivery failed = f.store->GetDelivery(v.id).value();
  CHECK(failed.status == DeliveryStatus::kFailed);
  CHECK(failed.last_error.find("look at the post") != std::string::npos);
  auto alerts = f.store->ListAlerts(c.id).value();
  bool told = false;
  for (const Alert& a : alerts) told |= a.kind == "delivery_failed";
  CHECK(told);
}

TEST_CASE("a refused reply goes back to the queue with the platform's reason") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  f.platform.publish_errors = {"failed_precondition"};
  DeliveryReport report = f.Deliver();
  CHECK(report.returned == 1);
  const StoredDraft back = f.store->GetDraft(d.id).value();
  CHECK(back.status == DraftStatus::kPending);
  CHECK(back.approvals.empty());
  CHECK(back.platform_refusal == "the thread is locked");
  CHECK(f.store->GetCase(c.id)->state == CaseState::kAwaitingApproval);
  // Approved again, it gets a new delivery with a new key, and goes out.
  ApprovalQueue queue(*f.store);
  REQUIRE(queue.Approve(d.id, f.store->GetUser("ana").value(), f.clock.Now()));
  auto deliveries = f.store->ListDeliveries(d.id, std::nullopt).value();
  REQUIRE(deliveries.size() == 2);
  CHECK(deliveries[0].idempotency_key != deliveries[1].idempotency_key);
  f.platform.publish_errors.clear();
  CHECK(f.Deliver().sent == 1);
  CHECK(f.platform.published.size() == 1);
}

TEST_CASE("temporary failures back off, obey Retry-After, and after the limit alert a person") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  f.platform.publish_errors = {"unavailable", "unavailable", "unavailable"};
  f.platform.retry_after = std::chrono::seconds(600);
  DeliveryOptions options;
  options.first_retry = std::chrono::seconds(30);
  options.max_attempts = 2;
  CHECK(f.Deliver(options).retried == 1);
  const Delivery v = f.store->ListDeliveries(d.id, std::nullopt)->at(0);
  REQUIRE(v.next_attempt_at);
  CHECK(*v.next_attempt_at - f.clock.Now() >= std::chrono::seconds(600));
  // Not due yet: nothing happens.
  CHECK(f.Deliver(options).retried == 0);
  f.clock.Advance(std::chrono::seconds(601));
  CHECK(f.Deliver(options).failed == 1);
  CHECK(f.store->GetDelivery(v.id)->status == DeliveryStatus::kFailed);
  CHECK(f.platform.published.empty());
  bool told = false;
  const auto alerts = f.store->ListAlerts(c.id).value();
  for (const Alert& a : alerts) told |= a.kind == "delivery_failed";
  CHECK(told);
}

TEST_CASE("a case answered or closed before its reply goes out is not replied to") {
  Fixture f;
  auto [c, d] = Approved(f, "1");
  CaseTracker tracker(*f.store);
  REQUIRE(tracker.Close(c.id, CloseReason::kResolvedPrivately, "phoned", Actor{"ana", std::nullopt}, f.clock.Now()));
  DeliveryReport report = f.Deliver();
  CHECK(report.failed == 1);
  CHECK(f.platform.published.empty());
  CHECK(f.store->ListDeliveries(d.id, std::nullopt)->at(0).last_error.find("closed") != std::string::npos);
}

TEST_CASE("closing a case withdraws its pending draft from the queue") {
  Fixture f;
  const Case c = f.OpenCase("1");
  f.Draft();
  const StoredDraft d = f.PendingDraft(c.id);
  CaseTracker tracker(*f.store);
  REQUIRE(tracker.Close(c.id, CloseReason::kSpam, "", Actor{"cli", std::nullopt}, f.clock.Now()));
  CHECK(f.store->GetDraft(d.id)->status == DraftStatus::kSuperseded);
  ApprovalQueue queue(*f.store);
  CHECK(queue.List(std::nullopt, std::nullopt, 100)->empty());
}

TEST_CASE("a stage keeps one connector per source until the source's settings change") {
  int made = 0;
  ConnectorCache cache([&made](const Source&) -> Result<std::unique_ptr<platforms::Connector>> {
    ++made;
    static FakePlatform platform;
    return std::unique_ptr<platforms::Connector>(std::make_unique<FakeConnector>(platform));
  });
  Source source;
  source.id = 7;
  source.platform = "bluesky";
  source.settings = {{"handle", "zrno.example"}};
  auto first = cache.Get(source);
  REQUIRE(first);
  auto again = cache.Get(source);
  REQUIRE(again);
  CHECK(*first == *again);
  CHECK(made == 1);
  source.settings["handle"] = "zrno.ba";
  REQUIRE(cache.Get(source));
  CHECK(made == 2);
  Source other = source;
  other.id = 8;
  REQUIRE(cache.Get(other));
  CHECK(made == 3);
}
