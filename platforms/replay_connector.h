// The `replay` platform: serves posts from a JSON Lines file (a bundled demo file, or any file or URL of
// that format) at a set pace, so the demo and tests show posts flowing with nothing outside the machine.
//
// Settings:
//   file      path of the .jsonl file, or an http(s) URL serving it (required)
//   batch     posts per poll (default 3)
//   loop      "true": after the last line start again, with ids suffixed "~2", "~3" … (default false)
//   drain     "true": report more pages while lines remain, so the whole file is fetched as fast as the
//             daemon stores it (a backlog, for load and crash tests); default false: one batch per poll
// Line format (one JSON object a line; blank lines and lines starting with '#' are skipped):
//   {"id":"r-1","kind":"review","text":"…","lang":"en","rating":1,"thread_id":"…","parent_id":"…",
//    "url":"…","created_at":"2026-11-01T10:00:00Z","edited_at":…,"deleted":true,
//    "author":{"id":"a1","handle":"@ana","name":"Ana","reach":1200},
//    "metrics":{"likes":3,"replies":1,"shares":0,"views":0}}
// Cursor: "<round>:<line index>" of the next line to serve.
#pragma once

#include <memory>
#include <string_view>

#include "platforms/connector.h"

namespace odziv::platforms {

[[nodiscard]] Result<std::unique_ptr<Connector>> MakeReplayConnector(const Source& source,
                                                                     const ConnectorContext& context);

// Parses one line of the replay format into a post (pure; used by the connector and by tests).
// `line_number` is 1-based and only used in error messages. kMalformed names the line and the field.
[[nodiscard]] Result<Post> ParseReplayLine(std::string_view line, std::size_t line_number, Timestamp now);

}  // namespace odziv::platforms
