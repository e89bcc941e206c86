#include "pm/pending_float.h"

namespace baton::pm {

crypto::U256 MaxFloatAfterPending(const crypto::U256& reserve_alloc, const crypto::U256& deposit,
                                  const crypto::U256& pending) {
  if (pending == 0) return reserve_alloc;
  // deposit / pending >= 3.0, in integers (pending is at most 2^256 - 1: compare by division).
  if (deposit / 3 >= pending) return reserve_alloc;
  return reserve_alloc > pending ? reserve_alloc - pending : crypto::U256(0);
}

absl::StatusOr<crypto::U256> PendingAwareChainFacts::MaxFloat(const crypto::Address& sender) const {
  absl::StatusOr<crypto::U256> reserve_alloc = inner_.MaxFloat(sender);
  if (!reserve_alloc.ok()) return reserve_alloc.status();
  absl::StatusOr<crypto::U256> pending = pending_(sender);
  if (!pending.ok()) return pending.status();
  if (*pending == 0) return *reserve_alloc;
  absl::StatusOr<SenderInfo> info = inner_.GetSenderInfo(sender);
  if (!info.ok()) return info.status();
  return MaxFloatAfterPending(*reserve_alloc, info->deposit, *pending);
}

bool PendingAwareChainFacts::SenderReadsCached(const crypto::Address& sender) const {
  if (!inner_.SenderReadsCached(sender)) return false;
  absl::StatusOr<crypto::U256> pending = pending_(sender);
  return pending.ok() && (*pending == 0 || inner_.SenderInfoCached(sender));
}

}  // namespace baton::pm
