// The JSON forms of cases, drafts, deliveries, audit events, alerts and users for the CLI's --json output and
// the HTTP API (docs/cli.md lists the fields). Kept apart from json_forms.h, which holds brands, sources and
// posts.
#pragma once

#include <cpprest/json.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/brand.h"
#include "core/case.h"
#include "core/draft.h"
#include "core/user.h"

namespace odziv::daemon {

// `now` gives time_left_s (negative when overdue; null without a deadline or once answered).
web::json::value CaseToJson(const Case& c, std::string_view brand_slug, std::string_view assignee_login, Timestamp now);
// With its approvals and version (the version a decision on it must name).
web::json::value DraftToJson(const StoredDraft& draft);
web::json::value DeliveryToJson(const Delivery& delivery);
web::json::value AuditEventToJson(const AuditEvent& event);
web::json::value AlertToJson(const Alert& alert);
// {"id","login","name","email","languages","platforms","brands":{slug: role},"disabled","instance_admin",
// "created_at"}: the CLI's `user list --json` and the API's users routes.
web::json::value UserToJson(const User& user, const std::map<std::int64_t, std::string>& brand_slugs);
// The signed-in person as GET /api/v1/session answers: {"id","login","name","email","instance_admin",
// "brands":[{"id","slug","name","role"}]}, brands in `brands`' order, only those the user holds a role in.
web::json::value SessionUserToJson(const User& user, const std::vector<Brand>& brands);

// "2h05m", "-1d3h" (overdue), for people.
std::string FormatTimeLeft(std::chrono::milliseconds left);

}  // namespace odziv::daemon
