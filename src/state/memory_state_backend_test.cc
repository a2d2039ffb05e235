#include "state/memory_state_backend.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "state/snapshot_file.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ark::state {
namespace {

std::vector<std::string> ScanKeys(const StateTable& t, std::string_view prefix) {
  std::vector<std::string> keys;
  Status s = t.Scan(prefix, [&](std::string_view k, std::string_view v) {
    keys.push_back(std::string(k) + "=" + std::string(v));
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return keys;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ark_state_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

void WriteAll(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(MemoryStateTable, GetPutDeleteAndSizes) {
  MemoryStateTable t("1", "Op", 0);
  EXPECT_FALSE(t.Get("a").has_value());
  t.Put("a", "xyz");
  t.Put("bb", "1");
  EXPECT_EQ(*t.Get("a"), "xyz");
  EXPECT_EQ(t.keys(), 2);
  EXPECT_EQ(t.bytes(), 1 + 3 + 2 + 1);
  t.Put("a", "q");
  EXPECT_EQ(*t.Get("a"), "q");
  EXPECT_EQ(t.bytes(), 1 + 1 + 2 + 1);
  EXPECT_TRUE(t.Delete("a"));
  EXPECT_FALSE(t.Delete("a"));
  EXPECT_EQ(t.keys(), 1);
  EXPECT_EQ(t.bytes(), 3);
  t.Clear();
  EXPECT_EQ(t.keys(), 0);
  EXPECT_EQ(t.bytes(), 0);
}

TEST(MemoryStateTable, PrefixScanInUnsignedByteOrder) {
  MemoryStateTable t("1", "Op", 0);
  t.Put(std::string("w\xff", 2), "4");
  t.Put("w\x01", "2");
  t.Put(std::string("w\x80z", 3), "3");
  t.Put("v", "1");
  t.Put("x", "5");
  t.Put("w", "0");
  EXPECT_EQ(ScanKeys(t, "w"),
            (std::vector<std::string>{"w=0", "w\x01=2", "w\x80z=3", std::string("w\xff=4", 4)}));
  EXPECT_EQ(ScanKeys(t, std::string("w\x80", 2)), (std::vector<std::string>{"w\x80z=3"}));
  EXPECT_EQ(ScanKeys(t, "").size(), 6u);
  EXPECT_TRUE(ScanKeys(t, "y").empty());
  // An error stops the scan and comes back.
  int calls = 0;
  Status s = t.Scan("w", [&](std::string_view, std::string_view) {
    ++calls;
    return Status::InvalidArgument("stop");
  });
  EXPECT_EQ(s.ToString(), "InvalidArgument: stop");
  EXPECT_EQ(calls, 1);
}

TEST(MemoryStateBackend, OpenTableRefusesAnotherDescription) {
  MemoryStateBackend b;
  Result<StateTable*> t = b.OpenTable("2", "WindowAggregate keys=[a]", 0);
  ASSERT_TRUE(t.ok());
  Result<StateTable*> again = b.OpenTable("2", "WindowAggregate keys=[a]", 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*t, *again);
  Result<StateTable*> other_shard = b.OpenTable("2", "WindowAggregate keys=[a]", 1);
  ASSERT_TRUE(other_shard.ok());
  EXPECT_NE(*t, *other_shard);
  Result<StateTable*> changed = b.OpenTable("2", "WindowAggregate keys=[b]", 0);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().ToString(),
            "InvalidArgument: state of operator 2 was saved by another plan: operator 2 changed "
            "from `WindowAggregate keys=[a]` to `WindowAggregate keys=[b]`; state is only loaded "
            "into the operator that saved it");
  EXPECT_EQ(b.FindTable("2", 1), *other_shard);
  EXPECT_EQ(b.FindTable("3", 0), nullptr);
  EXPECT_EQ(b.tables().size(), 2u);
}

TEST(MemoryStateBackend, SnapshotRoundTrip) {
  TempDir dir;
  MemoryStateBackend b;
  StateTable* t0 = b.OpenTable("0", "RankTopN 1", 0).value();
  StateTable* t1 = b.OpenTable("0", "RankTopN 1", 1).value();
  StateTable* t2 = b.OpenTable("op/3", "Changelog keys=[k]", 0).value();
  t0->Put("k1", std::string("\0v1", 3));
  t0->Put("k0", "");
  t1->Put("z", "last");
  (void)t2;  // empty tables are written too
  ASSERT_TRUE(b.WriteSnapshot(dir.path()).ok());
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"op-0.shard-0.state", "op-0.shard-1.state",
                                             "op-op%2F3.shard-0.state"}));

  MemoryStateBackend r;
  Status read = r.ReadSnapshot(dir.path());
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(r.tables().size(), 3u);
  StateTable* r0 = r.FindTable("0", 0);
  ASSERT_NE(r0, nullptr);
  EXPECT_EQ(r0->description(), "RankTopN 1");
  EXPECT_EQ(ScanKeys(*r0, ""), (std::vector<std::string>{"k0=", std::string("k1=\0v1", 6)}));
  EXPECT_EQ(ScanKeys(*r.FindTable("0", 1), ""), (std::vector<std::string>{"z=last"}));
  EXPECT_EQ(r.FindTable("op/3", 0)->keys(), 0);
  EXPECT_EQ(r.FindTable("op/3", 0)->description(), "Changelog keys=[k]");
  // Loaded state opens only under the description that saved it.
  EXPECT_TRUE(r.OpenTable("0", "RankTopN 1", 0).ok());
  EXPECT_EQ(r.OpenTable("0", "RankTopN 2", 0).status().ToString(),
            "InvalidArgument: state of operator 0 was saved by another plan: operator 0 changed "
            "from `RankTopN 1` to `RankTopN 2`; state is only loaded into the operator that "
            "saved it");
}

TEST(SnapshotFile, ExactLayout) {
  MemoryStateTable t("7", "D", 2);
  t.Put("k", "vv");
  std::string bytes = EncodeTableFile(t);
  // magic 8, version 4, id 4+1, description 4+1, shard 4, count 8, entry 4+1+4+2, checksum 8
  ASSERT_EQ(bytes.size(), 8u + 4 + 5 + 5 + 4 + 8 + 11 + 8);
  EXPECT_EQ(bytes.substr(0, 8), "ARKSTATE");
  EXPECT_EQ(bytes.substr(8, 4), std::string("\x01\0\0\0", 4));
  EXPECT_EQ(bytes.substr(12, 5), std::string("\x01\0\0\0"
                                             "7",
                                             5));
  EXPECT_EQ(bytes.substr(22, 4), std::string("\x02\0\0\0", 4));
  EXPECT_EQ(bytes.substr(26, 8), std::string("\x01\0\0\0\0\0\0\0", 8));
  Result<TableFile> f = DecodeTableFile(bytes, "x.state");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->operator_id, "7");
  EXPECT_EQ(f->description, "D");
  EXPECT_EQ(f->shard, 2);
  ASSERT_EQ(f->entries.size(), 1u);
  EXPECT_EQ(f->entries[0].first, "k");
  EXPECT_EQ(f->entries[0].second, "vv");
}

TEST(SnapshotFile, TruncatedFileNamesFileAndOffset) {
  TempDir dir;
  MemoryStateBackend b;
  b.OpenTable("1", "D", 0).value()->Put("key", "value");
  ASSERT_TRUE(b.WriteSnapshot(dir.path()).ok());
  const auto file = dir.path() / "op-1.shard-0.state";
  std::string bytes = ReadAll(file);
  // Cut inside the value of entry 0: header 8+4+5+5+4+8 = 34, key 4+3 → value length at 41,
  // value at 45.
  WriteAll(file, bytes.substr(0, 47));
  MemoryStateBackend r;
  EXPECT_EQ(r.ReadSnapshot(dir.path()).ToString(),
            "ParseError: state snapshot " + file.string() +
                ": at byte offset 45: the file is truncated: expected 5 bytes of the value of "
                "entry 0, 2 left");
  WriteAll(file, bytes.substr(0, 10));
  EXPECT_EQ(r.ReadSnapshot(dir.path()).ToString(),
            "ParseError: state snapshot " + file.string() +
                ": at byte offset 8: the file is truncated: expected 4 bytes of the format "
                "version, 2 left");
}

TEST(SnapshotFile, CorruptFileErrors) {
  MemoryStateTable t("1", "D", 0);
  t.Put("key", "value");
  const std::string good = EncodeTableFile(t);
  std::string flipped = good;
  flipped[46] ^= 0x20;  // a byte of the value
  Result<TableFile> r = DecodeTableFile(flipped, "/s/op-1.shard-0.state");
  ASSERT_FALSE(r.ok());
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i) stored |= uint64_t{static_cast<uint8_t>(flipped[50 + i])} << (8 * i);
  EXPECT_EQ(r.status().ToString(),
            fmt::format("ParseError: state snapshot /s/op-1.shard-0.state: at byte offset 50: "
                        "checksum mismatch (stored {:016x}, computed {:016x} over bytes 0 to 50): "
                        "the file is damaged",
                        stored, XXH3_64bits(flipped.data(), 50)));

  std::string magic = good;
  magic[0] = 'X';
  EXPECT_EQ(DecodeTableFile(magic, "m.state").status().ToString(),
            "ParseError: state snapshot m.state: at byte offset 0: not a state snapshot file: it "
            "does not start with \"ARKSTATE\"");

  std::string version = good;
  version[8] = 9;
  EXPECT_EQ(DecodeTableFile(version, "v.state").status().ToString(),
            "ParseError: state snapshot v.state: at byte offset 8: format version 9 is not "
            "supported (this build reads version 1)");

  EXPECT_EQ(DecodeTableFile(good + "zz", "e.state").status().ToString(),
            "ParseError: state snapshot e.state: at byte offset 58: 2 unexpected bytes after the "
            "checksum");

  std::string count = good;
  count[26] = 100;  // 100 entries cannot fit in what is left
  EXPECT_EQ(DecodeTableFile(count, "c.state").status().ToString(),
            "ParseError: state snapshot c.state: at byte offset 26: the entry count 100 is more "
            "than the 24 bytes left can hold");
}

}  // namespace
}  // namespace ark::state
