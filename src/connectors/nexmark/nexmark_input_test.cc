#include "connectors/nexmark/nexmark_input.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "config/yaml_loader.h"
#include "connectors/connectors.h"

namespace ark {
namespace {

using nexmark::EventKind;

// Every batch of an input, concatenated column by column into rows of rendered values.
std::vector<Batch> ReadAll(NexmarkInput& in) {
  std::vector<Batch> out;
  std::stop_source stop;
  while (true) {
    auto r = in.Read(stop.get_token());
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kEndOfStream) << r.status().ToString();
      break;
    }
    out.push_back(std::move(r->batch));
  }
  return out;
}

int64_t Rows(const std::vector<Batch>& batches) {
  int64_t n = 0;
  for (const Batch& b : batches) n += b.num_rows();
  return n;
}

int64_t Int(const Batch& b, std::string_view column, int64_t row) {
  return b.ColumnByName(column)->data<int64_t>()[row];
}

std::string Str(const Batch& b, std::string_view column, int64_t row) {
  return std::string(b.ColumnByName(column)->GetView(row));
}

NexmarkOptions Opts(NexmarkTable table, int64_t count, int64_t batch_size = 1000) {
  NexmarkOptions o;
  o.table = table;
  o.event_count = count;
  o.batch_size = batch_size;
  return o;
}

TEST(NexmarkInputTest, ExactCountsPerKind) {
  // 125 events: people at 0, 50, 100; auctions at 1-3, 51-53, 101-103; the other 113 are bids.
  for (auto [table, expected] :
       std::vector<std::pair<NexmarkTable, int64_t>>{{NexmarkTable::kAll, 125},
                                                     {NexmarkTable::kPerson, 3},
                                                     {NexmarkTable::kAuction, 9},
                                                     {NexmarkTable::kBid, 113}}) {
    NexmarkInput in(Opts(table, 125, 7));
    EXPECT_EQ(Rows(ReadAll(in)), expected) << static_cast<int>(table);
  }
  NexmarkInput bids(Opts(NexmarkTable::kBid, 1000000, 65536));
  EXPECT_EQ(Rows(ReadAll(bids)), 920000);
  NexmarkInput auctions(Opts(NexmarkTable::kAuction, 1000000, 65536));
  EXPECT_EQ(Rows(ReadAll(auctions)), 60000);
  NexmarkInput people(Opts(NexmarkTable::kPerson, 1000000, 65536));
  EXPECT_EQ(Rows(ReadAll(people)), 20000);
}

TEST(NexmarkInputTest, BatchSizesAndEnd) {
  NexmarkInput in(Opts(NexmarkTable::kAll, 25, 10));
  std::vector<int64_t> sizes;
  for (const Batch& b : ReadAll(in)) sizes.push_back(b.num_rows());
  EXPECT_EQ(sizes, (std::vector<int64_t>{10, 10, 5}));
  std::stop_source stop;
  EXPECT_EQ(in.Read(stop.get_token()).status().code(), StatusCode::kEndOfStream);
}

TEST(NexmarkInputTest, SchemasUseFlinkAndRisingWaveNames) {
  EXPECT_EQ(NexmarkSchema(NexmarkTable::kBid)->ToString(),
            "auction: int64, bidder: int64, price: int64, channel: string, url: string, "
            "date_time: timestamp, extra: string");
  EXPECT_EQ(NexmarkSchema(NexmarkTable::kAuction)->ToString(),
            "id: int64, item_name: string, description: string, initial_bid: int64, reserve: "
            "int64, date_time: timestamp, expires: timestamp, seller: int64, category: int64, "
            "extra: string");
  EXPECT_EQ(NexmarkSchema(NexmarkTable::kPerson)->ToString(),
            "id: int64, name: string, email_address: string, credit_card: string, city: string, "
            "state: string, date_time: timestamp, extra: string");
  const SchemaPtr all = NexmarkSchema(NexmarkTable::kAll);
  ASSERT_EQ(all->num_fields(), 5);
  EXPECT_EQ(all->field(0).name, "event_type");
  EXPECT_EQ(all->field(4).type.fields().size(), 7u);
}

TEST(NexmarkInputTest, SameSeedSameEventsOtherSeedOtherValues) {
  auto render = [](uint64_t seed) {
    NexmarkOptions o = Opts(NexmarkTable::kBid, 5000, 333);
    o.seed = seed;
    NexmarkInput in(o);
    std::vector<std::string> rows;
    for (const Batch& b : ReadAll(in)) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        rows.push_back(std::to_string(Int(b, "auction", r)) + "," +
                       std::to_string(Int(b, "bidder", r)) + "," +
                       std::to_string(Int(b, "price", r)) + "," + Str(b, "channel", r) + "," +
                       Str(b, "url", r) + "," + std::to_string(Int(b, "date_time", r)) + "," +
                       Str(b, "extra", r));
      }
    }
    return rows;
  };
  const auto a = render(7), b = render(7), c = render(8);
  ASSERT_EQ(a.size(), 4600u);
  EXPECT_EQ(a, b);
  size_t different = 0;
  for (size_t i = 0; i < a.size(); ++i) different += a[i] != c[i];
  EXPECT_GT(different, 4500u);
}

TEST(NexmarkInputTest, BatchSizeDoesNotChangeTheEvents) {
  NexmarkInput small(Opts(NexmarkTable::kAll, 3000, 17));
  NexmarkInput large(Opts(NexmarkTable::kAll, 3000, 3000));
  const auto a = ReadAll(small), b = ReadAll(large);
  ASSERT_EQ(b.size(), 1u);
  int64_t row = 0;
  for (const Batch& batch : a) {
    for (int64_t r = 0; r < batch.num_rows(); ++r, ++row) {
      ASSERT_EQ(batch.column(1)->data<int64_t>()[r], b[0].column(1)->data<int64_t>()[row]);
      for (int c = 2; c < 5; ++c) {
        ASSERT_EQ(batch.column(c)->IsNull(r), b[0].column(c)->IsNull(row));
      }
    }
  }
  EXPECT_EQ(row, 3000);
}

TEST(NexmarkInputTest, TablesAreTheEventsOfTheAllStream) {
  NexmarkInput all(Opts(NexmarkTable::kAll, 2000, 2000));
  NexmarkInput bids(Opts(NexmarkTable::kBid, 2000, 2000));
  NexmarkInput auctions(Opts(NexmarkTable::kAuction, 2000, 2000));
  const Batch a = ReadAll(all)[0], b = ReadAll(bids)[0], c = ReadAll(auctions)[0];
  int64_t bid_row = 0, auction_row = 0;
  for (int64_t r = 0; r < a.num_rows(); ++r) {
    const Column& bid = *a.column(4);
    const Column& auction = *a.column(3);
    if (!bid.IsNull(r)) {
      for (int f = 0; f < b.num_columns(); ++f) {
        ASSERT_EQ(bid.children()[f]->ValueToString(r), b.column(f)->ValueToString(bid_row)) << f;
      }
      ++bid_row;
    }
    if (!auction.IsNull(r)) {
      for (int f = 0; f < c.num_columns(); ++f) {
        ASSERT_EQ(auction.children()[f]->ValueToString(r), c.column(f)->ValueToString(auction_row))
            << f;
      }
      ++auction_row;
    }
  }
  EXPECT_EQ(bid_row, b.num_rows());
  EXPECT_EQ(auction_row, c.num_rows());
}

// Ids are consecutive from 1000; bids and auctions only reference people and auctions that exist
// already, or are at most the model's lead (10) ahead; random ones come from the last 1000 people
// and the last 100 auctions.
TEST(NexmarkInputTest, ReferencesStayWithinTheModelsWindow) {
  NexmarkInput in(Opts(NexmarkTable::kAll, 200000, 4096));
  int64_t people = 0, auctions = 0, bids = 0, n = 0;
  int64_t hot_auction_bids = 0;
  for (const Batch& b : ReadAll(in)) {
    const Column& type = *b.column(0);
    const Column& person = *b.column(2);
    const Column& auction = *b.column(3);
    const Column& bid = *b.column(4);
    for (int64_t r = 0; r < b.num_rows(); ++r, ++n) {
      const auto kind = static_cast<EventKind>(type.data<int32_t>()[r]);
      ASSERT_EQ(kind, nexmark::KindOf(n));
      if (kind == EventKind::kPerson) {
        ASSERT_EQ(person.children()[0]->data<int64_t>()[r], 1000 + people);
        ++people;
      } else if (kind == EventKind::kAuction) {
        ASSERT_EQ(auction.children()[0]->data<int64_t>()[r], 1000 + auctions);
        const int64_t seller = auction.children()[7]->data<int64_t>()[r] - 1000;
        ASSERT_GE(seller, std::max<int64_t>(0, people - 1000));
        ASSERT_LE(seller, people - 1 + 10);
        const int64_t category = auction.children()[8]->data<int64_t>()[r];
        ASSERT_TRUE(category >= 10 && category < 15) << category;
        ++auctions;
      } else {
        const int64_t a = bid.children()[0]->data<int64_t>()[r] - 1000;
        const int64_t p = bid.children()[1]->data<int64_t>()[r] - 1000;
        ASSERT_GE(a, std::max<int64_t>(0, auctions - 1 - 100)) << n;
        ASSERT_LE(a, auctions - 1 + 10) << n;
        ASSERT_GE(p, std::max<int64_t>(0, people - 1000)) << n;
        ASSERT_LE(p, people - 1 + 10) << n;
        hot_auction_bids += a % 100 == 0;
        ++bids;
      }
      ASSERT_TRUE(person.IsNull(r) == (kind != EventKind::kPerson));
      ASSERT_TRUE(auction.IsNull(r) == (kind != EventKind::kAuction));
      ASSERT_TRUE(bid.IsNull(r) == (kind != EventKind::kBid));
    }
  }
  EXPECT_EQ(people, 4000);
  EXPECT_EQ(auctions, 12000);
  EXPECT_EQ(bids, 184000);
  // About half of the bids go to the hot auction of the current batch of 100.
  EXPECT_GT(hot_auction_bids, bids * 45 / 100);
  EXPECT_LT(hot_auction_bids, bids * 55 / 100);
}

TEST(NexmarkInputTest, EventTimeAdvancesByTheRateFromTheBaseTime) {
  NexmarkOptions o = Opts(NexmarkTable::kAll, 10000, 4096);
  o.events_per_second = 4000;  // 0.25 ms apart: event n at round(n / 4) ms
  o.base_time_us = 1'000'000'000'000'000;
  NexmarkInput in(o);
  int64_t n = 0, previous = 0;
  for (const Batch& b : ReadAll(in)) {
    for (int64_t r = 0; r < b.num_rows(); ++r, ++n) {
      const int64_t t = b.column(1)->data<int64_t>()[r];
      ASSERT_EQ(t, o.base_time_us + ((2 * n + 4) / 8) * 1000) << n;
      ASSERT_GE(t, previous);
      previous = t;
      const Column& auction = *b.column(3);
      if (!auction.IsNull(r)) {
        ASSERT_EQ(auction.children()[5]->data<int64_t>()[r], t);
        // expires: 1 ms to twice the time until 100 more auctions (1666 events = 416.5 ms).
        const int64_t length = auction.children()[6]->data<int64_t>()[r] - t;
        ASSERT_GE(length, 1000);
        ASSERT_LE(length, 2 * 417 * 1000);
      }
    }
  }
  EXPECT_EQ(previous, o.base_time_us + 2500 * 1000);
}

TEST(NexmarkInputTest, FieldsHaveTheModelsForms) {
  NexmarkInput bids(Opts(NexmarkTable::kBid, 50000, 50000));
  std::map<std::string, int64_t> hot;
  for (const Batch& b : ReadAll(bids)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const std::string extra = Str(b, "extra", r);
      ASSERT_GE(extra.size(), 54u);  // 68 ± 14 bytes pad a bid to 100 on average
      ASSERT_LT(extra.size(), 82u);
      ASSERT_TRUE(
          std::all_of(extra.begin(), extra.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
      const int64_t price = Int(b, "price", r);
      ASSERT_TRUE(price >= 100 && price <= 100'000'000) << price;
      ASSERT_EQ(Str(b, "url", r).rfind("https://www.nexmark.com/", 0), 0u);
      const std::string channel = Str(b, "channel", r);
      if (channel.rfind("channel-", 0) != 0) ++hot[channel];
    }
  }
  EXPECT_EQ(hot.size(), 4u);
  EXPECT_TRUE(hot.count("Google") && hot.count("Facebook") && hot.count("Baidu") &&
              hot.count("Apple"));
  NexmarkInput people(Opts(NexmarkTable::kPerson, 5000, 5000));
  const std::set<std::string> states = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  for (const Batch& b : ReadAll(people)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const std::string card = Str(b, "credit_card", r);
      ASSERT_EQ(card.size(), 19u);
      ASSERT_TRUE(card[4] == ' ' && card[9] == ' ' && card[14] == ' ') << card;
      ASSERT_TRUE(states.count(Str(b, "state", r)));
      const std::string email = Str(b, "email_address", r);
      ASSERT_NE(email.find('@'), std::string::npos);
      ASSERT_EQ(email.substr(email.size() - 4), ".com");
      ASSERT_NE(Str(b, "name", r).find(' '), std::string::npos);
    }
  }
}

TEST(NexmarkInputTest, SplitsPartitionTheStream) {
  NexmarkInput whole(Opts(NexmarkTable::kBid, 3000, 500));
  std::multiset<std::pair<int64_t, int64_t>> expected, got;
  for (const Batch& b : ReadAll(whole)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      expected.insert({Int(b, "date_time", r), Int(b, "price", r)});
    }
  }
  for (int64_t i = 0; i < 3; ++i) {
    NexmarkOptions o = Opts(NexmarkTable::kBid, 3000, 500);
    o.split_count = 3;
    o.split_index = i;
    NexmarkInput part(o);
    for (const Batch& b : ReadAll(part)) {
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        got.insert({Int(b, "date_time", r), Int(b, "price", r)});
      }
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(NexmarkInputTest, InvalidOptionsFailConnect) {
  NexmarkOptions o = Opts(NexmarkTable::kBid, 10);
  o.split_count = 2;
  o.split_index = 2;
  NexmarkInput in(o);
  Status s = in.Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "nexmark input: split_index must be in [0, split_count), got split_index 2 with "
            "split_count 2");
}

TEST(NexmarkInputTest, StopInterruptsTheRealTimeWait) {
  NexmarkOptions o = Opts(NexmarkTable::kAll, 0, 100);
  o.events_per_second = 1;  // the first batch's last event is due 99 s after the start
  o.real_time = true;
  NexmarkInput in(o);
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  auto r = in.Read(stop.get_token());
  stopper.join();
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "nexmark input stopped");
}

TEST(NexmarkInputTest, SplitsThatNeverSeeTheTableAreRefused) {
  NexmarkOptions o = Opts(NexmarkTable::kPerson, 0);
  o.split_count = 50;  // split 1 gets events 1, 51, 101, …: always auctions
  o.split_index = 1;
  Status s = NexmarkInput(o).Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "nexmark input: split 1 of 50 never gets a person event (the model puts them at fixed "
            "places in every 50 events); choose a split_count that does not share a factor with 50 "
            "or use table: all");
  o.split_index = 0;  // events 0, 50, 100, …: every person
  EXPECT_TRUE(NexmarkInput(o).Connect().ok());
  o.table = NexmarkTable::kBid;
  o.split_count = 10;
  o.split_index = 3;  // bids at 13, 23, …
  EXPECT_TRUE(NexmarkInput(o).Connect().ok());
}

class NexmarkConfigTest : public ::testing::Test {
 protected:
  NexmarkConfigTest() {
    RegisterConnectors(registry_);
    ctx_.stream_id = "stream-0";
    ctx_.label = "input";
    ctx_.registry = &registry_;
  }
  Result<std::unique_ptr<Input>> Make(std::string_view yaml) {
    auto v = LoadYamlString(yaml, "test.yaml");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return registry_.MakeInput(*v, ctx_);
  }
  Registry registry_;
  ComponentContext ctx_;
};

TEST_F(NexmarkConfigTest, FromYaml) {
  auto in = Make("type: nexmark\ntable: person\nevent_count: 500\nbatch_size: 4\n");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  std::stop_source stop;
  int64_t rows = 0;
  while (true) {
    auto r = (*in)->Read(stop.get_token());
    if (!r.ok()) break;
    rows += r->batch.num_rows();
  }
  EXPECT_EQ(rows, 10);
}

TEST_F(NexmarkConfigTest, OptionErrorsSayWhatAndWhere) {
  auto bad_table = Make("type: nexmark\ntable: bids\n");
  ASSERT_FALSE(bad_table.ok());
  EXPECT_EQ(bad_table.status().code(), StatusCode::kConfigError);
  EXPECT_NE(bad_table.status().message().find("bid, auction, person, all"), std::string::npos)
      << bad_table.status().message();

  auto bad_time = Make("type: nexmark\nbase_time: yesterday\n");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_NE(bad_time.status().message().find(
                "test.yaml:2:12: base_time: nexmark input: base_time \"yesterday\" is not an RFC "
                "3339 timestamp"),
            std::string::npos)
      << bad_time.status().message();

  auto bad_split = Make("type: nexmark\nsplit_count: 2\nsplit_index: 2\n");
  ASSERT_FALSE(bad_split.ok());
  EXPECT_NE(bad_split.status().message().find(
                "split_index: nexmark input: split_index must be in [0, split_count), got "
                "split_index 2 with split_count 2"),
            std::string::npos)
      << bad_split.status().message();

  auto negative = Make("type: nexmark\nevent_count: -1\n");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), StatusCode::kConfigError);
}

}  // namespace
}  // namespace ark
