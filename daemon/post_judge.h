// The judge the daemon's pipeline uses: sentiment/'s Judge over a stored post, with the post's age taken
// from the daemon's clock, the brand's own urgency weights (settings "urgency", daemon/urgency_rules.h) and
// the author's earlier cases with the brand (a repeat complainant is more urgent).
#pragma once

#include "core/clock.h"
#include "core/store.h"
#include "daemon/pipeline.h"

namespace odziv::daemon {

// How far back an author's earlier cases with the brand count as repeat complaints.
inline constexpr std::chrono::hours kRepeatComplaintWindow{30 * 24};

// Loads the lexicons compiled into the binary. kConfig when they do not load (a broken build).
// The returned function is thread-safe; `clock` and `store` outlive it. A brand's weights are read again
// when the configuration changes (checked at most every few seconds); a brand whose "urgency" settings do
// not load is judged with the defaults, and that is logged once per change.
[[nodiscard]] Result<Judge> MakePostJudge(const Clock& clock, Store& store);

}  // namespace odziv::daemon
