#include "connectors/nexmark/nexmark_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "base/status.h"

namespace ark::nexmark {
namespace {

constexpr int64_t kMinStringLength = 3;

constexpr std::array<std::string_view, 6> kUsStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kUsCities = {
    "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
    "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::array<std::string_view, 11> kFirstNames = {
    "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {
    "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
constexpr std::array<std::string_view, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};

uint64_t Mix(uint64_t x) { return Rng(x).Next(); }

// `len` letters a–z, eight from each random word: byte b becomes 'a' + b × 26 / 256, computed for
// four bytes at a time in 16-bit lanes (b × 26 < 2^16, so lanes do not carry into each other).
void AppendLetters(BufferBuilder& out, Rng& rng, int64_t len) {
  constexpr uint64_t kLanes = 0x00FF00FF00FF00FFULL;
  out.Reserve(static_cast<size_t>(len) + 8);
  uint8_t* p = out.data() + out.size();
  for (int64_t i = 0; i < len; i += 8) {
    const uint64_t r = rng.Next();
    const uint64_t even = (((r & kLanes) * 26) >> 8) & kLanes;
    const uint64_t odd = ((((r >> 8) & kLanes) * 26) >> 8) & kLanes;
    const uint64_t letters = (even | (odd << 8)) + 0x6161616161616161ULL;
    std::memcpy(p + i, &letters, 8);
  }
  out.Resize(out.size() + static_cast<size_t>(len));
}

// Appends `len` bytes from `src`, which must be readable up to the next multiple of 16 bytes:
// fixed-size copies the compiler inlines, instead of a memcpy call per short string.
void AppendPadded(BinaryBuilder& out, const char* src, size_t len) {
  BufferBuilder& d = out.data_builder();
  d.Reserve(len + 16);
  uint8_t* p = d.data() + d.size();
  for (size_t i = 0; i < len; i += 16) std::memcpy(p + i, src + i, 16);
  d.Resize(d.size() + len);
  out.CommitValue();
}

// The reference's "next string": 3 to max-1 characters, each a letter or (1 in 13) `special`;
// surrounding spaces trimmed. Returns the length written at `buf`.
size_t NextString(Rng& rng, int64_t max_length, char special, char* buf) {
  const int64_t len = kMinStringLength + rng.Below(max_length - kMinStringLength);
  for (int64_t i = 0; i < len; ++i) {
    buf[i] = rng.Below(13) == 0 ? special : static_cast<char>('a' + rng.Below(26));
  }
  size_t begin = 0, end = static_cast<size_t>(len);
  while (begin < end && buf[begin] == ' ') ++begin;
  while (end > begin && buf[end - 1] == ' ') --end;
  if (begin > 0) std::memmove(buf, buf + begin, end - begin);
  return end - begin;
}

void AppendNextString(BinaryBuilder& out, Rng& rng, int64_t max_length) {
  char buf[128];
  ARK_CHECK(max_length <= static_cast<int64_t>(sizeof(buf)), "string too long for the scratch");
  out.Append(std::string_view(buf, NextString(rng, max_length, ' ', buf)));
}

// The padding that brings an event of `current_size` bytes to `average` bytes on average.
int64_t ExtraLength(Rng& rng, int64_t current_size, int64_t average) {
  if (current_size > average) return 0;
  const int64_t want = average - current_size;
  const int64_t delta = (want * 2 + 5) / 10;  // round(want × 0.2)
  return want - delta + (delta == 0 ? 0 : rng.Below(2 * delta));
}

void AppendExtra(BinaryBuilder& out, Rng& rng, int64_t current_size, int64_t average) {
  AppendLetters(out.data_builder(), rng, ExtraLength(rng, current_size, average));
  out.CommitValue();
}

// 10^(6u) × 100 cents for a uniform u: 1 $ to 1 M $, log-uniform.
int64_t NextPrice(Rng& rng) {
  constexpr double kSixLn10 = 13.815510557964274;  // 6 × ln 10
  return std::llround(std::exp(rng.Unit() * kSixLn10) * 100.0);
}

int64_t NextBase0PersonId(int64_t n, Rng& rng) {
  const int64_t people = LastBase0PersonId(n) + 1;
  const int64_t active = std::min(people, kActivePeople);
  return people - active + rng.Below(active + kPersonIdLead);
}

int64_t NextBase0AuctionId(int64_t n, Rng& rng) {
  const int64_t max_auction = LastBase0AuctionId(n);
  const int64_t min_auction = std::max<int64_t>(max_auction - kInFlightAuctions, 0);
  return min_auction + rng.Below(max_auction - min_auction + 1 + kAuctionIdLead);
}

// "https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1", from a generator seeded by `i`.
std::string BaseUrl(uint64_t i) {
  Rng rng(Mix(i ^ 0x6E65786D61726BULL));
  std::string url = "https://www.nexmark.com";
  char buf[8];
  for (int k = 0; k < 3; ++k) {
    url += '/';
    url.append(buf, NextString(rng, 5, '_', buf));
  }
  url += "/item.htm?query=1";
  return url;
}

// The channels and their URLs: the four hot ones, then "channel-0" … "channel-9999", whose URLs
// carry a channel_id 9 times in 10. Built once, shared by every model. The texts live in one
// arena, each padded to a multiple of 16 bytes for AppendPadded.
struct ChannelTable {
  struct Text {
    size_t offset;
    size_t size;
  };
  std::vector<char> arena;
  std::vector<Text> names;
  std::vector<Text> urls;

  Text Add(std::string_view s) {
    Text t{arena.size(), s.size()};
    arena.insert(arena.end(), s.begin(), s.end());
    arena.resize(arena.size() + 16 - s.size() % 16, '\0');
    return t;
  }

  ChannelTable() {
    for (size_t i = 0; i < kHotChannels.size(); ++i) {
      names.push_back(Add(kHotChannels[i]));
      urls.push_back(Add(BaseUrl(i)));
    }
    for (int64_t i = 0; i < kNumChannels; ++i) {
      names.push_back(Add("channel-" + std::to_string(i)));
      std::string url = BaseUrl(static_cast<uint64_t>(i));
      Rng rng(Mix(static_cast<uint64_t>(i)));
      if (rng.Below(10) > 0) {
        uint32_t bits = static_cast<uint32_t>(i), reversed = 0;
        for (int b = 0; b < 32; ++b) reversed |= ((bits >> b) & 1U) << (31 - b);
        url += "&channel_id=" + std::to_string(std::llabs(static_cast<int32_t>(reversed)));
      }
      urls.push_back(Add(url));
    }
  }
};

const ChannelTable& Channels() {
  static const ChannelTable table;
  return table;
}

std::vector<Field> MakeFields(std::initializer_list<std::pair<const char*, DataType>> list) {
  std::vector<Field> out;
  for (const auto& [name, type] : list) out.emplace_back(name, type);
  return out;
}

template <typename T>
T* As(ColumnBuilder* b) {
  return static_cast<T*>(b);
}

}  // namespace

const std::vector<Field>& PersonFields() {
  static const std::vector<Field> fields = MakeFields({{"id", DataType::Int64()},
                                                       {"name", DataType::String()},
                                                       {"email_address", DataType::String()},
                                                       {"credit_card", DataType::String()},
                                                       {"city", DataType::String()},
                                                       {"state", DataType::String()},
                                                       {"date_time", DataType::Timestamp()},
                                                       {"extra", DataType::String()}});
  return fields;
}

const std::vector<Field>& AuctionFields() {
  static const std::vector<Field> fields = MakeFields({{"id", DataType::Int64()},
                                                       {"item_name", DataType::String()},
                                                       {"description", DataType::String()},
                                                       {"initial_bid", DataType::Int64()},
                                                       {"reserve", DataType::Int64()},
                                                       {"date_time", DataType::Timestamp()},
                                                       {"expires", DataType::Timestamp()},
                                                       {"seller", DataType::Int64()},
                                                       {"category", DataType::Int64()},
                                                       {"extra", DataType::String()}});
  return fields;
}

const std::vector<Field>& BidFields() {
  static const std::vector<Field> fields = MakeFields({{"auction", DataType::Int64()},
                                                       {"bidder", DataType::Int64()},
                                                       {"price", DataType::Int64()},
                                                       {"channel", DataType::String()},
                                                       {"url", DataType::String()},
                                                       {"date_time", DataType::Timestamp()},
                                                       {"extra", DataType::String()}});
  return fields;
}

std::vector<std::unique_ptr<ColumnBuilder>> MakeBuilders(const std::vector<Field>& fields) {
  std::vector<std::unique_ptr<ColumnBuilder>> out;
  for (const Field& f : fields) out.push_back(MakeBuilder(f.type));
  return out;
}

PersonColumns PersonColumnsOf(const std::vector<ColumnBuilder*>& b) {
  ARK_CHECK(b.size() == PersonFields().size(), "person: one builder per column");
  return {As<Int64Builder>(b[0]),  As<BinaryBuilder>(b[1]), As<BinaryBuilder>(b[2]),
          As<BinaryBuilder>(b[3]), As<BinaryBuilder>(b[4]), As<BinaryBuilder>(b[5]),
          As<Int64Builder>(b[6]),  As<BinaryBuilder>(b[7])};
}

AuctionColumns AuctionColumnsOf(const std::vector<ColumnBuilder*>& b) {
  ARK_CHECK(b.size() == AuctionFields().size(), "auction: one builder per column");
  return {As<Int64Builder>(b[0]), As<BinaryBuilder>(b[1]), As<BinaryBuilder>(b[2]),
          As<Int64Builder>(b[3]), As<Int64Builder>(b[4]),  As<Int64Builder>(b[5]),
          As<Int64Builder>(b[6]), As<Int64Builder>(b[7]),  As<Int64Builder>(b[8]),
          As<BinaryBuilder>(b[9])};
}

BidColumns BidColumnsOf(const std::vector<ColumnBuilder*>& b) {
  ARK_CHECK(b.size() == BidFields().size(), "bid: one builder per column");
  return {As<Int64Builder>(b[0]),  As<Int64Builder>(b[1]),  As<Int64Builder>(b[2]),
          As<BinaryBuilder>(b[3]), As<BinaryBuilder>(b[4]), As<Int64Builder>(b[5]),
          As<BinaryBuilder>(b[6])};
}

void ReserveRows(const BidColumns& c, int64_t rows) {
  const size_t n = static_cast<size_t>(rows);
  for (ColumnBuilder* b :
       {static_cast<ColumnBuilder*>(c.auction), static_cast<ColumnBuilder*>(c.bidder),
        static_cast<ColumnBuilder*>(c.price), static_cast<ColumnBuilder*>(c.channel),
        static_cast<ColumnBuilder*>(c.url), static_cast<ColumnBuilder*>(c.date_time),
        static_cast<ColumnBuilder*>(c.extra)}) {
    b->Reserve(rows);
  }
  // Upper bounds of the usual sizes: no regrowth (and copy) within a batch.
  c.channel->ReserveData(n * 16);
  c.url->ReserveData(n * 96);
  c.extra->ReserveData(n * 88);
}

Model::Model(ModelConfig config) : config_(config), seed_key_(Mix(config.seed)) {
  ARK_CHECK(config_.events_per_second > 0, "nexmark: events_per_second must be positive");
  Channels();  // built here rather than on the first bid
}

void Model::AppendPerson(int64_t n, const PersonColumns& out) const {
  Rng rng = EventRng(n);
  out.id->Append(LastBase0PersonId(n) + kFirstPersonId);
  int64_t size = 8;
  {
    const std::string_view first = kFirstNames[rng.Below(kFirstNames.size())];
    const std::string_view last = kLastNames[rng.Below(kLastNames.size())];
    BufferBuilder& d = out.name->data_builder();
    d.Append(first);
    d.Append(" ", 1);
    d.Append(last);
    out.name->CommitValue();
    size += static_cast<int64_t>(first.size() + 1 + last.size());
  }
  {
    char user[8], domain[8];
    const size_t u = NextString(rng, 7, ' ', user);
    const size_t h = NextString(rng, 5, ' ', domain);
    BufferBuilder& d = out.email_address->data_builder();
    d.Append(user, u);
    d.Append("@", 1);
    d.Append(domain, h);
    d.Append(".com", 4);
    out.email_address->CommitValue();
    size += static_cast<int64_t>(u + 1 + h + 4);
  }
  {
    char card[20];
    for (int g = 0; g < 4; ++g) {
      int64_t v = rng.Below(10000);
      char* p = card + g * 5;
      for (int k = 3; k >= 0; --k) {
        p[k] = static_cast<char>('0' + v % 10);
        v /= 10;
      }
      p[4] = ' ';
    }
    out.credit_card->Append(std::string_view(card, 19));
    size += 19;
  }
  const std::string_view city = kUsCities[rng.Below(kUsCities.size())];
  const std::string_view state = kUsStates[rng.Below(kUsStates.size())];
  out.city->Append(city);
  out.state->Append(state);
  size += static_cast<int64_t>(city.size() + state.size());
  out.date_time->Append(TimestampMicros(n));
  AppendExtra(*out.extra, rng, size, kAvgPersonBytes);
}

void Model::AppendAuction(int64_t n, const AuctionColumns& out) const {
  Rng rng = EventRng(n);
  out.id->Append(LastBase0AuctionId(n) + kFirstAuctionId);
  const int64_t seller = rng.Below(kHotSellerRatio) > 0
                             ? (LastBase0PersonId(n) / kHotBatch) * kHotBatch
                             : NextBase0PersonId(n, rng);
  out.seller->Append(seller + kFirstPersonId);
  out.category->Append(kFirstCategoryId + rng.Below(kNumCategories));
  const int64_t initial_bid = NextPrice(rng);
  out.initial_bid->Append(initial_bid);
  // Auctions last twice, on average, the time until kInFlightAuctions more auctions exist.
  const int64_t now = TimestampMicros(n);
  const int64_t events_ahead = kInFlightAuctions * kProportionDenominator / kAuctionProportion;
  const int64_t horizon_ms = (TimestampMicros(n + events_ahead) - now) / 1000;
  const int64_t length_ms = 1 + rng.Below(std::max<int64_t>(horizon_ms * 2, 1));
  out.date_time->Append(now);
  out.expires->Append(now + length_ms * 1000);
  const size_t name_start = out.item_name->data_size();
  AppendNextString(*out.item_name, rng, 20);
  const size_t desc_start = out.description->data_size();
  AppendNextString(*out.description, rng, 100);
  out.reserve->Append(initial_bid + NextPrice(rng));
  const int64_t size = 8 + static_cast<int64_t>(out.item_name->data_size() - name_start) +
                       static_cast<int64_t>(out.description->data_size() - desc_start) + 8 + 8 + 8 +
                       8 + 8;
  AppendExtra(*out.extra, rng, size, kAvgAuctionBytes);
}

void Model::AppendBid(int64_t n, const BidColumns& out) const {
  Rng rng = EventRng(n);
  const int64_t auction = rng.Below(kHotAuctionRatio) > 0
                              ? (LastBase0AuctionId(n) / kHotBatch) * kHotBatch
                              : NextBase0AuctionId(n, rng);
  const int64_t bidder = rng.Below(kHotBidderRatio) > 0
                             ? (LastBase0PersonId(n) / kHotBatch) * kHotBatch + 1
                             : NextBase0PersonId(n, rng);
  out.auction->Append(auction + kFirstAuctionId);
  out.bidder->Append(bidder + kFirstPersonId);
  out.price->Append(NextPrice(rng));
  const ChannelTable& channels = Channels();
  const size_t channel = rng.Below(kHotChannelRatio) > 0
                             ? static_cast<size_t>(rng.Below(kHotChannels.size()))
                             : kHotChannels.size() + static_cast<size_t>(rng.Below(kNumChannels));
  const ChannelTable::Text name = channels.names[channel], url = channels.urls[channel];
  AppendPadded(*out.channel, channels.arena.data() + name.offset, name.size);
  AppendPadded(*out.url, channels.arena.data() + url.offset, url.size);
  out.date_time->Append(TimestampMicros(n));
  AppendExtra(*out.extra, rng, 8 + 8 + 8 + 8, kAvgBidBytes);
}

}  // namespace ark::nexmark
