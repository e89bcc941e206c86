#include "common/lru_map.h"

#include <gtest/gtest.h>

#include <string>

namespace baton {
namespace {

TEST(LruMap, HoldsAtMostItsCapacityAndEvictsTheLeastRecentlyUsed) {
  LruMap<std::string, int> map(3);
  map.Put("a", 1);
  map.Put("b", 2);
  map.Put("c", 3);
  ASSERT_NE(map.Find("a"), nullptr);  // "a" is now the most recently used
  map.Put("d", 4);                    // evicts "b"
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(map.Peek("b"), nullptr);
  EXPECT_EQ(*map.Peek("a"), 1);
  map.Put("c", 30);  // replacing counts as a use
  map.Put("e", 5);   // evicts "a": Peek does not refresh
  EXPECT_EQ(map.Peek("a"), nullptr);
  EXPECT_EQ(*map.Peek("c"), 30);
  map.Erase("c");
  EXPECT_EQ(map.size(), 2u);
  for (int i = 0; i < 1000; ++i) map.Put(std::to_string(i), i);
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(*map.Peek("999"), 999);
  map.Clear();
  EXPECT_EQ(map.size(), 0u);
}

}  // namespace
}  // namespace baton
