#include "core/store.h"

namespace odziv {
namespace {

thread_local int deferred_syncs = 0;

}  // namespace

DeferredSync::DeferredSync() noexcept { ++deferred_syncs; }

DeferredSync::~DeferredSync() { --deferred_syncs; }

bool DeferredSync::Active() noexcept { return deferred_syncs > 0; }

}  // namespace odziv
