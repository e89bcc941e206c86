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

}  // namespace
}  // namespace baton::orchestrator
