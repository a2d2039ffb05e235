#include "connectors/nexmark/nexmark_model.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace ark::nexmark {
namespace {

TEST(NexmarkModelTest, OnePersonThreeAuctionsFortySixBidsPerFifty) {
  std::string kinds;
  for (int64_t n = 0; n < 100; ++n) kinds += "PAB"[static_cast<int>(KindOf(n))];
  const std::string block = "PAAA" + std::string(46, 'B');
  EXPECT_EQ(kinds, block + block);
}

TEST(NexmarkModelTest, LastIdsCountWhatWasCreated) {
  // Event 0 creates person 0; events 1-3 auctions 0-2; event 50 person 1; event 51 auction 3.
  EXPECT_EQ(LastBase0PersonId(0), 0);
  EXPECT_EQ(LastBase0AuctionId(0), -1);
  EXPECT_EQ(LastBase0AuctionId(1), 0);
  EXPECT_EQ(LastBase0AuctionId(3), 2);
  EXPECT_EQ(LastBase0AuctionId(4), 2);
  EXPECT_EQ(LastBase0PersonId(49), 0);
  EXPECT_EQ(LastBase0AuctionId(49), 2);
  EXPECT_EQ(LastBase0PersonId(50), 1);
  EXPECT_EQ(LastBase0AuctionId(50), 2);
  EXPECT_EQ(LastBase0AuctionId(51), 3);
  EXPECT_EQ(LastBase0PersonId(5000), 100);
  EXPECT_EQ(LastBase0AuctionId(5000), 299);
}

TEST(NexmarkModelTest, EventTimeRoundsToTheMillisecond) {
  Model model({.events_per_second = 3, .base_time_us = 5'000'000, .seed = 0});
  EXPECT_EQ(model.TimestampMicros(0), 5'000'000);
  EXPECT_EQ(model.TimestampMicros(1), 5'333'000);  // 333.3 ms
  EXPECT_EQ(model.TimestampMicros(2), 5'667'000);  // 666.7 ms
  EXPECT_EQ(model.TimestampMicros(3), 6'000'000);
  Model fast({.events_per_second = 1'000'000, .base_time_us = 0, .seed = 0});
  EXPECT_EQ(fast.TimestampMicros(499), 0);
  EXPECT_EQ(fast.TimestampMicros(500), 1000);  // halves round up
}

TEST(NexmarkModelTest, BelowIsUniformWithinItsBound) {
  Rng rng(12345);
  std::array<int64_t, 7> counts{};
  for (int i = 0; i < 70000; ++i) {
    const int64_t v = rng.Below(7);
    ASSERT_TRUE(v >= 0 && v < 7) << v;
    ++counts[static_cast<size_t>(v)];
  }
  for (int64_t c : counts) EXPECT_TRUE(c > 9500 && c < 10500) << c;
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.Unit();
    ASSERT_TRUE(u >= 0.0 && u < 1.0) << u;
  }
}

TEST(NexmarkModelTest, ExtraLettersCoverTheAlphabetEvenly) {
  Model model({.events_per_second = 10000, .base_time_us = 0, .seed = 3});
  auto builders = MakeBuilders(BidFields());
  std::vector<ColumnBuilder*> raw;
  for (auto& b : builders) raw.push_back(b.get());
  const BidColumns columns = BidColumnsOf(raw);
  for (int64_t n = 0; n < 5000; ++n) {
    if (KindOf(n) == EventKind::kBid) model.AppendBid(n, columns);
  }
  ColumnPtr extra = columns.extra->Finish();
  std::array<int64_t, 26> counts{};
  int64_t total = 0;
  for (int64_t r = 0; r < extra->length(); ++r) {
    for (char c : extra->GetView(r)) {
      ASSERT_TRUE(c >= 'a' && c <= 'z') << c;
      ++counts[static_cast<size_t>(c - 'a')];
      ++total;
    }
  }
  for (int64_t c : counts) EXPECT_TRUE(c > total / 26 * 9 / 10 && c < total / 26 * 11 / 10) << c;
}

TEST(NexmarkModelTest, TheSameEventWhateverTheOrder) {
  Model model({.events_per_second = 10000, .base_time_us = 0, .seed = 9});
  auto forward = MakeBuilders(BidFields()), backward = MakeBuilders(BidFields());
  std::vector<ColumnBuilder*> f, b;
  for (auto& x : forward) f.push_back(x.get());
  for (auto& x : backward) b.push_back(x.get());
  model.AppendBid(10, BidColumnsOf(f));
  model.AppendBid(11, BidColumnsOf(f));
  model.AppendBid(11, BidColumnsOf(b));
  model.AppendBid(10, BidColumnsOf(b));
  for (size_t c = 0; c < forward.size(); ++c) {
    ColumnPtr x = forward[c]->Finish(), y = backward[c]->Finish();
    EXPECT_EQ(x->ValueToString(0), y->ValueToString(1)) << c;
    EXPECT_EQ(x->ValueToString(1), y->ValueToString(0)) << c;
  }
}

}  // namespace
}  // namespace ark::nexmark
