// /api/v1/posts, /api/v1/cases and /api/v1/alerts: keyset pages over the principal's brands, one case with
// everything a person needs to answer it, and the case changes people make (assign, close) through
// CaseTracker, which writes their audit events.
#include <cpprest/json.h>
#include <fmt/format.h>

#include <set>
#include <sstream>

#include "daemon/api_context.h"
#include "daemon/case_json.h"
#include "daemon/case_tracker.h"
#include "daemon/json_forms.h"

namespace odziv::daemon::api {
namespace {

using web::json::value;

// The longest close note read (bytes): a few paragraphs.
constexpr std::size_t kMaxNoteBytes = 4000;
// The most earlier cases of the same author shown with a case.
constexpr std::size_t kHistoryCases = 10;

std::string SlugOf(const std::map<std::int64_t, Brand>& brands, std::int64_t id) {
  auto it = brands.find(id);
  return it == brands.end() ? std::string() : it->second.slug;
}

std::string LoginOf(const std::map<std::int64_t, std::string>& logins, std::optional<std::int64_t> id) {
  if (!id) return "";
  auto it = logins.find(*id);
  return it == logins.end() ? std::string() : it->second;
}

value PostWithAssessment(const StoredPost& post, const std::map<std::int64_t, Assessment>& assessments,
                         std::string_view brand_slug) {
  value out = PostToJson(post);
  out["brand"] = value::string(std::string(brand_slug));
  auto a = assessments.find(post.id);
  out["assessment"] = a == assessments.end() ? value::null() : AssessmentToJson(a->second);
  return out;
}

// ---- Posts.

Result<ServerResponse> ListPosts(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto scope = api.ListScope(principal, request);
  if (!scope) return Fail(scope.error());
  auto limit = PageLimit(request);
  if (!limit) return Fail(limit.error());
  PostPageFilter filter;
  filter.brand_ids = *scope;
  filter.limit = *limit + 1;
  if (auto platform = request.query.find("platform"); platform != request.query.end())
    filter.platform = platform->second;
  if (auto label = request.query.find("label"); label != request.query.end()) {
    if (label->second == "neg") {
      filter.label = SentimentLabel::kNegative;
    } else if (label->second == "neu") {
      filter.label = SentimentLabel::kNeutral;
    } else if (label->second == "pos") {
      filter.label = SentimentLabel::kPositive;
    } else {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("label must be neg, neu or pos, not '{}'", label->second));
    }
  }
  if (auto since = request.query.find("since"); since != request.query.end()) {
    filter.since = ParseIsoTimestamp(since->second);
    if (!filter.since)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("since must be an RFC 3339 date-time such as 2026-11-23T08:00:00Z, not '{}'",
                              since->second));
  }
  if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    auto key = DecodeCursor(cursor->second, 1);
    if (!key) return Fail(key.error());
    filter.before_id = (*key)[0];
  }
  if (filter.brand_ids.empty()) return JsonResponse(Page(value::array(), std::nullopt));
  auto posts = api.store.ListPostPage(filter);
  if (!posts) return Fail(posts.error());
  std::vector<std::int64_t> ids;
  for (const StoredPost& p : *posts) ids.push_back(p.id);
  auto assessments = api.store.LatestAssessments(ids);
  if (!assessments) return Fail(assessments.error());
  auto brands = api.BrandsById();
  if (!brands) return Fail(brands.error());
  return JsonResponse(PageOf(
      *posts, *limit,
      [&](const StoredPost& p) { return PostWithAssessment(p, *assessments, SlugOf(*brands, p.brand_id)); },
      [](const StoredPost& p) { return std::vector<std::int64_t>{p.id}; }));
}

Result<ServerResponse> GetPost(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto id = RouteId(request, "post");
  if (!id) return Fail(id.error());
  auto post = api.store.GetPost(*id);
  if (!post || !principal.MaySee(post->brand_id)) {
    if (!post && post.error().code != ErrorCode::kNotFound) return Fail(post.error());
    return Fail(NotFound("post", request.params.at("id")));
  }
  const std::vector<std::int64_t> ids{post->id};
  auto assessments = api.store.LatestAssessments(ids);
  if (!assessments) return Fail(assessments.error());
  auto brand = api.store.GetBrandById(post->brand_id);
  if (!brand) return Fail(brand.error());
  auto cases = api.store.CasesOfPost(post->id);
  if (!cases) return Fail(cases.error());
  value out = PostWithAssessment(*post, *assessments, brand->slug);
  value case_ids = value::array();
  for (const Case& c : *cases) case_ids[case_ids.size()] = value::number(c.id);
  out["case_ids"] = case_ids;
  return JsonResponse(out);
}

// ---- Cases.

// `state`: comma-separated states, "unanswered" for open, awaiting_approval and replied.
Result<std::vector<CaseState>> ParseStates(const std::string& text) {
  std::vector<CaseState> states;
  std::stringstream in(text);
  for (std::string name; std::getline(in, name, ',');) {
    if (name == "unanswered") {
      states.insert(states.end(), {CaseState::kOpen, CaseState::kAwaitingApproval, CaseState::kReplied});
    } else if (auto state = ParseCaseState(name)) {
      states.push_back(*state);
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("state '{}' is not one of open, awaiting_approval, replied, confirmed, closed, "
                              "unanswered",
                              name));
    }
  }
  return states;
}

Result<ServerResponse> ListCases(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto scope = api.ListScope(principal, request);
  if (!scope) return Fail(scope.error());
  auto limit = PageLimit(request);
  if (!limit) return Fail(limit.error());
  CasePageFilter filter;
  filter.brand_ids = *scope;
  filter.limit = *limit + 1;
  if (auto state = request.query.find("state"); state != request.query.end()) {
    auto states = ParseStates(state->second);
    if (!states) return Fail(states.error());
    filter.states = std::move(*states);
  }
  auto priority = QueryInteger(request, "priority");
  if (!priority) return Fail(priority.error());
  if (*priority) {
    if (**priority < 1 || **priority > 4) return Fail(ErrorCode::kInvalidArgument, "priority must be 1, 2, 3 or 4");
    filter.priority = static_cast<int>(**priority);
  }
  if (auto overdue = request.query.find("overdue"); overdue != request.query.end()) {
    if (overdue->second != "1" && overdue->second != "0")
      return Fail(ErrorCode::kInvalidArgument, "overdue must be 1 (only overdue cases) or 0");
    if (overdue->second == "1") filter.overdue_at = api.clock.Now();
  }
  std::string sort = "newest";
  if (auto s = request.query.find("sort"); s != request.query.end()) sort = s->second;
  if (sort != "newest" && sort != "urgency")
    return Fail(ErrorCode::kInvalidArgument, fmt::format("sort must be urgency or newest, not '{}'", sort));
  filter.most_urgent_first = sort == "urgency";
  if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    auto key = DecodeCursor(cursor->second, filter.most_urgent_first ? 3 : 1);
    if (!key) return Fail(key.error());
    if (filter.most_urgent_first) {
      filter.after = CaseUrgencyKey{(*key)[0], (*key)[1], (*key)[2]};
    } else {
      filter.before_id = (*key)[0];
    }
  }
  if (auto assignee = request.query.find("assignee"); assignee != request.query.end()) {
    auto user = api.store.GetUser(assignee->second);
    if (!user) {
      if (user.error().code != ErrorCode::kNotFound) return Fail(user.error());
      return Fail(ErrorCode::kInvalidArgument, fmt::format("assignee: there is no user '{}'", assignee->second));
    }
    filter.assignee_id = user->id;
  }
  if (filter.brand_ids.empty()) return JsonResponse(Page(value::array(), std::nullopt));
  auto cases = api.store.ListCasePage(filter);
  if (!cases) return Fail(cases.error());
  auto brands = api.BrandsById();
  if (!brands) return Fail(brands.error());
  auto logins = api.LoginsById();
  if (!logins) return Fail(logins.error());
  const Timestamp now = api.clock.Now();
  const bool urgent = filter.most_urgent_first;
  return JsonResponse(PageOf(
      *cases, *limit,
      [&](const Case& c) { return CaseToJson(c, SlugOf(*brands, c.brand_id), LoginOf(*logins, c.assignee_id), now); },
      [urgent](const Case& c) {
        if (!urgent) return std::vector<std::int64_t>{c.id};
        CaseUrgencyKey key = UrgencyKeyOf(c);
        return std::vector<std::int64_t>{key.priority, key.due_ms, key.id};
      }));
}

// The case named in the path when the principal may see its brand; kNotFound otherwise.
Result<Case> VisibleCase(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto id = RouteId(request, "case");
  if (!id) return Fail(id.error());
  auto c = api.store.GetCase(*id);
  if (!c || !principal.MaySee(c->brand_id)) {
    if (!c && c.error().code != ErrorCode::kNotFound) return Fail(c.error());
    return Fail(NotFound("case", request.params.at("id")));
  }
  return c;
}

Result<ServerResponse> GetCase(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto c = VisibleCase(api, request, principal);
  if (!c) return Fail(c.error());
  auto brand = api.store.GetBrandById(c->brand_id);
  if (!brand) return Fail(brand.error());
  auto posts = api.store.CasePosts(c->id);
  if (!posts) return Fail(posts.error());
  std::vector<std::int64_t> post_ids;
  for (const StoredPost& p : *posts) post_ids.push_back(p.id);
  auto assessments = api.store.LatestAssessments(post_ids);
  if (!assessments) return Fail(assessments.error());
  std::vector<Case> history;
  if (!c->author_id.empty()) {
    CaseFilter same_author;
    same_author.brand_id = c->brand_id;
    same_author.platform = c->platform;
    same_author.author_id = c->author_id;
    same_author.limit = kHistoryCases + 1;
    auto found = api.store.ListCases(same_author);
    if (!found) return Fail(found.error());
    for (Case& other : *found)
      if (other.id != c->id && history.size() < kHistoryCases) history.push_back(std::move(other));
  }
  DraftFilter of_case;
  of_case.case_id = c->id;
  auto drafts = api.store.ListDrafts(of_case);
  if (!drafts) return Fail(drafts.error());
  std::vector<std::string> subjects{fmt::format("case:{}", c->id)};
  for (const StoredDraft& d : *drafts) subjects.push_back(fmt::format("draft:{}", d.id));
  auto events = api.store.ListAuditEventsOf(subjects);
  if (!events) return Fail(events.error());
  auto logins = api.LoginsById();
  if (!logins) return Fail(logins.error());

  const Timestamp now = api.clock.Now();
  value out = CaseToJson(*c, brand->slug, LoginOf(*logins, c->assignee_id), now);
  value post_list = value::array();
  for (const StoredPost& p : *posts) post_list[post_list.size()] = PostWithAssessment(p, *assessments, brand->slug);
  out["posts"] = post_list;
  value history_list = value::array();
  for (const Case& other : history)
    history_list[history_list.size()] = CaseToJson(other, brand->slug, LoginOf(*logins, other.assignee_id), now);
  out["history"] = history_list;
  value draft_list = value::array();
  for (const StoredDraft& d : *drafts) draft_list[draft_list.size()] = DraftToJson(d);
  out["drafts"] = draft_list;
  value audit = value::array();
  for (const AuditEvent& e : *events) audit[audit.size()] = AuditEventToJson(e);
  out["audit"] = audit;
  return JsonResponse(out);
}

Result<ServerResponse> AssignCase(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  std::optional<std::string> login;
  if (!body->has_field("login")) return Fail(ErrorCode::kInvalidArgument, "field 'login' is required (null unassigns)");
  if (!body->at("login").is_null()) {
    auto given = RequiredString(*body, "login");
    if (!given) return Fail(given.error());
    login = *given;
  }
  auto c = VisibleCase(api, request, principal);
  if (!c) return Fail(c.error());
  if (!principal.MayWork(c->brand_id)) return Fail(RoleTooLow("agents, leads and admins", "assign cases"));
  std::optional<std::int64_t> user_id;
  if (login) {
    auto user = api.store.GetUser(*login);
    // Someone without a role in the brand is treated like no one: their existence is not the caller's business.
    if (!user || !user->brand_roles.contains(c->brand_id)) {
      if (!user && user.error().code != ErrorCode::kNotFound) return Fail(user.error());
      return Fail(ErrorCode::kInvalidArgument, fmt::format("login: no user '{}' in this brand", *login));
    }
    user_id = user->id;
  }
  CaseTracker tracker(api.store);
  auto assigned = tracker.Assign(c->id, user_id, Actor{principal.user.login, principal.user.id}, api.clock.Now());
  if (!assigned) return Fail(assigned.error());
  auto brand = api.store.GetBrandById(assigned->brand_id);
  if (!brand) return Fail(brand.error());
  return JsonResponse(CaseToJson(*assigned, brand->slug, login.value_or(""), api.clock.Now()));
}

Result<ServerResponse> CloseCase(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  auto reason_text = RequiredString(*body, "reason");
  if (!reason_text) return Fail(reason_text.error());
  auto reason = ParseCloseReason(*reason_text);
  std::string reasons;
  for (std::string_view r : PersonCloseReasons()) reasons += fmt::format("{}{}", reasons.empty() ? "" : ", ", r);
  if (!reason || *reason == CloseReason::kPostDeleted)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("reason '{}' is not one of: {}", *reason_text, reasons));
  auto note = OptionalString(*body, "note");
  if (!note) return Fail(note.error());
  if (*note && (*note)->size() > kMaxNoteBytes)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("note is longer than {} bytes", kMaxNoteBytes));
  auto c = VisibleCase(api, request, principal);
  if (!c) return Fail(c.error());
  if (!principal.MayWork(c->brand_id)) return Fail(RoleTooLow("agents, leads and admins", "close cases"));
  CaseTracker tracker(api.store);
  auto closed = tracker.Close(c->id, *reason, note->value_or(""), Actor{principal.user.login, principal.user.id},
                              api.clock.Now());
  if (!closed) return Fail(closed.error());
  auto brand = api.store.GetBrandById(closed->brand_id);
  if (!brand) return Fail(brand.error());
  auto logins = api.LoginsById();
  if (!logins) return Fail(logins.error());
  return JsonResponse(CaseToJson(*closed, brand->slug, LoginOf(*logins, closed->assignee_id), api.clock.Now()));
}

// ---- Alerts.

Result<ServerResponse> ListAlerts(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto scope = api.ListScope(principal, request);
  if (!scope) return Fail(scope.error());
  auto limit = PageLimit(request);
  if (!limit) return Fail(limit.error());
  AlertPageFilter filter;
  filter.brand_ids = *scope;
  filter.limit = *limit + 1;
  if (auto status = request.query.find("status"); status != request.query.end()) {
    static const std::set<std::string> kStatuses{"pending", "sent", "failed", "suppressed"};
    if (!kStatuses.contains(status->second))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("status must be pending, sent, failed or suppressed, not '{}'", status->second));
    filter.status = status->second;
  }
  if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    auto key = DecodeCursor(cursor->second, 1);
    if (!key) return Fail(key.error());
    filter.before_id = (*key)[0];
  }
  if (filter.brand_ids.empty()) return JsonResponse(Page(value::array(), std::nullopt));
  auto alerts = api.store.ListAlertPage(filter);
  if (!alerts) return Fail(alerts.error());
  auto brands = api.BrandsById();
  if (!brands) return Fail(brands.error());
  return JsonResponse(PageOf(
      *alerts, *limit,
      [&](const Alert& a) {
        value out = AlertToJson(a);
        out["brand"] = value::string(SlugOf(*brands, a.brand_id));
        out["case_id"] = a.case_id ? value::number(*a.case_id) : value::null();
        return out;
      },
      [](const Alert& a) { return std::vector<std::int64_t>{a.id}; }));
}

}  // namespace

void AddCaseRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api) {
  AddRoute(router, api, "GET", "/api/v1/posts", ListPosts);
  AddRoute(router, api, "GET", "/api/v1/posts/{id}", GetPost);
  AddRoute(router, api, "GET", "/api/v1/cases", ListCases);
  AddRoute(router, api, "GET", "/api/v1/cases/{id}", GetCase);
  AddRoute(router, api, "POST", "/api/v1/cases/{id}/assign", AssignCase);
  AddRoute(router, api, "POST", "/api/v1/cases/{id}/close", CloseCase);
  AddRoute(router, api, "GET", "/api/v1/alerts", ListAlerts);
}

}  // namespace odziv::daemon::api
