// The judge the daemon's pipeline uses: sentiment/'s Judge over a stored post, with the post's age taken
// from the daemon's clock.
#pragma once

#include "core/clock.h"
#include "daemon/pipeline.h"

namespace odziv::daemon {

// Loads the lexicons compiled into the binary. kConfig when they do not load (a broken build).
// The returned function is thread-safe; `clock` outlives it.
[[nodiscard]] Result<Judge> MakePostJudge(const Clock& clock);

}  // namespace odziv::daemon
