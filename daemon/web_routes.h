// The web app's routes of the daemon's HTTP server: the single page (GET / and GET /app/…, the app's own
// routes, all answered with index.html) and its files (GET /static/…), read from `web_root`.
#pragma once

#include <filesystem>

#include "daemon/http_router.h"

namespace odziv::daemon {

// Reads every regular file under `web_root` into memory now (the app is a few small files; a new version is
// picked up by restarting the daemon) and adds:
//   GET /, GET /app and /app/{rest...}   index.html, so that a reload of any screen of the app works;
//   GET /static/{file...}               the file web_root/static/file, with its Content-Type, an ETag (a 304 to an
//                                        If-None-Match that names it) and Cache-Control: no-cache (browsers
//                                        revalidate, so a new version is seen at once and an unchanged one
//                                        costs a 304).
// Only what was found under the root at start is ever served: a request path with "..", "." or empty
// segments, a backslash, a NUL or a leading "/" is refused with 404, and a symlink whose target lies outside
// the root (or a directory of such) is skipped when reading, so nothing outside the root can be named.
// Every answer of these routes (404s included) carries the Content-Security-Policy of the app
// (kWebContentSecurityPolicy), X-Content-Type-Options: nosniff and Referrer-Policy: same-origin.
// When web_root has no index.html the routes answer 503 with a plain message and a warning is logged once.
void AddWebRoutes(HttpRouter& router, std::filesystem::path web_root);

// Scripts, styles and connections from the daemon's own origin only; no inline script or style, no framing.
inline constexpr const char* kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Where the web app is when web_root is not configured: the installed copy (${datadir}/odziv/web) when it
// exists, else the source tree's web/ (a daemon run from its build tree).
std::filesystem::path DefaultWebRoot();

}  // namespace odziv::daemon
