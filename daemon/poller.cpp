#include "daemon/poller.h"

namespace odziv::daemon {

namespace {

PollReport FetchAndStore(Store& store, platforms::Connector& connector, const Source& source, const Clock& clock,
                         std::size_t max_pages, std::optional<Timestamp> next_poll_at) {
  PollReport report;
  report.cursor_before = source.cursor;
  report.cursor_after = source.cursor;
  std::string cursor = source.cursor;
  for (std::size_t page_number = 0; page_number < max_pages; ++page_number) {
    auto page = connector.Fetch(cursor);
    if (!page) {
      report.error = page.error();
      return report;
    }
    report.fetched += page->posts.size();
    const bool last = !page->more || page_number + 1 == max_pages;
    // Until the last page is stored, the source stays due: a crash in between resumes at once.
    // A backlog cut short by the page limit stays due too.
    const bool due_now = !last || page->more;
    auto ingested = store.IngestPage(source.id, page->posts, page->next_cursor, clock.Now(),
                                     due_now ? std::optional<Timestamp>(clock.Now()) : next_poll_at);
    if (!ingested) {
      report.error = ingested.error().WithContext("storing the page");
      report.storing_failed = true;
      return report;
    }
    ++report.pages;
    cursor = page->next_cursor;
    report.cursor_after = cursor;
    report.stored += *ingested;
    report.more = page->more;
    if (!page->more) break;
  }
  return report;
}

}  // namespace

PollReport PollSource(Store& store, platforms::Connector& connector, const Source& source, const Clock& clock,
                      std::size_t max_pages, std::optional<Timestamp> next_poll_at) {
  PollReport report;
  {
    // The pages are committed without a disk sync each; one sync below, shared with the other polls.
    DeferredSync deferred;
    report = FetchAndStore(store, connector, source, clock, max_pages, next_poll_at);
  }
  // A poll that stored no post changed only its source's cursor and poll times; a power loss that took those
  // back would make the next poll ask again for what is stored, which stores nothing twice.
  const IngestReport& stored = report.stored;
  if (stored.inserted + stored.edited + stored.deleted + stored.refreshed > 0) {
    if (auto synced = store.Sync(); !synced) {
      report.error = synced.error().WithContext("storing the page");
      report.storing_failed = true;
    }
  }
  return report;
}

}  // namespace odziv::daemon
