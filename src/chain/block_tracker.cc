#include "chain/block_tracker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/hex.h"

namespace baton::chain {

namespace {

BlockTracker::Options AtLeastOne(BlockTracker::Options options) {
  options.keep = std::max<size_t>(options.keep, 1);
  options.max_blocks_per_advance = std::max<uint64_t>(options.max_blocks_per_advance, 1);
  return options;
}

}  // namespace

BlockTracker::BlockTracker(HeaderSource source, Options options)
    : source_(std::move(source)), options_(AtLeastOne(options)) {}

std::optional<eth::BlockHeader> BlockTracker::Head() const {
  if (kept_.empty()) return std::nullopt;
  return kept_.back();
}

const eth::BlockHeader* BlockTracker::Find(uint64_t number) const {
  if (kept_.empty() || number < kept_.front().number || number > kept_.back().number)
    return nullptr;
  return &kept_[number - kept_.front().number];
}

absl::StatusOr<BlockTracker::Update> BlockTracker::Advance() {
  auto head = source_(std::nullopt);
  if (!head.ok()) return head.status();
  Update update;
  update.head = *head;
  if (kept_.empty()) {
    Accept({*head});
    update.added.push_back(*std::move(head));
    return update;
  }
  const eth::BlockHeader tip = kept_.back();
  if (head->hash == tip.hash) return update;

  // Far behind: take the next bounded step instead of the head; the walk below fills the gap.
  eth::BlockHeader top = *std::move(head);
  if (top.number > tip.number + options_.max_blocks_per_advance) {
    auto step = source_(tip.number + options_.max_blocks_per_advance);
    if (!step.ok()) return step.status();
    top = *std::move(step);
    update.behind = true;
  }

  std::vector<eth::BlockHeader> segment;  // descending
  auto ancestor = WalkBack(std::move(top), segment);
  if (!ancestor.ok()) return ancestor.status();

  Reorg reorg;
  if (!ancestor->has_value()) {
    reorg.fork_block = kept_.front().number;
    reorg.beyond_window = true;
    reorg.removed.assign(kept_.begin(), kept_.end());
    kept_.clear();
  } else {
    reorg.fork_block = **ancestor + 1;
    while (!kept_.empty() && kept_.back().number > **ancestor) {
      reorg.removed.insert(reorg.removed.begin(), std::move(kept_.back()));
      kept_.pop_back();
    }
  }
  if (!reorg.removed.empty()) update.reorg = std::move(reorg);

  std::reverse(segment.begin(), segment.end());
  Accept(segment);
  update.added = std::move(segment);
  return update;
}

absl::StatusOr<std::optional<uint64_t>> BlockTracker::WalkBack(
    eth::BlockHeader top, std::vector<eth::BlockHeader>& segment) const {
  eth::BlockHeader h = std::move(top);
  while (true) {
    if (const eth::BlockHeader* k = Find(h.number); k != nullptr && k->hash == h.hash)
      return h.number;  // already kept: the chain only lost the blocks above it
    segment.push_back(h);
    if (h.number == 0 || h.number - 1 < kept_.front().number) return std::nullopt;
    const uint64_t below = h.number - 1;
    if (const eth::BlockHeader* k = Find(below); k != nullptr && k->hash == h.parent_hash)
      return below;
    auto parent = source_(below);
    if (!parent.ok()) return parent.status();
    if (parent->number != below)
      return absl::InternalError(
          absl::StrCat("asked for block ", below, ", the node answered block ", parent->number));
    if (parent->hash != h.parent_hash)
      return absl::UnavailableError(absl::StrCat(
          "the chain moved while reading blocks: block ", below, " is ", HexEncode0x(parent->hash),
          " but block ", h.number, " names parent ", HexEncode0x(h.parent_hash)));
    h = *std::move(parent);
  }
}

void BlockTracker::Accept(std::vector<eth::BlockHeader> ascending) {
  for (auto& header : ascending) kept_.push_back(std::move(header));
  while (kept_.size() > options_.keep) kept_.pop_front();
}

}  // namespace baton::chain
