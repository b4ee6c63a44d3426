// /api/v1/queue, /api/v1/drafts/{id} and /api/v1/changes: the approval queue as the web app shows it, the
// decisions people make on drafts (through ApprovalQueue, under the brand's approval rules, with their audit
// events), and a cheap poll that tells the web app when to load the queue again.
#include <cpprest/json.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "daemon/api_context.h"
#include "daemon/case_json.h"
#include "daemon/json_forms.h"

namespace odziv::daemon::api {
namespace {

using web::json::value;

// The longest reply text and reject reason read (bytes), before the platform's own limit is checked: well
// above any platform's reply, far below what could hurt.
constexpr std::size_t kMaxTextBytes = 20000;
constexpr std::size_t kMaxReasonBytes = 2000;
// The queue's page for `principal`: one query (Store::ListQueue walks the queue's index from the cursor), and
// its JSON kept in api.queue_pages until the store changes or a second passes, so that agents polling the
// queue cost one build per change. The cache key holds everything the answer depends on: the brands the
// principal may see (not who it is: two agents of the same brands are shown the same page), the brand
// asked for, the page size and the cursor.
Result<ServerResponse> ListQueue(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto limit = PageLimit(request);
  if (!limit) return Fail(limit.error());
  QueueFilter filter;
  filter.limit = *limit;
  if (auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    auto parts = DecodeCursor(cursor->second, 3);
    if (!parts) return Fail(parts.error());
    filter.after = QueueKey::FromParts(*parts);
  }
  if (auto named = request.query.find("brand"); named != request.query.end()) {
    auto brand = api.VisibleBrand(principal, named->second);
    if (!brand) return Fail(brand.error());
    filter.brand_id = brand->id;
  }
  filter.brand_ids = principal.BrandIds();
  if (filter.brand_ids.empty()) return JsonResponse(Page(value::array(), std::nullopt));

  const std::string key = fmt::format("{}/{}/{}/{}", fmt::join(filter.brand_ids, ","), filter.brand_id.value_or(0),
                                      filter.limit, filter.after ? EncodeCursor(filter.after->Parts()) : "");
  // Taken before the page is read: a write in between leaves the entry older than its content, never newer.
  auto generation = api.store.DataGeneration();
  if (!generation) return Fail(generation.error());
  const Timestamp now = api.clock.Now();
  if (auto kept = api.queue_pages->Find(key, *generation, now)) return JsonTextResponse(*kept);

  auto page = api.store.ListQueue(filter);
  if (!page) return Fail(page.error());
  // The assignees' logins: a page names a few people, so each is read by id.
  std::map<std::int64_t, std::string> logins;
  for (const QueueRow& row : page->rows) {
    if (!row.case_.assignee_id || logins.contains(*row.case_.assignee_id)) continue;
    auto user = api.store.GetUserById(*row.case_.assignee_id);
    if (!user && user.error().code != ErrorCode::kNotFound) return Fail(user.error());
    logins.emplace(*row.case_.assignee_id, user ? user->login : std::string());
  }
  value items = value::array(page->rows.size());
  for (std::size_t i = 0; i < page->rows.size(); ++i) {
    const QueueRow& row = page->rows[i];
    Brand brand;
    brand.id = row.draft.brand_id;
    brand.slug = row.brand_slug;
    brand.name = row.brand_name;
    items[i] = QueueItemToJson(row, brand, row.case_.assignee_id ? logins[*row.case_.assignee_id] : "",
                               row.assessment, now);
  }
  std::optional<std::string> next;
  if (page->next) next = EncodeCursor(page->next->Parts());
  std::string body = Page(std::move(items), next).serialize();
  api.queue_pages->Keep(key, *generation, now, body);
  return JsonTextResponse(std::move(body));
}

// The draft named in the path with its case and post, when the principal may see its brand.
Result<QueueItem> VisibleDraft(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto id = RouteId(request, "draft");
  if (!id) return Fail(id.error());
  auto item = ApprovalQueue(api.store).Show(*id, principal.user);
  if (!item) {
    if (item.error().code == ErrorCode::kNotFound) return Fail(NotFound("draft", request.params.at("id")));
    return Fail(item.error());
  }
  return item;
}

// The answer to every draft route: the queue item as it is now, with the draft's deliveries.
Result<ServerResponse> DraftResponse(ApiContext& api, std::int64_t draft_id, const Principal& principal) {
  auto item = ApprovalQueue(api.store).Show(draft_id, principal.user);
  if (!item) return Fail(item.error());
  const std::vector<std::int64_t> ids{item->post.id};
  auto assessments = api.store.LatestAssessments(ids);
  if (!assessments) return Fail(assessments.error());
  auto brand = api.store.GetBrandById(item->draft.brand_id);
  if (!brand) return Fail(brand.error());
  std::string assignee;
  if (item->case_.assignee_id) {
    auto user = api.store.GetUserById(*item->case_.assignee_id);
    if (user) assignee = user->login;
  }
  auto deliveries = api.store.ListDeliveries(draft_id, std::nullopt);
  if (!deliveries) return Fail(deliveries.error());
  auto a = assessments->find(item->post.id);
  value out = QueueItemToJson(*item, *brand, assignee,
                              a == assessments->end() ? std::nullopt : std::optional<Assessment>(a->second),
                              api.clock.Now());
  value list = value::array();
  for (const Delivery& d : *deliveries) list[list.size()] = DeliveryToJson(d);
  out["deliveries"] = list;
  return JsonResponse(out);
}

Result<ServerResponse> GetDraft(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto item = VisibleDraft(api, request, principal);
  if (!item) return Fail(item.error());
  return DraftResponse(api, item->draft.id, principal);
}

// A decision's "version": required, so that nobody decides on a text they have not seen.
Result<std::int64_t> RequiredVersion(const value& body) {
  auto version = OptionalInteger(body, "version");
  if (!version) return Fail(version.error());
  if (!*version)
    return Fail(ErrorCode::kInvalidArgument,
                "field 'version' is required: the draft's version as you saw it (from GET /api/v1/drafts/{id})");
  return **version;
}

// Viewers see drafts but may not decide on them; the approval rules decide the rest (second approvers …).
Status MayDecide(const Principal& principal, const QueueItem& item) {
  if (!principal.MayWork(item.draft.brand_id)) return Fail(RoleTooLow("agents, leads and admins", "decide on drafts"));
  return {};
}

Result<ServerResponse> PatchDraft(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  auto text = RequiredString(*body, "text");
  if (!text) return Fail(text.error());
  if (text->size() > kMaxTextBytes)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("text is longer than {} bytes", kMaxTextBytes));
  auto version = RequiredVersion(*body);
  if (!version) return Fail(version.error());
  auto approve = OptionalBool(*body, "approve");
  if (!approve) return Fail(approve.error());
  auto item = VisibleDraft(api, request, principal);
  if (!item) return Fail(item.error());
  if (auto ok = MayDecide(principal, *item); !ok) return Fail(ok.error());
  auto edited = ApprovalQueue(api.store).Edit(item->draft.id, *text, principal.user, approve->value_or(false),
                                             api.clock.Now(), *version);
  if (!edited) return Fail(edited.error());
  return DraftResponse(api, edited->id, principal);
}

Result<ServerResponse> ApproveDraft(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  auto version = RequiredVersion(*body);
  if (!version) return Fail(version.error());
  auto item = VisibleDraft(api, request, principal);
  if (!item) return Fail(item.error());
  if (auto ok = MayDecide(principal, *item); !ok) return Fail(ok.error());
  auto approved = ApprovalQueue(api.store).Approve(item->draft.id, principal.user, api.clock.Now(), *version);
  if (!approved) return Fail(approved.error());
  return DraftResponse(api, approved->id, principal);
}

Result<ServerResponse> RejectDraft(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  auto body = api.Body(request);
  if (!body) return Fail(body.error());
  auto reason = RequiredString(*body, "reason");
  if (!reason) return Fail(reason.error());
  if (reason->size() > kMaxReasonBytes)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("reason is longer than {} bytes", kMaxReasonBytes));
  if (reason->find_first_not_of(" \t\r\n") == std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "reason must say why the draft is rejected");
  auto version = RequiredVersion(*body);
  if (!version) return Fail(version.error());
  auto item = VisibleDraft(api, request, principal);
  if (!item) return Fail(item.error());
  if (auto ok = MayDecide(principal, *item); !ok) return Fail(ok.error());
  auto rejected = ApprovalQueue(api.store).Reject(item->draft.id, *reason, principal.user, api.clock.Now(), *version);
  if (!rejected) return Fail(rejected.error());
  return DraftResponse(api, rejected->id, principal);
}

// ---- Changes.

Result<ServerResponse> Changes(ApiContext& api, const ServerRequest& request, const Principal& principal) {
  std::optional<std::int64_t> since;
  if (auto token = request.query.find("since"); token != request.query.end()) {
    auto key = DecodeCursor(token->second, 1);
    if (!key) return Fail(ErrorCode::kInvalidArgument, "since is not a token this server gave out");
    since = (*key)[0];
  }
  const std::vector<std::int64_t> brands = principal.BrandIds();
  auto latest = api.store.LatestAuditEventId(brands, since.value_or(0));
  if (!latest) return Fail(latest.error());
  value out = value::object();
  out["token"] = value::string(EncodeCursor({*latest}));
  out["queue_changed"] = value::boolean(!since || *latest != *since);
  return JsonResponse(out);
}

}  // namespace

value QueueItemToJson(const QueueItem& item, const Brand& brand, std::string_view assignee_login,
                      const std::optional<Assessment>& assessment, Timestamp now) {
  value out = value::object();
  out["draft"] = DraftToJson(item.draft);
  out["case"] = CaseToJson(item.case_, brand.slug, assignee_login, now);
  value post = PostToJson(item.post);
  post["brand"] = value::string(brand.slug);
  post["assessment"] = assessment ? AssessmentToJson(*assessment) : value::null();
  out["post"] = post;
  value b = value::object();
  b["slug"] = value::string(brand.slug);
  b["name"] = value::string(brand.name);
  out["brand"] = b;
  out["time_left_s"] = out["case"].at("time_left_s");
  return out;
}

void AddQueueRoutes(HttpRouter& router, const std::shared_ptr<ApiContext>& api) {
  AddRoute(router, api, "GET", "/api/v1/queue", ListQueue);
  AddRoute(router, api, "GET", "/api/v1/drafts/{id}", GetDraft);
  AddRoute(router, api, "PATCH", "/api/v1/drafts/{id}", PatchDraft);
  AddRoute(router, api, "POST", "/api/v1/drafts/{id}/approve", ApproveDraft);
  AddRoute(router, api, "POST", "/api/v1/drafts/{id}/reject", RejectDraft);
  AddRoute(router, api, "GET", "/api/v1/changes", Changes);
}

}  // namespace odziv::daemon::api
