#include "core/store.h"

namespace odziv {
namespace {

thread_local int deferred_syncs = 0;

}  // namespace

DeferredSync::DeferredSync() noexcept { ++deferred_syncs; }

DeferredSync::~DeferredSync() { --deferred_syncs; }

bool DeferredSync::Active() noexcept { return deferred_syncs > 0; }

IngestReport& IngestReport::operator+=(const IngestReport& other) {
  inserted += other.inserted;
  edited += other.edited;
  deleted += other.deleted;
  refreshed += other.refreshed;
  unchanged += other.unchanged;
  inserted_ids.insert(inserted_ids.end(), other.inserted_ids.begin(), other.inserted_ids.end());
  changed_ids.insert(changed_ids.end(), other.changed_ids.begin(), other.changed_ids.end());
  inserted_brand_or_deleted_ids.insert(inserted_brand_or_deleted_ids.end(),
                                       other.inserted_brand_or_deleted_ids.begin(),
                                       other.inserted_brand_or_deleted_ids.end());
  return *this;
}

}  // namespace odziv
