#include "connectors/nexmark/nexmark_input.h"

#include <numeric>
#include <string>

#include "base/time.h"

namespace ark {
namespace {

using nexmark::EventKind;

std::vector<ColumnBuilder*> Raw(const std::vector<std::unique_ptr<ColumnBuilder>>& builders,
                                size_t begin, size_t count) {
  std::vector<ColumnBuilder*> out;
  for (size_t i = begin; i < begin + count; ++i) out.push_back(builders[i].get());
  return out;
}

std::vector<ColumnBuilder*> Fields(StructBuilder& s) {
  std::vector<ColumnBuilder*> out;
  for (int i = 0; i < s.num_fields(); ++i) out.push_back(&s.field(i));
  return out;
}

}  // namespace

SchemaPtr NexmarkSchema(NexmarkTable table) {
  switch (table) {
    case NexmarkTable::kBid:
      return Schema::Make(nexmark::BidFields());
    case NexmarkTable::kAuction:
      return Schema::Make(nexmark::AuctionFields());
    case NexmarkTable::kPerson:
      return Schema::Make(nexmark::PersonFields());
    case NexmarkTable::kAll:
      break;
  }
  return Schema::Make({Field("event_type", DataType::Int32()),
                       Field("date_time", DataType::Timestamp()),
                       Field("person", DataType::Struct(nexmark::PersonFields())),
                       Field("auction", DataType::Struct(nexmark::AuctionFields())),
                       Field("bid", DataType::Struct(nexmark::BidFields()))});
}

NexmarkInput::NexmarkInput(NexmarkOptions options)
    : options_(options),
      model_({.events_per_second = std::max<int64_t>(options.events_per_second, 1),
              .base_time_us = options.base_time_us,
              .seed = options.seed}),
      schema_(NexmarkSchema(options.table)),
      next_(options.split_index) {
  for (const Field& f : schema_->fields()) builders_.push_back(MakeBuilder(f.type));
  switch (options_.table) {
    case NexmarkTable::kBid:
      bid_ = nexmark::BidColumnsOf(Raw(builders_, 0, builders_.size()));
      break;
    case NexmarkTable::kAuction:
      auction_ = nexmark::AuctionColumnsOf(Raw(builders_, 0, builders_.size()));
      break;
    case NexmarkTable::kPerson:
      person_ = nexmark::PersonColumnsOf(Raw(builders_, 0, builders_.size()));
      break;
    case NexmarkTable::kAll:
      person_ = nexmark::PersonColumnsOf(Fields(static_cast<StructBuilder&>(*builders_[2])));
      auction_ = nexmark::AuctionColumnsOf(Fields(static_cast<StructBuilder&>(*builders_[3])));
      bid_ = nexmark::BidColumnsOf(Fields(static_cast<StructBuilder&>(*builders_[4])));
      break;
  }
}

Status NexmarkInput::Connect() {
  const NexmarkOptions& o = options_;
  if (o.event_count < 0) {
    return Status::InvalidArgument(
        "nexmark input: event_count must be 0 (unbounded) or more, got {}", o.event_count);
  }
  if (o.events_per_second < 1) {
    return Status::InvalidArgument("nexmark input: events_per_second must be at least 1, got {}",
                                   o.events_per_second);
  }
  if (o.batch_size < 1) {
    return Status::InvalidArgument("nexmark input: batch_size must be at least 1, got {}",
                                   o.batch_size);
  }
  if (o.split_count < 1 || o.split_index < 0 || o.split_index >= o.split_count) {
    return Status::InvalidArgument(
        "nexmark input: split_index must be in [0, split_count), got split_index {} with "
        "split_count {}",
        o.split_index, o.split_count);
  }
  if (o.table != NexmarkTable::kAll) {
    // Split i takes the events n ≡ i (mod split_count): it sees an event kind only if one of the
    // kind's positions in the block of 50 is ≡ i modulo gcd(split_count, 50).
    const auto kind = o.table == NexmarkTable::kBid       ? EventKind::kBid
                      : o.table == NexmarkTable::kAuction ? EventKind::kAuction
                                                          : EventKind::kPerson;
    const int64_t g = std::gcd(o.split_count, nexmark::kProportionDenominator);
    bool reachable = false;
    for (int64_t r = 0; r < nexmark::kProportionDenominator; ++r) {
      reachable |= nexmark::KindOf(r) == kind && r % g == o.split_index % g;
    }
    if (!reachable) {
      return Status::InvalidArgument(
          "nexmark input: split {} of {} never gets a {} event (the model puts them at fixed "
          "places in every 50 events); choose a split_count that does not share a factor with 50 "
          "or use table: all",
          o.split_index, o.split_count,
          o.table == NexmarkTable::kAuction ? "auction"
          : o.table == NexmarkTable::kBid   ? "bid"
                                            : "person");
    }
  }
  return Status::OK();
}

Batch NexmarkInput::Finish(int64_t rows) {
  std::vector<ColumnPtr> columns;
  columns.reserve(builders_.size());
  for (auto& b : builders_) columns.push_back(b->Finish());
  return Batch(schema_, std::move(columns), rows);
}

Result<Batch> NexmarkInput::NextBatch() {
  const int64_t count = options_.event_count;
  const int64_t step = options_.split_count;
  const int64_t limit = options_.batch_size;
  if (count > 0 && next_ >= count) {
    return Status::EndOfStream("nexmark input: {} events generated", count);
  }
  int64_t rows = 0;
  int64_t n = next_;
  int64_t last = n;  // the last event emitted
  const auto more = [&] { return rows < limit && (count == 0 || n < count); };
  switch (options_.table) {
    case NexmarkTable::kBid:
      nexmark::ReserveRows(bid_, count == 0 ? limit : std::min(limit, count - n));
      for (; more(); n += step) {
        if (nexmark::KindOf(n) != EventKind::kBid) continue;
        model_.AppendBid(n, bid_);
        last = n;
        ++rows;
      }
      break;
    case NexmarkTable::kAuction:
      for (; more(); n += step) {
        if (nexmark::KindOf(n) != EventKind::kAuction) continue;
        model_.AppendAuction(n, auction_);
        last = n;
        ++rows;
      }
      break;
    case NexmarkTable::kPerson:
      for (; more(); n += step) {
        if (nexmark::KindOf(n) != EventKind::kPerson) continue;
        model_.AppendPerson(n, person_);
        last = n;
        ++rows;
      }
      break;
    case NexmarkTable::kAll: {
      auto& type = static_cast<Int32Builder&>(*builders_[0]);
      auto& time = static_cast<Int64Builder&>(*builders_[1]);
      auto& person = static_cast<StructBuilder&>(*builders_[2]);
      auto& auction = static_cast<StructBuilder&>(*builders_[3]);
      auto& bid = static_cast<StructBuilder&>(*builders_[4]);
      for (; more(); n += step, ++rows) {
        const EventKind kind = nexmark::KindOf(n);
        last = n;
        type.Append(static_cast<int32_t>(kind));
        time.Append(model_.TimestampMicros(n));
        if (kind == EventKind::kPerson) {
          person.Append();
          model_.AppendPerson(n, person_);
        } else {
          person.AppendNull();
        }
        if (kind == EventKind::kAuction) {
          auction.Append();
          model_.AppendAuction(n, auction_);
        } else {
          auction.AppendNull();
        }
        if (kind == EventKind::kBid) {
          bid.Append();
          model_.AppendBid(n, bid_);
        } else {
          bid.AppendNull();
        }
      }
      break;
    }
  }
  next_ = n;
  if (rows == 0) return Status::EndOfStream("nexmark input: {} events generated", count);
  last_emitted_ = last;
  return Finish(rows);
}

Result<InputBatch> NexmarkInput::Read(std::stop_token stop) {
  if (!started_) {
    ARK_RETURN_IF_ERROR(Connect());
    started_ = true;
    start_ = Clock::now();
  }
  if (stop.stop_requested()) return Status::Cancelled("nexmark input stopped");
  ARK_ASSIGN_OR_RETURN(Batch batch, NextBatch());
  if (options_.real_time) {
    // The batch is due when the event time of its last event has passed on the wall clock.
    const auto due = start_ + std::chrono::microseconds(model_.TimestampMicros(last_emitted_) -
                                                        options_.base_time_us);
    std::unique_lock lock(mu_);
    wake_.wait_until(lock, stop, due, [] { return false; });
    if (stop.stop_requested()) return Status::Cancelled("nexmark input stopped");
  }
  return InputBatch{std::move(batch), AckToken(), std::nullopt};
}

namespace {

ConfigSpec NexmarkSpec() {
  ConfigSpec spec(
      "Generates the events of the Nexmark benchmark (people, auctions and bids, 2 % / 6 % / 92 %, "
      "as the reference generator of Beam, Flink and RisingWave) directly into columnar batches: "
      "one table (`bid`, `auction`, `person`) with its own columns, or `all` kinds in one stream "
      "with struct columns. Event time starts at `base_time` and advances by the configured "
      "rate; the same seed gives the same events.");
  spec.String("table",
              "Which events: `bid`, `auction` or `person` (that kind only, flat columns as Flink's "
              "and RisingWave's nexmark tables), or `all` (every event: event_type, date_time and "
              "the struct columns person, auction, bid).")
      .Default("bid")
      .OneOf({"bid", "auction", "person", "all"});
  spec.Int("event_count",
           "Number of events of the model stream (all kinds counted, so a table gets its share: "
           "92 % for bid); 0 means unbounded.")
      .Default("0")
      .Min(0);
  spec.Int("events_per_second",
           "Event-time rate: event n happens at base_time + n / events_per_second (millisecond "
           "resolution, as the reference).")
      .Default("10000")
      .Min(1)
      .Max(1000000000);
  spec.String("base_time", "Event time of the first event (RFC 3339).")
      .Default("2024-01-01T00:00:00Z");
  spec.Int("seed", "Seed of the random fields; the same seed gives the same events.")
      .Default("0")
      .Min(0);
  spec.Int("batch_size", "Rows per batch.").Default("4096").Min(1).Max(1048576);
  spec.Bool("real_time",
            "Emit each batch when its events' time has come on the wall clock (counted from the "
            "start); false generates as fast as the pipeline takes the batches.")
      .Default("false");
  spec.Int("split_count",
           "Number of inputs that share one stream (each takes every "
           "split_count-th event).")
      .Default("1")
      .Min(1)
      .Max(65536);
  spec.Int("split_index", "Which share this input emits, 0 to split_count - 1.")
      .Default("0")
      .Min(0);
  return spec;
}

}  // namespace

void RegisterNexmarkInput(Registry& registry) {
  registry.AddInput(
      {.name = "nexmark",
       .summary = "Generates Nexmark benchmark events (bids, auctions, people) as columns.",
       .spec = NexmarkSpec(),
       .example = "input:\n  type: nexmark\n  table: bid\n  event_count: 1000000\n  seed: 1\n"},
      [](const ComponentConfig& cfg, const ComponentContext&) -> Result<std::unique_ptr<Input>> {
        NexmarkOptions o;
        const std::string table = cfg.GetString("table");
        o.table = table == "bid"       ? NexmarkTable::kBid
                  : table == "auction" ? NexmarkTable::kAuction
                  : table == "person"  ? NexmarkTable::kPerson
                                       : NexmarkTable::kAll;
        o.event_count = cfg.GetInt("event_count");
        o.events_per_second = cfg.GetInt("events_per_second");
        auto base = ParseTimestampMicros(cfg.GetString("base_time"));
        if (!base.ok()) {
          return cfg.NodeOf("base_time")
              .Error(fmt::format("nexmark input: base_time \"{}\" is not an RFC 3339 timestamp "
                                 "(such as 2024-01-01T00:00:00Z): {}",
                                 cfg.GetString("base_time"), base.status().message()));
        }
        o.base_time_us = *base;
        o.seed = static_cast<uint64_t>(cfg.GetInt("seed"));
        o.batch_size = cfg.GetInt("batch_size");
        o.real_time = cfg.GetBool("real_time");
        o.split_count = cfg.GetInt("split_count");
        o.split_index = cfg.GetInt("split_index");
        auto input = std::make_unique<NexmarkInput>(o);
        // The spec bounds each option; Connect checks how they combine (the split options).
        if (Status s = input->Connect(); !s.ok()) {
          return cfg.NodeOf("split_index").Error(s.message());
        }
        return input;
      });
}

}  // namespace ark
