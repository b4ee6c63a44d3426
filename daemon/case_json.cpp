#include "daemon/case_json.h"

#include <fmt/format.h>

namespace odziv::daemon {

using web::json::value;

namespace {

value Time(const std::optional<Timestamp>& t) { return t ? value::string(FormatIsoTimestamp(*t)) : value::null(); }

value Parsed(const std::string& text) {
  try {
    return value::parse(text.empty() ? "{}" : text);
  } catch (const std::exception&) {
    return value::string(text);
  }
}

value Strings(const std::vector<std::string>& items) {
  value out = value::array();
  for (const std::string& item : items) out[out.size()] = value::string(item);
  return out;
}

}  // namespace

std::string FormatTimeLeft(std::chrono::milliseconds left) {
  using namespace std::chrono;
  const bool overdue = left < milliseconds(0);
  auto rest = duration_cast<minutes>(overdue ? -left : left);
  const auto days = duration_cast<std::chrono::days>(rest);
  rest -= days;
  const auto hours = duration_cast<std::chrono::hours>(rest);
  rest -= hours;
  std::string text = days.count() > 0 ? fmt::format("{}d{}h", days.count(), hours.count())
                                      : fmt::format("{}h{:02}m", hours.count(), rest.count());
  return overdue ? "-" + text : text;
}

value CaseToJson(const Case& c, std::string_view brand_slug, std::string_view assignee_login, Timestamp now) {
  value out = value::object();
  out["id"] = value::number(c.id);
  out["brand"] = value::string(std::string(brand_slug));
  out["state"] = value::string(std::string(CaseStateName(c.state)));
  out["priority"] = value::number(c.priority);
  out["platform"] = value::string(c.platform);
  out["thread_id"] = value::string(c.thread_id);
  value author = value::object();
  author["id"] = value::string(c.author_id);
  author["handle"] = value::string(c.author_handle);
  out["author"] = author;
  out["language"] = value::string(c.language);
  out["first_post_id"] = value::number(c.first_post_id);
  out["sla_policy"] = value::string(c.sla_policy);
  out["sla_started_at"] = Time(c.sla_started_at);
  out["sla_budget_s"] = value::number(static_cast<std::int64_t>(c.sla_budget.count() / 1000));
  out["due_at"] = Time(c.due_at);
  const bool running = c.due_at && (c.state == CaseState::kOpen || c.state == CaseState::kAwaitingApproval);
  out["time_left_s"] = running ? value::number(static_cast<std::int64_t>(
                                     std::chrono::duration_cast<std::chrono::seconds>(*c.due_at - now).count()))
                               : value::null();
  out["paused_at"] = Time(c.paused_at);
  out["escalation_percent"] = value::number(c.escalation_percent);
  out["escalated_at"] = Time(c.escalated_at);
  out["assignee"] = assignee_login.empty() ? value::null() : value::string(std::string(assignee_login));
  out["reply_external_id"] = value::string(c.reply_external_id);
  out["replied_at"] = Time(c.replied_at);
  out["reply_post_id"] = c.reply_post_id ? value::number(*c.reply_post_id) : value::null();
  out["confirmed_at"] = Time(c.confirmed_at);
  out["close_reason"] = c.close_reason ? value::string(std::string(CloseReasonName(*c.close_reason))) : value::null();
  out["close_note"] = value::string(c.close_note);
  out["closed_by"] = value::string(c.closed_by);
  out["closed_at"] = Time(c.closed_at);
  out["opened_at"] = value::string(FormatIsoTimestamp(c.opened_at));
  out["updated_at"] = value::string(FormatIsoTimestamp(c.updated_at));
  out["last_post_at"] = value::string(FormatIsoTimestamp(c.last_post_at));
  return out;
}

value AuditEventToJson(const AuditEvent& event) {
  value out = value::object();
  out["id"] = value::number(event.id);
  out["at"] = value::string(FormatIsoTimestamp(event.at));
  out["actor"] = value::string(event.actor);
  out["action"] = value::string(event.action);
  out["subject"] = value::string(event.subject);
  out["details"] = Parsed(event.details);
  return out;
}

value AlertToJson(const Alert& alert) {
  value out = value::object();
  out["id"] = value::number(alert.id);
  out["route"] = value::string(alert.route);
  out["kind"] = value::string(alert.kind);
  out["dedup_key"] = value::string(alert.dedup_key);
  out["status"] = value::string(alert.status);
  out["attempts"] = value::number(alert.attempts);
  out["last_error"] = value::string(alert.last_error);
  out["payload"] = Parsed(alert.payload);
  out["created_at"] = value::string(FormatIsoTimestamp(alert.created_at));
  return out;
}

value UserToJson(const User& user, const std::map<std::int64_t, std::string>& brand_slugs) {
  value out = value::object();
  out["id"] = value::number(user.id);
  out["login"] = value::string(user.login);
  out["name"] = value::string(user.name);
  out["email"] = value::string(user.email);
  out["languages"] = Strings(user.languages);
  out["platforms"] = Strings(user.platforms);
  value brands = value::object();
  for (const auto& [id, role] : user.brand_roles) {
    auto slug = brand_slugs.find(id);
    brands[slug == brand_slugs.end() ? std::to_string(id) : slug->second] = value::string(role);
  }
  out["brands"] = brands;
  out["disabled"] = value::boolean(user.disabled);
  out["instance_admin"] = value::boolean(user.instance_admin);
  out["created_at"] = value::string(FormatIsoTimestamp(user.created_at));
  return out;
}

value SessionUserToJson(const User& user, const std::vector<Brand>& brands) {
  value out = value::object();
  out["id"] = value::number(user.id);
  out["login"] = value::string(user.login);
  out["name"] = value::string(user.name);
  out["email"] = value::string(user.email);
  out["instance_admin"] = value::boolean(user.instance_admin);
  value list = value::array();
  for (const Brand& brand : brands) {
    auto role = user.brand_roles.find(brand.id);
    if (role == user.brand_roles.end()) continue;
    value item = value::object();
    item["id"] = value::number(brand.id);
    item["slug"] = value::string(brand.slug);
    item["name"] = value::string(brand.name);
    item["role"] = value::string(role->second);
    list[list.size()] = std::move(item);
  }
  out["brands"] = std::move(list);
  return out;
}

namespace {

value ApprovalToJson(const DraftApproval& a) {
  value out = value::object();
  out["user_id"] = a.user_id ? value::number(*a.user_id) : value::null();
  out["login"] = value::string(a.actor);
  out["at"] = value::string(FormatIsoTimestamp(a.at));
  return out;
}

}  // namespace

value DraftToJson(const StoredDraft& d) {
  value out = value::object();
  out["id"] = value::number(d.id);
  out["case_id"] = value::number(d.case_id);
  out["post_id"] = value::number(d.post_id);
  out["status"] = value::string(std::string(DraftStatusName(d.status)));
  out["text"] = value::string(d.text);
  out["language"] = value::string(d.language);
  out["script"] = value::string(d.script);
  out["situation"] = value::string(d.situation);
  out["move_to_private"] = value::boolean(d.move_to_private);
  value notes = value::array();
  for (const std::string& n : d.notes) notes[notes.size()] = value::string(n);
  out["notes"] = notes;
  out["approvals_required"] = value::number(d.approvals_required);
  value approvals = value::array();
  for (const DraftApproval& a : d.approvals) approvals[approvals.size()] = ApprovalToJson(a);
  out["approvals"] = approvals;
  out["written_by"] = value::string(d.written_by);
  out["edited_at"] = d.edited_at ? value::string(FormatIsoTimestamp(*d.edited_at)) : value::null();
  out["decided_by"] = value::string(d.decided_by);
  out["decided_at"] = d.decided_at ? value::string(FormatIsoTimestamp(*d.decided_at)) : value::null();
  out["reject_reason"] = value::string(d.reject_reason);
  out["platform_refusal"] = value::string(d.platform_refusal);
  out["created_at"] = value::string(FormatIsoTimestamp(d.created_at));
  out["version"] = value::number(d.version);
  return out;
}

value DeliveryToJson(const Delivery& v) {
  value out = value::object();
  out["id"] = value::number(v.id);
  out["status"] = value::string(std::string(DeliveryStatusName(v.status)));
  out["attempts"] = value::number(v.attempts);
  out["next_attempt_at"] = v.next_attempt_at ? value::string(FormatIsoTimestamp(*v.next_attempt_at)) : value::null();
  out["last_error"] = value::string(v.last_error);
  out["reply_external_id"] = value::string(v.reply_external_id);
  out["reply_url"] = value::string(v.reply_url);
  out["idempotency_key"] = value::string(v.idempotency_key);
  out["sent_at"] = v.sent_at ? value::string(FormatIsoTimestamp(*v.sent_at)) : value::null();
  return out;
}

}  // namespace odziv::daemon
