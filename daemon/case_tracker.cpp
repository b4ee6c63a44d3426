#include "daemon/case_tracker.h"

#include <cpprest/json.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "daemon/alert_rules.h"

namespace odziv::daemon {
namespace {

using web::json::value;

constexpr int kConflictRetries = 5;

bool IsBcs(std::string_view language) {
  return language == "bs" || language == "hr" || language == "sr" || language == "sh" || language == "cnr";
}

std::string Details(std::initializer_list<std::pair<const char*, value>> fields) {
  value out = value::object();
  for (const auto& [key, v] : fields) out[key] = v;
  return out.serialize();
}

value Str(std::string_view text) { return value::string(std::string(text)); }
value Time(std::optional<Timestamp> t) { return t ? value::string(FormatIsoTimestamp(*t)) : value::null(); }

// Whether the case was opened by the root post of its thread (the customer started the conversation).
Result<bool> OpenedByThreadRoot(Store& store, const Case& c) {
  auto first = store.GetPost(c.first_post_id);
  if (!first) return first.error().code == ErrorCode::kNotFound ? Result<bool>(false) : Fail(first.error());
  return first->post.external_id == c.thread_id;
}

// Loads the case, lets `decide` change it and say what the change is (nullopt: nothing to do), and writes
// it; when someone else changed the case meanwhile, reads it again and decides again.
Result<Case> Mutate(Store& store, std::int64_t case_id, Timestamp now,
                    const std::function<Result<std::optional<CaseChange>>(Case&)>& decide) {
  for (int attempt = 0;; ++attempt) {
    auto c = store.GetCase(case_id);
    if (!c) return c;
    auto change = decide(*c);
    if (!change) return Fail(change.error());
    if (!*change) return c;
    auto updated = store.UpdateCase(*c, **change, now);
    if (updated || updated.error().code != ErrorCode::kFailedPrecondition || attempt + 1 >= kConflictRetries)
      return updated;
  }
}

}  // namespace

bool SpeaksLanguage(const std::vector<std::string>& languages, const std::string& language) {
  if (languages.empty() || language.empty() || language == "und") return true;
  for (const std::string& l : languages)
    if (l == language || (IsBcs(l) && IsBcs(language))) return true;
  return false;
}

Result<TrackResult> CaseTracker::OnAssessed(const StoredPost& post, const Assessment& assessment, Timestamp now) {
  if (post.post.from_brand) {
    if (auto confirmed = ConfirmByBrandPost(post, now); !confirmed) return Fail(confirmed.error());
    return TrackResult{{TriageVerdict::kIgnore, "the brand's own post"}, std::nullopt, false};
  }
  auto brand = store_.GetBrandById(post.brand_id);
  if (!brand) return Fail(brand.error());
  auto rules = LoadBrandRules(*brand);
  if (!rules) return Fail(rules.error().WithContext(fmt::format("brand '{}'", brand->slug)));
  for (int attempt = 0;; ++attempt) {
    auto tracked = Track(*brand, *rules, post, assessment, now);
    if (tracked || tracked.error().code != ErrorCode::kFailedPrecondition || attempt + 1 >= kConflictRetries)
      return tracked;
  }
}

Result<TrackResult> CaseTracker::Track(const Brand& brand, const BrandRules& rules, const StoredPost& stored,
                                       const Assessment& assessment, Timestamp now) {
  const Post& post = stored.post;
  TrackResult result{Triage(stored, assessment, rules.triage), std::nullopt, false};
  if (result.triage.verdict == TriageVerdict::kIgnore) return result;

  // Already in a case (assessed again after an edit, or a repeated call): keep it there.
  auto existing = store_.CasesOfPost(stored.id);
  if (!existing) return Fail(existing.error());
  if (!existing->empty()) {
    result.tracked_case = existing->front();
    return result;
  }

  // The open case this post continues: its author's case in the same thread; a case opened by the root of
  // this thread (replies under a customer's post belong to that conversation); or, failing those, its
  // author's recent case on the same platform. Comments of different people under one of the brand's own
  // posts share a thread but are separate customers, each with a case.
  const Timestamp window_start = post.created_at - rules.triage.join_window;
  const bool needs_answer = result.triage.verdict == TriageVerdict::kNeedsAnswer;
  std::optional<Case> join;
  auto consider = [&](CaseFilter filter, bool by_thread) -> Status {
    filter.brand_id = brand.id;
    filter.platform = post.platform;
    filter.states = {CaseState::kOpen, CaseState::kAwaitingApproval};
    filter.limit = 20;
    auto cases = store_.ListCases(filter);
    if (!cases) return Fail(cases.error());
    for (const Case& c : *cases) {
      if (c.last_post_at < window_start || (join && join->id > c.id)) continue;
      bool fits = c.author_id == post.author.id;
      if (!fits && by_thread && needs_answer) {
        auto opened_by_root = OpenedByThreadRoot(store_, c);
        if (!opened_by_root) return Fail(opened_by_root.error());
        fits = *opened_by_root;
      }
      if (fits) join = c;
    }
    return {};
  };
  if (!post.thread_id.empty()) {
    CaseFilter by_thread;
    by_thread.thread_id = post.thread_id;
    if (auto ok = consider(by_thread, true); !ok) return Fail(ok.error());
  }
  if (needs_answer && !join && !post.author.id.empty()) {
    CaseFilter by_author;
    by_author.author_id = post.author.id;
    if (auto ok = consider(by_author, false); !ok) return Fail(ok.error());
  }

  if (join) {
    Case c = *join;
    const int before_priority = c.priority;
    if (needs_answer) c.priority = std::min(c.priority, assessment.priority);
    c.last_post_at = std::max(c.last_post_at, post.created_at);
    // A more urgent post (a P1 follow-up to a routine complaint) pulls the deadline in; nothing pushes it out.
    bool tightened = false;
    if (needs_answer) {
      Case sooner = c;
      SetDeadline(rules.sla, post, assessment.priority, now, sooner);
      if (sooner.due_at && (!c.due_at || *sooner.due_at < *c.due_at) && !c.paused_at) {
        c.sla_policy = sooner.sla_policy;
        c.sla_started_at = sooner.sla_started_at;
        c.sla_budget = sooner.sla_budget;
        c.due_at = sooner.due_at;
        tightened = true;
      }
    }
    bool resumed = false;
    if (c.paused_at && c.due_at) {
      // The customer wrote again: the clock runs on with the time that was left when it stopped.
      const BusinessCalendar calendar = CalendarFor(rules.sla, c.sla_policy);
      const auto left = calendar.Between(*c.paused_at, *c.due_at);
      c.due_at = calendar.Add(now, left);
      c.paused_at.reset();
      resumed = true;
    }
    CaseChange change;
    change.action = "case.join";
    change.add_post_ids = {stored.id};
    change.details = Details({{"post_id", value::number(stored.id)},
                              {"reason", Str(result.triage.reason)},
                              {"verdict", Str(TriageVerdictName(result.triage.verdict))},
                              {"priority_before", value::number(before_priority)},
                              {"priority", value::number(c.priority)},
                              {"sla_resumed", value::boolean(resumed)},
                              {"due_at", Time(c.due_at)},
                              {"deadline_moved_in", value::boolean(tightened)}});
    auto updated = store_.UpdateCase(c, change, now);
    if (!updated) return Fail(updated.error());
    result.tracked_case = std::move(*updated);
    return result;
  }
  if (!needs_answer) return result;

  Case c;
  c.brand_id = brand.id;
  c.state = CaseState::kOpen;
  c.priority = assessment.priority;
  c.platform = post.platform;
  c.thread_id = post.thread_id.empty() ? post.external_id : post.thread_id;
  c.author_id = post.author.id;
  c.author_handle = post.author.handle;
  c.language = assessment.language.empty() ? post.language : assessment.language;
  c.first_post_id = stored.id;
  c.last_post_at = post.created_at;
  SetDeadline(rules.sla, post, assessment.priority, now, c);
  auto assignee = PickAssignee(brand, rules, c.platform, c.language);
  if (!assignee) return Fail(assignee.error());
  c.assignee_id = *assignee;
  CaseChange change;
  change.action = "case.open";
  change.details = Details({{"post_id", value::number(stored.id)},
                            {"reason", Str(result.triage.reason)},
                            {"priority", value::number(c.priority)},
                            {"sla_policy", Str(c.sla_policy)},
                            {"due_at", Time(c.due_at)},
                            {"assignee_id", c.assignee_id ? value::number(*c.assignee_id) : value::null()}});
  // A brand with "new_case" hears of the case in the same transaction (docs/alerts.md). Settings that cannot
  // be read (they were checked when saved) cost the alert, never the case.
  if (auto alerts = LoadAlertRules(brand);
      alerts && !alerts->new_case.route.empty() && c.priority <= alerts->new_case.max_priority) {
    value payload = value::object();
    payload["brand"] = Str(brand.slug);
    payload["post_id"] = value::number(stored.id);
    payload["priority"] = value::number(c.priority);
    payload["title"] = Str(fmt::format("New case: {}", result.triage.reason));
    payload["due_at"] = Time(c.due_at);
    if (c.due_at)
      payload["time_left_s"] = value::number(
          static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(*c.due_at - now).count()));
    // A post opens at most one case, so it names the event before the case has an id.
    change.alerts.push_back(Alert{0, brand.id, std::nullopt, alerts->new_case.route, "new_case",
                                  fmt::format("post:{}:new_case", stored.id), payload.serialize(), "pending", now,
                                  0, ""});
  }
  auto created = store_.CreateCase(c, change, now);
  if (!created) return Fail(created.error());
  result.opened = true;
  // The brand may have answered already (its reply came in the same poll, or before odziv judged the post).
  auto thread = store_.ListThreadPosts(brand.id, c.platform, c.thread_id);
  if (!thread) return Fail(thread.error());
  bool replied = false;
  for (const StoredPost& other : *thread) {
    if (!other.post.from_brand || other.post.created_at < post.created_at) continue;
    if (auto confirmed = ConfirmByBrandPost(other, now); !confirmed) return Fail(confirmed.error());
    replied = true;
  }
  if (replied) {
    auto fresh = store_.GetCase(created->id);
    if (!fresh) return Fail(fresh.error());
    *created = std::move(*fresh);
  }
  result.tracked_case = std::move(*created);
  return result;
}

Status CaseTracker::OnPostChanged(const StoredPost& post, Timestamp now) {
  if (post.post.from_brand) return ConfirmByBrandPost(post, now);
  if (post.post.deleted_at) return CloseIfAllDeleted(post, now);
  return {};
}

Status CaseTracker::ConfirmByBrandPost(const StoredPost& stored, Timestamp now) {
  const Post& post = stored.post;
  // Only a reply counts: the brand's own root post (the thread customers comment on) answers nobody. In a
  // direct-message conversation every later message of the brand is a reply.
  const bool message = post.kind == PostKind::kMessage;
  if ((post.parent_id.empty() && !message) || post.deleted_at) return {};
  // The cases it answers: those holding the post it replies to; and the unanswered cases of its thread that
  // were opened by the thread's root (the whole conversation is the customer's) or are conversations.
  std::vector<Case> answered;
  if (!post.parent_id.empty()) {
    auto parent = store_.FindPost(stored.brand_id, post.platform, post.parent_id);
    if (!parent && parent.error().code != ErrorCode::kNotFound) return Fail(parent.error());
    if (parent) {
      auto cases = store_.CasesOfPost(parent->id);
      if (!cases) return Fail(cases.error());
      for (const Case& c : *cases)
        if (IsUnanswered(c.state)) answered.push_back(c);
    }
  }
  const std::string& thread = post.thread_id.empty() ? post.parent_id : post.thread_id;
  if (!thread.empty()) {
    CaseFilter filter;
    filter.brand_id = stored.brand_id;
    filter.platform = post.platform;
    filter.thread_id = thread;
    filter.states = {CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied};
    auto cases = store_.ListCases(filter);
    if (!cases) return Fail(cases.error());
    for (const Case& c : *cases) {
      if (std::any_of(answered.begin(), answered.end(), [&](const Case& a) { return a.id == c.id; })) continue;
      auto opened_by_root = OpenedByThreadRoot(store_, c);
      if (!opened_by_root) return Fail(opened_by_root.error());
      if (*opened_by_root || message) answered.push_back(c);
    }
  }
  for (const Case& found : answered) {
    auto confirmed = Mutate(store_, found.id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
      if (!IsUnanswered(c.state)) return std::optional<CaseChange>();
      if (c.sla_started_at && post.created_at < *c.sla_started_at) return std::optional<CaseChange>();
      const bool outside = c.reply_external_id.empty() || c.reply_external_id != post.external_id;
      const CaseState before = c.state;
      c.state = CaseState::kConfirmed;
      c.confirmed_at = now;
      c.reply_post_id = stored.id;
      if (c.reply_external_id.empty()) c.reply_external_id = post.external_id;
      if (!c.replied_at) c.replied_at = post.created_at;
      c.paused_at.reset();
      CaseChange change;
      change.action = "case.confirm";
      change.add_post_ids = {stored.id};
      change.details = Details({{"reply_post_id", value::number(stored.id)},
                                {"reply_external_id", Str(post.external_id)},
                                {"from_state", Str(CaseStateName(before))},
                                {"outside_odziv", value::boolean(outside)},
                                {"reason", Str(outside ? "the brand replied on the platform, outside odziv"
                                                       : "the reply odziv sent is visible on the platform")}});
      return std::optional<CaseChange>(std::move(change));
    });
    if (!confirmed) return Fail(confirmed.error());
  }
  return {};
}

Status CaseTracker::CloseIfAllDeleted(const StoredPost& stored, Timestamp now) {
  auto cases = store_.CasesOfPost(stored.id);
  if (!cases) return Fail(cases.error());
  for (const Case& found : *cases) {
    if (!IsUnanswered(found.state)) continue;
    auto posts = store_.CasePosts(found.id);
    if (!posts) return Fail(posts.error());
    const bool all_deleted = std::all_of(posts->begin(), posts->end(), [](const StoredPost& p) {
      return p.post.from_brand || p.post.deleted_at.has_value();
    });
    if (!all_deleted) continue;
    auto closed = Mutate(store_, found.id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
      if (!IsUnanswered(c.state)) return std::optional<CaseChange>();
      const CaseState before = c.state;
      c.state = CaseState::kClosed;
      c.close_reason = CloseReason::kPostDeleted;
      c.close_note = "every post of the case was deleted by its author";
      c.closed_by = "daemon";
      c.closed_at = now;
      CaseChange change;
      change.action = "case.close";
      change.details = Details({{"reason", Str(CloseReasonName(CloseReason::kPostDeleted))},
                                {"note", Str(c.close_note)},
                                {"from_state", Str(CaseStateName(before))},
                                {"post_id", value::number(stored.id)}});
      return std::optional<CaseChange>(std::move(change));
    });
    if (!closed) return Fail(closed.error());
  }
  return {};
}

Result<Case> CaseTracker::MarkReplied(std::int64_t case_id, const std::string& reply_external_id, const Actor& actor,
                                      Timestamp now) {
  if (reply_external_id.empty()) return Fail(ErrorCode::kInvalidArgument, "a reply needs the platform's id");
  return Mutate(store_, case_id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
    if (!IsUnanswered(c.state)) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("case {} is {}: it takes no reply", c.id, CaseStateName(c.state)));
    }
    const CaseState before = c.state;
    c.reply_external_id = reply_external_id;
    c.replied_at = now;
    c.paused_at.reset();
    CaseChange change{actor.name, actor.user_id, "case.reply", "{}", {}, {}};
    // The reply may already have been fetched (a fast poll, or the platform echoes it at once).
    auto seen = store_.FindPost(c.brand_id, c.platform, reply_external_id);
    if (seen) {
      c.state = CaseState::kConfirmed;
      c.confirmed_at = now;
      c.reply_post_id = seen->id;
      change.add_post_ids = {seen->id};
    } else if (seen.error().code == ErrorCode::kNotFound) {
      c.state = CaseState::kReplied;
    } else {
      return Fail(seen.error());
    }
    change.details = Details({{"reply_external_id", Str(reply_external_id)},
                              {"from_state", Str(CaseStateName(before))},
                              {"to_state", Str(CaseStateName(c.state))}});
    return std::optional<CaseChange>(std::move(change));
  });
}

Result<Case> CaseTracker::MarkAwaitingApproval(std::int64_t case_id, const Actor& actor, Timestamp now) {
  return Mutate(store_, case_id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
    if (c.state == CaseState::kAwaitingApproval) return std::optional<CaseChange>();
    if (c.state != CaseState::kOpen) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("case {} is {}, not open", c.id, CaseStateName(c.state)));
    }
    c.state = CaseState::kAwaitingApproval;
    return std::optional<CaseChange>(CaseChange{actor.name, actor.user_id, "case.draft", "{}", {}, {}});
  });
}

Result<Case> CaseTracker::Assign(std::int64_t case_id, std::optional<std::int64_t> user_id, const Actor& actor,
                                 Timestamp now) {
  std::string login;
  if (user_id) {
    auto user = store_.GetUserById(*user_id);
    if (!user) return Fail(user.error());
    login = user->login;
    auto c = store_.GetCase(case_id);
    if (!c) return c;
    auto role = user->brand_roles.find(c->brand_id);
    if (role == user->brand_roles.end() || role->second == "viewer" || user->disabled) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("user '{}' may not work on the brand of case {}", login, case_id));
    }
  }
  return Mutate(store_, case_id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
    if (c.assignee_id == user_id) return std::optional<CaseChange>();
    const std::optional<std::int64_t> before = c.assignee_id;
    c.assignee_id = user_id;
    CaseChange change{actor.name, actor.user_id, "case.assign", "{}", {}, {}};
    change.details = Details({{"from_user_id", before ? value::number(*before) : value::null()},
                              {"to_user_id", user_id ? value::number(*user_id) : value::null()},
                              {"to_login", Str(login)}});
    return std::optional<CaseChange>(std::move(change));
  });
}

Result<Case> CaseTracker::Close(std::int64_t case_id, CloseReason reason, const std::string& note, const Actor& actor,
                                Timestamp now) {
  if (reason == CloseReason::kPostDeleted)
    return Fail(ErrorCode::kInvalidArgument, "post_deleted is set by odziv when the author deletes the post");
  return Mutate(store_, case_id, now, [&](Case& c) -> Result<std::optional<CaseChange>> {
    if (c.state == CaseState::kClosed)
      return Fail(ErrorCode::kFailedPrecondition, fmt::format("case {} is closed already", c.id));
    const CaseState before = c.state;
    c.state = CaseState::kClosed;
    c.close_reason = reason;
    c.close_note = note;
    c.closed_by = actor.name;
    c.closed_at = now;
    CaseChange change{actor.name, actor.user_id, "case.close", "{}", {}, {}};
    change.details = Details({{"reason", Str(CloseReasonName(reason))},
                              {"note", Str(note)},
                              {"from_state", Str(CaseStateName(before))}});
    return std::optional<CaseChange>(std::move(change));
  });
}

Result<Case> CaseTracker::WaitForCustomer(std::int64_t case_id, const Actor& actor, Timestamp now) {
  auto c = store_.GetCase(case_id);
  if (!c) return c;
  auto brand = store_.GetBrandById(c->brand_id);
  if (!brand) return Fail(brand.error());
  auto rules = LoadBrandRules(*brand);
  if (!rules) return Fail(rules.error());
  if (!rules->sla.pause_when_waiting) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("brand '{}' does not pause its SLA while waiting on the customer "
                            "(settings.sla.pause_when_waiting)",
                            brand->slug));
  }
  return Mutate(store_, case_id, now, [&](Case& k) -> Result<std::optional<CaseChange>> {
    if (k.paused_at) return std::optional<CaseChange>();
    if (k.state != CaseState::kOpen)
      return Fail(ErrorCode::kFailedPrecondition, fmt::format("case {} is {}, not open", k.id, CaseStateName(k.state)));
    k.paused_at = now;
    return std::optional<CaseChange>(CaseChange{actor.name, actor.user_id, "case.wait",
                                                Details({{"reason", Str("waiting on the customer")}}), {}, {}});
  });
}

Result<std::optional<std::int64_t>> CaseTracker::PickAssignee(const Brand& brand, const BrandRules& rules,
                                                              const std::string& platform,
                                                              const std::string& language) {
  if (rules.assignment == AssignmentMode::kManual) return std::optional<std::int64_t>();
  auto loads = store_.AssigneeLoads(brand.id);
  if (!loads) return Fail(loads.error());
  if (loads->empty()) return std::optional<std::int64_t>();
  auto users = store_.ListUsers(brand.id);
  if (!users) return Fail(users.error());
  const AssigneeLoad* best = nullptr;
  // Round robin: whoever was given a case longest ago (never: first), ties by id. Least loaded: fewest
  // unanswered cases first, then round robin.
  auto before = [&](const AssigneeLoad& a, const AssigneeLoad& b) {
    if (rules.assignment == AssignmentMode::kLeastLoaded && a.unanswered_cases != b.unanswered_cases)
      return a.unanswered_cases < b.unanswered_cases;
    if (a.last_assigned_at != b.last_assigned_at) {
      if (!a.last_assigned_at) return true;
      if (!b.last_assigned_at) return false;
      return *a.last_assigned_at < *b.last_assigned_at;
    }
    return a.user_id < b.user_id;
  };
  for (const AssigneeLoad& load : *loads) {
    auto user = std::find_if(users->begin(), users->end(), [&](const User& u) { return u.id == load.user_id; });
    if (user == users->end()) continue;
    const bool covers = user->platforms.empty() ||
                        std::find(user->platforms.begin(), user->platforms.end(), platform) != user->platforms.end();
    if (!covers || !SpeaksLanguage(user->languages, language)) continue;
    if (!best || before(load, *best)) best = &load;
  }
  if (!best) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(best->user_id);
}

}  // namespace odziv::daemon
