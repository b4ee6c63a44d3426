#include "daemon/delivery_worker.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>

#include "platforms/registry.h"

namespace odziv::daemon {
namespace {

using web::json::value;

bool TakesReplies(CaseState state) { return state == CaseState::kOpen || state == CaseState::kAwaitingApproval; }

Alert FailedAlert(const Delivery& delivery, const Case& c, const std::string& route, const std::string& why) {
  value payload = value::object();
  payload["title"] = value::string(fmt::format("The reply to case {} could not be posted", c.id));
  payload["priority"] = value::number(c.priority);
  payload["error"] = value::string(why);
  payload["draft_id"] = value::number(delivery.draft_id);
  Alert alert;
  alert.route = route;
  alert.kind = "delivery_failed";
  alert.dedup_key = fmt::format("delivery:{}:failed", delivery.id);
  alert.payload = payload.serialize();
  return alert;
}

}  // namespace

DeliveryWorker::DeliveryWorker(Store& store, CaseTracker& tracker, ReplyConnectorFactory connectors,
                               const Clock& clock, DeliveryOptions options)
    : store_(store), tracker_(tracker), connectors_(std::move(connectors)), clock_(clock), options_(std::move(options)) {}

Result<DeliveryReport> DeliveryWorker::DeliverDue() {
  auto due = store_.ListDueDeliveries(clock_.Now(), options_.batch);
  if (!due) return Fail(due.error());
  DeliveryReport report;
  for (const Delivery& delivery : *due) {
    if (auto done = DeliverOne(delivery, report); !done) return Fail(done.error());
  }
  return report;
}

Status DeliveryWorker::DeliverOne(const Delivery& delivery, DeliveryReport& report) {
  auto c = store_.GetCase(delivery.case_id);
  if (!c) return Fail(c.error());
  auto post = store_.GetPost(delivery.post_id);
  if (!post) return Fail(post.error());

  // Every outcome is recorded on a claimed (`sending`) row; each claim counts an attempt.
  bool claimed = delivery.status == DeliveryStatus::kSending;
  int attempts = delivery.attempts;
  auto claim = [&]() -> Status {
    if (claimed) return {};
    auto row = store_.ClaimDelivery(delivery.id, clock_.Now());
    if (!row) return Fail(row.error());
    claimed = true;
    attempts = row->attempts;
    return {};
  };
  auto record = [&](DeliveryOutcome outcome) -> Status {
    return store_.RecordDeliveryOutcome(delivery.id, outcome, clock_.Now());
  };
  auto fail = [&](const std::string& why, bool alert) -> Status {
    if (auto ok = claim(); !ok) return ok;
    DeliveryOutcome outcome{DeliveryStatus::kFailed, "", "", std::nullopt, why, {}};
    if (alert) outcome.alerts.push_back(FailedAlert(delivery, *c, options_.alert_route, why));
    ++report.failed;
    return record(std::move(outcome));
  };
  auto retry_or_fail = [&](const Error& error) -> Status {
    if (auto ok = claim(); !ok) return ok;
    if (attempts >= options_.max_attempts)
      return fail(fmt::format("gave up after {} attempts: {}", attempts, Describe(error)), true);
    std::int64_t wait = std::min<std::int64_t>(options_.first_retry.count() << std::min(attempts - 1, 16),
                                               options_.max_retry.count());
    if (error.retry_after) wait = std::max<std::int64_t>(wait, error.retry_after->count());
    ++report.retried;
    return record(DeliveryOutcome{DeliveryStatus::kPending, "", "", clock_.Now() + std::chrono::seconds(wait),
                                  Describe(error), {}});
  };
  // The platform has the reply (this delivery's, or one the brand made some other way): record it.
  auto sent = [&](const std::string& reply_id, const std::string& url) -> Status {
    // The case first: a crash before the delivery is recorded only repeats this, never the post.
    if (auto replied = tracker_.MarkReplied(c->id, reply_id, Actor{}, clock_.Now());
        !replied && replied.error().code != ErrorCode::kFailedPrecondition)
      return Fail(replied.error());
    if (auto ok = claim(); !ok) return ok;
    return record(DeliveryOutcome{DeliveryStatus::kSent, reply_id, url, std::nullopt, "", {}});
  };

  if (!delivery.source_id)
    return fail(fmt::format("no source of the brand can post on {}: add one, then approve the draft again",
                            post->post.platform),
                true);
  auto source = store_.GetSourceById(*delivery.source_id);
  if (!source) return Fail(source.error());
  auto connector = connectors_.Get(*source);
  if (!connector) return retry_or_fail(connector.error());

  // An earlier attempt may have reached the platform: ask before sending again.
  if (delivery.status == DeliveryStatus::kSending || delivery.attempts > 0) {
    auto existing = (*connector)->FindBrandReply(post->post.external_id);
    if (existing && *existing) {
      ++report.found;
      return sent((*existing)->external_id, (*existing)->url);
    }
    if (!existing) {
      const bool cannot_tell = existing.error().code == ErrorCode::kInvalidArgument;
      if (!cannot_tell) return retry_or_fail(existing.error());
      if (!platforms::HonoursIdempotencyKey(post->post.platform))
        return fail(fmt::format("an earlier attempt may have posted the reply and {} cannot be asked: look at the "
                                "post and answer there if it is not answered",
                                post->post.platform),
                    true);
    }
  }
  if (!TakesReplies(c->state))
    return fail(fmt::format("case {} is {}: the reply was not posted", c->id, CaseStateName(c->state)), false);

  // A fresh attempt: claimed now even when an earlier one was left `sending`, so that it counts.
  claimed = false;
  if (auto ok = claim(); !ok) return ok;
  platforms::ReplyRequest request{post->post.external_id, post->post.thread_id, delivery.text,
                                  delivery.idempotency_key};
  auto published = (*connector)->Publish(request);
  if (published) {
    ++report.sent;
    return sent(published->external_id, published->url);
  }
  const ErrorCode code = published.error().code;
  if (code == ErrorCode::kFailedPrecondition || code == ErrorCode::kInvalidArgument) {
    ++report.returned;
    return record(DeliveryOutcome{DeliveryStatus::kReturned, "", "", std::nullopt, published.error().message, {}});
  }
  return retry_or_fail(published.error());
}

}  // namespace odziv::daemon
