// BlockTracker on hand-made chains: headers linked by parentHash, branches told apart by their
// hashes. No node is involved; FakeChain answers the tracker's header requests and can fork,
// roll back and grow between (or during) calls.
#include "chain/block_tracker.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace baton::chain {
namespace {

using eth::BlockHeader;

// A canonical chain of headers 0..head. Every block ever made has a unique hash, so a block
// replaced by a fork differs from the one it replaced.
class FakeChain {
 public:
  explicit FakeChain(uint64_t head) {
    Append();  // genesis
    Mine(head);
  }

  void Mine(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) Append();
  }
  // Drops blocks >= number (anvil_rollback).
  void Rollback(uint64_t number) { blocks_.resize(number); }
  // Replaces blocks >= number with `n` new ones (anvil_reorg when n is the replaced count).
  void Fork(uint64_t number, uint64_t n) {
    Rollback(number);
    Mine(n);
  }
  const BlockHeader& at(uint64_t number) const { return blocks_.at(number); }
  uint64_t head() const { return blocks_.size() - 1; }
  int calls() const { return calls_; }
  // Runs once, just before the request numbered `call` (1-based) is answered.
  void Before(int call, std::function<void()> change) {
    change_at_ = call;
    change_ = std::move(change);
  }

  BlockTracker::HeaderSource Source() {
    return [this](std::optional<uint64_t> number) -> absl::StatusOr<BlockHeader> {
      if (++calls_ == change_at_) change_();
      uint64_t n = number.value_or(head());
      if (n > head()) return absl::NotFoundError("no such block");
      return blocks_[n];
    };
  }

 private:
  void Append() {
    BlockHeader h;
    h.number = blocks_.size();
    h.hash = std::string(32, '\0');
    std::string id = std::to_string(++made_);
    h.hash.replace(0, id.size(), id);
    h.parent_hash = blocks_.empty() ? std::string(32, '\0') : blocks_.back().hash;
    h.l1_block_number = 1000 + h.number / 4;
    blocks_.push_back(h);
  }

  std::vector<BlockHeader> blocks_;
  uint64_t made_ = 0;
  int calls_ = 0;
  int change_at_ = -1;
  std::function<void()> change_;
};

std::vector<uint64_t> Numbers(const std::vector<BlockHeader>& headers) {
  std::vector<uint64_t> out;
  for (const auto& h : headers) out.push_back(h.number);
  return out;
}

TEST(BlockTrackerTest, FirstAdvanceAcceptsOnlyTheHead) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(Numbers(update->added), std::vector<uint64_t>{10});
  EXPECT_FALSE(update->reorg);
  EXPECT_EQ(update->head.hash, chain.at(10).hash);
  EXPECT_EQ(tracker.kept(), 1u);
  EXPECT_EQ(chain.calls(), 1);
}

TEST(BlockTrackerTest, AcceptsNewBlocksInOrderAndNothingWhenTheHeadIsUnchanged) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(3);
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{11, 12, 13}));
  for (const auto& h : update->added) EXPECT_EQ(h.hash, chain.at(h.number).hash);
  EXPECT_FALSE(update->reorg);
  EXPECT_FALSE(update->behind);

  int calls = chain.calls();
  update = tracker.Advance();
  ASSERT_TRUE(update.ok());
  EXPECT_TRUE(update->added.empty());
  EXPECT_FALSE(update->reorg);
  EXPECT_EQ(chain.calls(), calls + 1);  // only the head was read
}

TEST(BlockTrackerTest, SameHeightReorgIsWalkedBackToTheCommonAncestor) {
  FakeChain chain(20);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  for (int i = 0; i < 3; ++i) {  // keep a few headers below the head
    chain.Mine(1);
    ASSERT_TRUE(tracker.Advance().ok());
  }
  ASSERT_EQ(tracker.Head()->number, 23u);
  const std::string old22 = chain.at(22).hash, old23 = chain.at(23).hash;

  chain.Fork(22, 2);  // anvil_reorg 2: blocks 22 and 23 replaced, same height
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_EQ(update->reorg->fork_block, 22u);
  EXPECT_FALSE(update->reorg->beyond_window);
  ASSERT_EQ(Numbers(update->reorg->removed), (std::vector<uint64_t>{22, 23}));
  EXPECT_EQ(update->reorg->removed[0].hash, old22);
  EXPECT_EQ(update->reorg->removed[1].hash, old23);
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{22, 23}));
  EXPECT_EQ(update->added[1].hash, chain.at(23).hash);
  EXPECT_EQ(tracker.Head()->hash, chain.at(23).hash);
  EXPECT_EQ(tracker.Find(21)->hash, chain.at(21).hash);
}

TEST(BlockTrackerTest, LongerForkRemovesTheOldBranchAndAddsTheNewOne) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(10);
  ASSERT_TRUE(tracker.Advance().ok());  // kept: 10..20
  chain.Fork(18, 5);                    // 18..22 on a new branch
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_EQ(update->reorg->fork_block, 18u);
  EXPECT_EQ(Numbers(update->reorg->removed), (std::vector<uint64_t>{18, 19, 20}));
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{18, 19, 20, 21, 22}));
  for (uint64_t n = 10; n <= 22; ++n) EXPECT_EQ(tracker.Find(n)->hash, chain.at(n).hash) << n;
}

TEST(BlockTrackerTest, RollbackWithoutNewBlocksRemovesTheBlocksAbove) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(5);
  ASSERT_TRUE(tracker.Advance().ok());  // kept: 10..15
  chain.Rollback(13);                   // head 12, a kept block
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_EQ(update->reorg->fork_block, 13u);
  EXPECT_EQ(Numbers(update->reorg->removed), (std::vector<uint64_t>{13, 14, 15}));
  EXPECT_TRUE(update->added.empty());
  EXPECT_EQ(tracker.Head()->number, 12u);
}

TEST(BlockTrackerTest, RollbackThenMiningIsAReorgFromTheRolledBackBlock) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(5);
  ASSERT_TRUE(tracker.Advance().ok());  // kept: 10..15
  chain.Rollback(15);                   // anvil_rollback 1
  chain.Mine(2);                        // anvil_mine 2: new 15 and 16
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_EQ(update->reorg->fork_block, 15u);
  EXPECT_EQ(Numbers(update->reorg->removed), std::vector<uint64_t>{15});
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{15, 16}));
}

TEST(BlockTrackerTest, ReorgDeeperThanTheKeptHeadersIsBeyondTheWindow) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source(), {.keep = 4, .max_blocks_per_advance = 100});
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(10);
  ASSERT_TRUE(tracker.Advance().ok());  // kept: 17..20
  ASSERT_EQ(tracker.kept(), 4u);
  ASSERT_EQ(tracker.Find(16), nullptr);
  chain.Fork(15, 6);  // replaces 15..20: below the oldest kept header
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_TRUE(update->reorg->beyond_window);
  EXPECT_EQ(update->reorg->fork_block, 17u);  // the oldest kept: the fork is at or below it
  EXPECT_EQ(Numbers(update->reorg->removed), (std::vector<uint64_t>{17, 18, 19, 20}));
  EXPECT_EQ(tracker.Head()->hash, chain.at(20).hash);
  EXPECT_EQ(tracker.kept(), 4u);

  // The tracker starts over from the new branch and follows it.
  chain.Mine(1);
  update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_FALSE(update->reorg);
  EXPECT_EQ(Numbers(update->added), std::vector<uint64_t>{21});
}

TEST(BlockTrackerTest, CatchesUpInBoundedSteps) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source(), {.keep = 128, .max_blocks_per_advance = 5});
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(12);
  std::vector<uint64_t> added;
  std::vector<bool> behind;
  for (int i = 0; i < 3; ++i) {
    auto update = tracker.Advance();
    ASSERT_TRUE(update.ok()) << update.status();
    EXPECT_EQ(update->head.number, 22u);  // the real head, whatever the step
    for (const auto& h : update->added) added.push_back(h.number);
    behind.push_back(update->behind);
  }
  std::vector<uint64_t> want;
  for (uint64_t n = 11; n <= 22; ++n) want.push_back(n);
  EXPECT_EQ(added, want);
  EXPECT_EQ(behind, (std::vector<bool>{true, true, false}));
}

TEST(BlockTrackerTest, ReorgInsideACatchUpStepIsFound) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source(), {.keep = 128, .max_blocks_per_advance = 5});
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(10);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(tracker.Advance().ok());  // kept: 10..20
  chain.Fork(18, 20);                                               // new branch from 18 to 37
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(update->reorg);
  EXPECT_EQ(update->reorg->fork_block, 18u);
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{18, 19, 20, 21, 22, 23, 24, 25}));
  EXPECT_TRUE(update->behind);
}

TEST(BlockTrackerTest, ChainMovingDuringTheWalkIsUnavailableAndAcceptsNothing) {
  FakeChain chain(10);
  BlockTracker tracker(chain.Source());
  ASSERT_TRUE(tracker.Advance().ok());
  chain.Mine(4);  // the next Advance reads the head (14), then 13, 12, 11
  // Just before block 12 is read, blocks 12.. are replaced: 13's parent is not the new 12.
  chain.Before(chain.calls() + 3, [&] { chain.Fork(12, 3); });
  auto update = tracker.Advance();
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.status().code(), absl::StatusCode::kUnavailable) << update.status();
  EXPECT_NE(std::string(update.status().message()).find("the chain moved"), std::string::npos);
  EXPECT_EQ(tracker.Head()->number, 10u);  // nothing accepted

  update = tracker.Advance();  // the next call reads the settled chain
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_FALSE(update->reorg);  // 12.. were never accepted, so nothing was removed
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{11, 12, 13, 14}));
  EXPECT_EQ(tracker.Head()->hash, chain.at(14).hash);
}

TEST(BlockTrackerTest, KeepsOnlyTheLastHeaders) {
  FakeChain chain(0);
  BlockTracker tracker(chain.Source(), {.keep = 8, .max_blocks_per_advance = 100});
  ASSERT_TRUE(tracker.Advance().ok());
  for (int i = 0; i < 10; ++i) {
    chain.Mine(5);
    ASSERT_TRUE(tracker.Advance().ok());
  }
  EXPECT_EQ(tracker.kept(), 8u);
  EXPECT_EQ(tracker.Find(42), nullptr);
  ASSERT_NE(tracker.Find(43), nullptr);
  EXPECT_EQ(tracker.Find(43)->hash, chain.at(43).hash);
  EXPECT_EQ(tracker.Find(50)->hash, chain.at(50).hash);
}

TEST(BlockTrackerTest, AnUnreachableNodeIsAnErrorAndChangesNothing) {
  FakeChain chain(10);
  bool down = false;
  auto source = chain.Source();
  BlockTracker tracker([&](std::optional<uint64_t> n) -> absl::StatusOr<BlockHeader> {
    if (down) return absl::UnavailableError("connection refused");
    return source(n);
  });
  ASSERT_TRUE(tracker.Advance().ok());
  down = true;
  chain.Mine(2);
  EXPECT_FALSE(tracker.Advance().ok());
  down = false;
  auto update = tracker.Advance();
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(Numbers(update->added), (std::vector<uint64_t>{11, 12}));
}

}  // namespace
}  // namespace baton::chain
