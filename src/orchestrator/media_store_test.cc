#include "orchestrator/media_store.h"

#include <gtest/gtest.h>

namespace baton::orchestrator {
namespace {

TEST(MediaStore, KeepsRecentFilesPerDirectoryWithinBytesAndAge) {
  MediaStore::Clock::time_point now = MediaStore::Clock::now();
  MediaStore store(10, 2, std::chrono::seconds(30), [&] { return now; });
  store.Put("s/p/1.ts", "aaa");
  store.Put("s/p/2.ts", "bbb");
  store.Put("s/p/3.ts", "ccc");  // two per directory: 1 goes
  EXPECT_EQ(store.Get("s/p/1.ts"), nullptr);
  EXPECT_EQ(*store.Get("s/p/3.ts"), "ccc");
  store.Put("t/p/1.ts", "dddd");  // 10 bytes in all: over nothing yet
  store.Put("t/p/2.ts", "e");     // 11 > 10: the oldest (s/p/2) goes
  EXPECT_EQ(store.Get("s/p/2.ts"), nullptr);
  EXPECT_EQ(store.bytes(), 8u);
  now += std::chrono::seconds(31);
  store.Put("u/p/1.ts", "f");  // everything older than 30 s goes
  EXPECT_EQ(store.files(), 1u);
  EXPECT_EQ(store.bytes(), 1u);
  store.RemoveDirectory("u");
  EXPECT_EQ(store.files(), 0u);
}

// Issue 11: AI results stay 10 minutes (go-livepeer's request store), within their own budget,
// whatever the segment traffic does.
TEST(MediaStore, KeptResultsOutliveSegmentsWithinTheirOwnBudget) {
  MediaStore::Clock::time_point now = MediaStore::Clock::now();
  MediaStore store(10, 2, std::chrono::seconds(30), [&] { return now; });
  store.SetKeptLimits(8, std::chrono::minutes(10));
  store.PutKept("req1/a.png", "aaaa");
  store.PutKept("req1/b.png", "bb");
  store.PutKept("req1/c.png", "c");  // no per-directory count on this shelf
  EXPECT_EQ(store.kept_bytes(), 7u);
  for (int i = 0; i < 20; ++i) {  // segment churn over its own 10 bytes and 30 s
    now += std::chrono::seconds(5);
    store.Put("s/p/" + std::to_string(i) + ".ts", "12345");
  }
  EXPECT_EQ(*store.Get("req1/a.png"), "aaaa");  // 100 s later, untouched
  EXPECT_EQ(store.Get("s/p/0.ts"), nullptr);
  EXPECT_EQ(store.bytes(), 10u + 7u);
  store.PutKept("req2/d.wav", "ddd");  // 10 > 8: the oldest result goes
  EXPECT_EQ(store.Get("req1/a.png"), nullptr);
  EXPECT_EQ(*store.Get("req1/b.png"), "bb");
  EXPECT_EQ(store.kept_bytes(), 6u);
  now += std::chrono::minutes(10) - std::chrono::seconds(101);  // req1's: 9:59 old
  EXPECT_EQ(*store.Get("req1/c.png"), "c");
  now += std::chrono::seconds(2);  // past 10 minutes: no longer served, evicted at a Put
  EXPECT_EQ(store.Get("req1/c.png"), nullptr);
  EXPECT_EQ(*store.Get("req2/d.wav"), "ddd");
  store.Put("s/p/x.ts", "1");
  EXPECT_EQ(store.kept_bytes(), 3u);
  store.PutKept("req2/d.wav", "dd");  // stored again: counted once, aged from now
  EXPECT_EQ(store.kept_bytes(), 2u);
  store.RemoveDirectory("req2");
  EXPECT_EQ(store.kept_bytes(), 0u);
  EXPECT_EQ(store.Get("req2/d.wav"), nullptr);
}

}  // namespace
}  // namespace baton::orchestrator
