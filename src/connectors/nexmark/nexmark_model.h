// The Nexmark benchmark model: which event comes at which position of the stream, its event time,
// and the values of its fields — the model of the reference generator that Beam's and Flink's
// nexmark and RisingWave's nexmark source implement, rebuilt here to write columns directly.
//
// The stream is a sequence of event numbers n = 0, 1, 2, ... In every block of 50 events the first
// is a Person, the next 3 are Auctions and the other 46 are Bids (2 % / 6 % / 92 %). Person and
// auction ids follow from n alone ("last base0 id": the number of people or auctions created so
// far), so that a bid only names auctions and people that exist already or are a few ids ahead
// (the reference's "lead", which makes some events look swapped in time). Event n happens at
// base_time + round(n × 1000 / events_per_second) milliseconds: event time has the reference's
// millisecond resolution. Every field comes from a random generator seeded by (seed, n), so any
// event can be generated on its own, in any order, and a (seed, n) pair always gives the same
// event.
//
//   Model model({.events_per_second = 10'000, .base_time_us = 0, .seed = 1});
//   auto builders = MakeBuilders(BidFields());       // one per column of the `bid` table
//   std::vector<ColumnBuilder*> raw = ...;            // builders[i].get()
//   model.AppendBid(4, BidColumnsOf(raw));            // event 4 is the first bid
//   ColumnPtr price = builders[2]->Finish();
//
// Thread-safety: a Model is immutable after construction; Append* write only to the builders they
// are given, so several threads may share one Model with their own builders.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/column_builder.h"
#include "core/schema.h"

namespace ark::nexmark {

enum class EventKind : uint8_t { kPerson = 0, kAuction = 1, kBid = 2 };

// The reference generator's constants.
inline constexpr int64_t kPersonProportion = 1;
inline constexpr int64_t kAuctionProportion = 3;
inline constexpr int64_t kBidProportion = 46;
inline constexpr int64_t kProportionDenominator =
    kPersonProportion + kAuctionProportion + kBidProportion;
inline constexpr int64_t kFirstPersonId = 1000;
inline constexpr int64_t kFirstAuctionId = 1000;
inline constexpr int64_t kFirstCategoryId = 10;
inline constexpr int64_t kNumCategories = 5;
// Ids up to this many beyond the last created one may be referenced.
inline constexpr int64_t kPersonIdLead = 10;
inline constexpr int64_t kAuctionIdLead = 10;
// Random sellers and bidders are drawn from the last kActivePeople people, random auctions from
// the last kInFlightAuctions auctions (plus the leads).
inline constexpr int64_t kActivePeople = 1000;
inline constexpr int64_t kInFlightAuctions = 100;
// P(hot) = 1 - 1/ratio for sellers, auctions, bidders and channels.
inline constexpr int64_t kHotSellerRatio = 4;
inline constexpr int64_t kHotAuctionRatio = 2;
inline constexpr int64_t kHotBidderRatio = 4;
inline constexpr int64_t kHotChannelRatio = 2;
// A hot seller, auction or bidder is the first (bidder: second) of the last batch of this many.
inline constexpr int64_t kHotBatch = 100;
// Average sizes in bytes the `extra` field pads each event to.
inline constexpr int64_t kAvgPersonBytes = 200;
inline constexpr int64_t kAvgAuctionBytes = 500;
inline constexpr int64_t kAvgBidBytes = 100;
// Channels other than the hot ones: "channel-0" … "channel-9999".
inline constexpr int64_t kNumChannels = 10000;

constexpr EventKind KindOf(int64_t n) {
  const int64_t r = n % kProportionDenominator;
  return r < kPersonProportion                        ? EventKind::kPerson
         : r < kPersonProportion + kAuctionProportion ? EventKind::kAuction
                                                      : EventKind::kBid;
}

// The base-0 id of the last person created at or before event n (n's own id when n is a person).
constexpr int64_t LastBase0PersonId(int64_t n) {
  const int64_t epoch = n / kProportionDenominator;
  int64_t offset = n % kProportionDenominator;
  if (offset >= kPersonProportion) offset = kPersonProportion - 1;
  return epoch * kPersonProportion + offset;
}

// The base-0 id of the last auction created at or before event n (n's own id when n is an
// auction); -1 before the first auction.
constexpr int64_t LastBase0AuctionId(int64_t n) {
  int64_t epoch = n / kProportionDenominator;
  int64_t offset = n % kProportionDenominator;
  if (offset < kPersonProportion) {
    --epoch;
    offset = kAuctionProportion - 1;
  } else if (offset >= kPersonProportion + kAuctionProportion) {
    offset = kAuctionProportion - 1;
  } else {
    offset -= kPersonProportion;
  }
  return epoch * kAuctionProportion + offset;
}

// splitmix64: a small, fast generator with a 64-bit state; one per event.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound). REQUIRES: bound > 0.
  int64_t Below(int64_t bound) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(bound)) >> 64);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

struct ModelConfig {
  int64_t events_per_second = 10000;  // event-time rate; REQUIRES: > 0
  int64_t base_time_us = 0;           // event time of event 0
  uint64_t seed = 0;
};

// Where Append* writes one event's fields: one builder per column, in the column order of the
// schemas below. The builders may be standalone or the fields of a StructBuilder.
struct PersonColumns {
  Int64Builder* id;
  BinaryBuilder* name;
  BinaryBuilder* email_address;
  BinaryBuilder* credit_card;
  BinaryBuilder* city;
  BinaryBuilder* state;
  Int64Builder* date_time;
  BinaryBuilder* extra;
};
struct AuctionColumns {
  Int64Builder* id;
  BinaryBuilder* item_name;
  BinaryBuilder* description;
  Int64Builder* initial_bid;
  Int64Builder* reserve;
  Int64Builder* date_time;
  Int64Builder* expires;
  Int64Builder* seller;
  Int64Builder* category;
  BinaryBuilder* extra;
};
struct BidColumns {
  Int64Builder* auction;
  Int64Builder* bidder;
  Int64Builder* price;
  BinaryBuilder* channel;
  BinaryBuilder* url;
  Int64Builder* date_time;
  BinaryBuilder* extra;
};

// The columns of each table (Flink's and RisingWave's names; timestamps in microseconds).
const std::vector<Field>& PersonFields();
const std::vector<Field>& AuctionFields();
const std::vector<Field>& BidFields();

// The builders of one flat table: the first field's builder first, in schema order.
std::vector<std::unique_ptr<ColumnBuilder>> MakeBuilders(const std::vector<Field>& fields);
// Column pointers into builders made by MakeBuilders (or a StructBuilder's fields) for that table.
PersonColumns PersonColumnsOf(const std::vector<ColumnBuilder*>& b);
AuctionColumns AuctionColumnsOf(const std::vector<ColumnBuilder*>& b);
BidColumns BidColumnsOf(const std::vector<ColumnBuilder*>& b);

// Makes room for `rows` bids in every column, strings included (a batch then grows no buffer).
void ReserveRows(const BidColumns& columns, int64_t rows);

class Model {
 public:
  explicit Model(ModelConfig config);

  const ModelConfig& config() const { return config_; }

  // Event time of event n, in microseconds (a whole number of milliseconds).
  int64_t TimestampMicros(int64_t n) const {
    const int64_t rate = config_.events_per_second;
    return config_.base_time_us + ((n * 2000 + rate) / (2 * rate)) * 1000;
  }
  // The random generator of event n.
  Rng EventRng(int64_t n) const { return Rng(seed_key_ + static_cast<uint64_t>(n) * kOdd); }

  // Append event n (REQUIRES: of that kind) as one row to every column of `out`.
  void AppendPerson(int64_t n, const PersonColumns& out) const;
  void AppendAuction(int64_t n, const AuctionColumns& out) const;
  void AppendBid(int64_t n, const BidColumns& out) const;

 private:
  static constexpr uint64_t kOdd = 0xD1B54A32D192ED03ULL;
  ModelConfig config_;
  uint64_t seed_key_;
};

}  // namespace ark::nexmark
