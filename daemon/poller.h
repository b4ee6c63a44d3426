// Poller: one poll of one source — fetch pages from its connector and store each page together with the
// cursor after it, in one transaction, so that a crash at any moment loses no post and stores none twice.
// Used by the scheduler and by `odziv poll SOURCE --once`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/store.h"
#include "platforms/connector.h"

namespace odziv::daemon {

struct PollReport {
  std::size_t pages = 0;    // pages fetched and stored
  std::size_t fetched = 0;  // posts the connector returned
  IngestReport stored;      // summed over pages
  bool more = false;        // the platform still had a page ready when the poll stopped (page limit)
  std::string cursor_before;
  std::string cursor_after;
  std::optional<Error> error;  // the failure that ended the poll; pages stored before it stay stored
  bool storing_failed = false;  // the error came from the database (disk full, locked), not from the platform
};

// Fetches up to `max_pages` pages (following FetchPage::more) and stores each at once; the stored posts are
// synced to disk once, at the end (Store::Sync, shared with concurrent polls). After the last page
// the source's next poll is `next_poll_at` (nullopt: due now). Never throws; a failure ends the poll and is
// returned in the report, not recorded (the caller decides what it means for the source's health).
PollReport PollSource(Store& store, platforms::Connector& connector, const Source& source, const Clock& clock,
                      std::size_t max_pages, std::optional<Timestamp> next_poll_at);

}  // namespace odziv::daemon
