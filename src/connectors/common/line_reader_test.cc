#include "connectors/common/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace ark {
namespace {

struct Got {
  std::string text;
  int64_t offset;
  int64_t number;
  bool too_long;
  bool operator==(const Got&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << "{" << g.text << ", " << g.offset << ", " << g.number << ", " << g.too_long << "}";
}

// Feeds `input` in pieces of `piece` bytes and collects every line.
std::vector<Got> Lines(std::string_view input, size_t piece, size_t max_line) {
  LineReader r({.read_bytes = piece, .max_line_bytes = max_line});
  std::vector<Got> out;
  size_t fed = 0;
  LineReader::Line line;
  while (true) {
    if (r.NextLine(&line)) {
      // Too long lines are compared without their preview (tested on its own).
      out.push_back({line.too_long ? std::string() : std::string(line.text), line.offset,
                     line.number, line.too_long});
      continue;
    }
    if (r.eof()) break;
    if (fed < input.size()) {
      size_t n = std::min(piece, input.size() - fed);
      r.Append(input.substr(fed, n));
      fed += n;
    } else {
      r.MarkEof();
    }
  }
  return out;
}

// Collects chunks and too long lines through NextChunk.
struct ChunkGot {
  std::string text;
  int64_t first_line;
  int64_t offset;
  bool too_long;
  bool operator==(const ChunkGot&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ChunkGot& g) {
  return os << "{" << g.text << ", " << g.first_line << ", " << g.offset << ", " << g.too_long
            << "}";
}

std::vector<ChunkGot> Chunks(std::string_view input, size_t piece, size_t max_line) {
  LineReader r({.read_bytes = piece, .max_line_bytes = max_line});
  std::vector<ChunkGot> out;
  size_t fed = 0;
  std::string_view text;
  ChunkPosition pos;
  LineReader::Line line;
  while (true) {
    auto kind = r.NextChunk(&text, &pos, &line);
    if (kind == LineReader::ChunkKind::kLines) {
      out.push_back({std::string(text), pos.first_line, pos.byte_offset, false});
      continue;
    }
    if (kind == LineReader::ChunkKind::kTooLong) {
      out.push_back({"", line.number, line.offset, true});
      continue;
    }
    if (r.eof()) break;
    if (fed < input.size()) {
      size_t n = std::min(piece, input.size() - fed);
      r.Append(input.substr(fed, n));
      fed += n;
    } else {
      r.MarkEof();
    }
  }
  return out;
}

TEST(LineReaderTest, SplitsLinesWithOffsetsAndNumbers) {
  for (size_t piece : {1, 2, 3, 7, 100}) {
    SCOPED_TRACE(piece);
    EXPECT_EQ(
        Lines("ab\ncde\n\nf", piece, 100),
        (std::vector<Got>{
            {"ab", 0, 1, false}, {"cde", 3, 2, false}, {"", 7, 3, false}, {"f", 8, 4, false}}));
  }
}

TEST(LineReaderTest, StripsCarriageReturnBeforeNewline) {
  EXPECT_EQ(Lines("a\r\nb\r\nc\r", 4, 100),
            (std::vector<Got>{{"a", 0, 1, false}, {"b", 3, 2, false}, {"c", 6, 3, false}}));
  // Only one '\r' right before the newline is removed; others are data.
  EXPECT_EQ(Lines("a\rb\r\r\n", 100, 100), (std::vector<Got>{{"a\rb\r", 0, 1, false}}));
}

TEST(LineReaderTest, TrailingNewlineMakesNoExtraLine) {
  EXPECT_EQ(Lines("x\ny\n", 3, 100), (std::vector<Got>{{"x", 0, 1, false}, {"y", 2, 2, false}}));
  EXPECT_TRUE(Lines("", 3, 100).empty());
}

TEST(LineReaderTest, TooLongLineIsReportedOnceAndSkipped) {
  for (size_t piece : {1, 3, 4, 64}) {
    SCOPED_TRACE(piece);
    // "0123456789" (10 bytes) exceeds the 4-byte limit; "abcd" (4 bytes) is fine.
    EXPECT_EQ(Lines("ok\n0123456789\nabcd\nlast", piece, 4),
              (std::vector<Got>{{"ok", 0, 1, false},
                                {"", 3, 2, true},
                                {"abcd", 14, 3, false},
                                {"last", 19, 4, false}}));
  }
}

TEST(LineReaderTest, TooLongPreviewHoldsTheFirstBytes) {
  std::string big(1000, 'x');
  big[0] = 'A';
  LineReader r({.read_bytes = 64, .max_line_bytes = 100});
  r.Append(big + "\nnext\n");
  r.MarkEof();
  LineReader::Line line;
  ASSERT_TRUE(r.NextLine(&line));
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.text.size(), LineReader::kPreviewBytes);
  EXPECT_EQ(line.text[0], 'A');
  RecordError e = r.TooLongError(line);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.byte_offset, 0);
  EXPECT_EQ(e.message, "line is longer than max_line_bytes (100 bytes); skipped");
  ASSERT_TRUE(r.NextLine(&line));
  EXPECT_EQ(line.text, "next");
  EXPECT_EQ(line.offset, 1001);
  EXPECT_EQ(line.number, 2);
  EXPECT_FALSE(r.NextLine(&line));
}

TEST(LineReaderTest, TooLongLineSkippedAcrossManyReads) {
  std::string input = std::string(1000, 'y') + "\nok\n";
  for (size_t piece : {1, 7, 300}) {
    SCOPED_TRACE(piece);
    EXPECT_EQ(Lines(input, piece, 10),
              (std::vector<Got>{{"", 0, 1, true}, {"ok", 1001, 2, false}}));
    EXPECT_EQ(Chunks(input, piece, 10),
              (std::vector<ChunkGot>{{"", 1, 0, true}, {"ok\n", 2, 1001, false}}));
  }
  // The preview is the first kPreviewBytes bytes however the line arrives.
  LineReader r({.read_bytes = 7, .max_line_bytes = 10});
  LineReader::Line line;
  size_t fed = 0;
  while (!r.NextLine(&line)) {
    r.Append(std::string_view(input).substr(fed, 7));
    fed += 7;
  }
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.text, std::string(LineReader::kPreviewBytes, 'y'));
}

TEST(LineReaderTest, TooLongUnterminatedLastLine) {
  EXPECT_EQ(Lines("a\n123456", 2, 3), (std::vector<Got>{{"a", 0, 1, false}, {"", 2, 2, true}}));
}

TEST(LineReaderTest, ChunksEndAfterTheLastNewlineAndCarryPositions) {
  EXPECT_EQ(Chunks("a\nbb\nccc\ndd", 6, 100),
            (std::vector<ChunkGot>{
                {"a\nbb\n", 1, 0, false}, {"ccc\n", 3, 5, false}, {"dd", 4, 9, false}}));
}

TEST(LineReaderTest, ChunksSplitAroundTooLongLines) {
  // Limit 3: "toolong" is cut out; the lines around it are decoded in their own chunks.
  EXPECT_EQ(
      Chunks("ab\ntoolong\ncd\n", 100, 3),
      (std::vector<ChunkGot>{{"ab\n", 1, 0, false}, {"", 2, 3, true}, {"cd\n", 3, 11, false}}));
  // Found before its end is buffered.
  EXPECT_EQ(Chunks("toolong\nok\n", 2, 3),
            (std::vector<ChunkGot>{{"", 1, 0, true}, {"ok\n", 2, 8, false}}));
}

TEST(LineReaderTest, FillReadsFromADescriptorAndResetRestarts) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "one\ntwo", 7), 7);
  close(fds[1]);
  LineReader r({.read_bytes = 1024, .max_line_bytes = 100});
  auto n = r.Fill(fds[0], "pipe");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 7u);
  LineReader::Line line;
  ASSERT_TRUE(r.NextLine(&line));
  EXPECT_EQ(line.text, "one");
  EXPECT_FALSE(r.NextLine(&line));  // "two" may continue
  n = r.Fill(fds[0], "pipe");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_TRUE(r.eof());
  ASSERT_TRUE(r.NextLine(&line));
  EXPECT_EQ(line.text, "two");
  EXPECT_EQ(line.offset, 4);
  close(fds[0]);

  r.Reset();
  r.Append("z\n");
  ASSERT_TRUE(r.NextLine(&line));
  EXPECT_EQ(line.offset, 0);
  EXPECT_EQ(line.number, 1);

  auto bad = r.Fill(-1, "nothing");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kIoError);
  EXPECT_EQ(bad.status().message(), "reading nothing: Bad file descriptor");
}

}  // namespace
}  // namespace ark
