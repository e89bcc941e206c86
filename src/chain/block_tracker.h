// BlockTracker: follows the canonical chain by block hash, as go-livepeer's eth/blockwatch does.
// It keeps the last `keep` headers it accepted (number, hash, parentHash, l1BlockNumber), in a
// contiguous run by number. Each Advance reads the head and fetches the blocks since the last
// accepted one (at most `max_blocks_per_advance`, so a node far behind catches up over several
// calls). Every fetched header must link to the one before it by parentHash; where a header does
// not link to the kept header below it, the tracker walks back through the chain, one header
// at a time, until it meets a kept header again: the common ancestor. The kept headers above
// the ancestor were removed by a reorg and are reported with the fork point.
//
// A rollback without new blocks (the head is a kept block below the last one) is a reorg with
// nothing added. A reorg that replaced every kept header cannot be walked back: it is reported
// as beyond_window and the tracker starts over from the headers it fetched.
//
// The tracker does no I/O of its own: headers come from a HeaderSource (eth_getBlockByNumber in
// the node, a hand-made chain in tests). Not thread-safe: one owner calls Advance.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "eth/eth_client.h"

namespace baton::chain {

class BlockTracker {
 public:
  // The header of block `number`, or of the head when nullopt.
  using HeaderSource =
      std::function<absl::StatusOr<eth::BlockHeader>(std::optional<uint64_t> number)>;

  struct Options {
    size_t keep = 128;                      // headers kept for walking back; >= 1
    uint64_t max_blocks_per_advance = 100;  // new blocks fetched per Advance; >= 1
  };

  // Blocks that left the canonical chain.
  struct Reorg {
    // The lowest replaced block number: every block numbered >= fork_block that was accepted
    // before is gone. The common ancestor is fork_block - 1.
    uint64_t fork_block = 0;
    // The accepted headers that were removed, ascending (fork_block .. old head).
    std::vector<eth::BlockHeader> removed;
    // No common ancestor among the kept headers: the reorg is deeper than `keep`, fork_block is
    // the oldest kept number and the real fork is at or below it.
    bool beyond_window = false;
  };

  struct Update {
    // The chain's head as this call read it (ahead of added.back() while behind).
    eth::BlockHeader head;
    // Newly accepted canonical blocks, ascending by number (after the ancestor on a reorg).
    std::vector<eth::BlockHeader> added;
    std::optional<Reorg> reorg;
    // More blocks than max_blocks_per_advance were waiting: call Advance again.
    bool behind = false;
  };

  explicit BlockTracker(HeaderSource source) : BlockTracker(std::move(source), Options()) {}
  BlockTracker(HeaderSource source, Options options);

  // Reads the head and accepts the blocks since the last call. The first call accepts only the
  // head (there is no history to check). A header that does not link to the one fetched above
  // it means the chain moved during the call: an Unavailable error, and nothing is accepted
  // (the next call starts again from the same place).
  absl::StatusOr<Update> Advance();

  // The last accepted header; nullopt before the first successful Advance.
  std::optional<eth::BlockHeader> Head() const;
  // The kept header numbered `number`, if it is still kept.
  const eth::BlockHeader* Find(uint64_t number) const;
  size_t kept() const { return kept_.size(); }

 private:
  // Walks down from `top` until a header is (or links to) a kept header; fills `segment`
  // (descending) with the headers not kept. Returns the ancestor's number, or nullopt when the
  // walk went below the oldest kept header.
  absl::StatusOr<std::optional<uint64_t>> WalkBack(eth::BlockHeader top,
                                                   std::vector<eth::BlockHeader>& segment) const;
  void Accept(std::vector<eth::BlockHeader> ascending);

  const HeaderSource source_;
  const Options options_;
  std::deque<eth::BlockHeader> kept_;  // contiguous numbers, ascending
};

}  // namespace baton::chain
