// PathTemplate: the `file` output's path with placeholders, rendered for each file it opens.
//
//   {n}          the file's sequence number in this run: 0, 1, 2, ... (names of files that already
//                exist are skipped, so a rerun never overwrites an earlier run's files)
//   {n:W}        the same, zero-padded to W digits ({n:4} → 0007)
//   {time:FMT}   the time the file is opened, UTC, formatted with strftime(3) FMT (%Y %m %d %H %M
//                %S %j ...); FMT may not contain '}'
//   {date}       short for {time:%Y-%m-%d}
//   {stream}     the stream's id
//   {{ and }}    literal braces
// Anything else in braces is an error naming the placeholder and its column in the template.
//
//   ARK_ASSIGN_OR_RETURN(PathTemplate t, PathTemplate::Parse("out/{date}/part-{n:3}.ndjson"));
//   t.Render(7, NowMicros(), "s1");  // "out/2024-05-01/part-007.ndjson"
//
// Thread-safety: immutable after Parse; Render may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ark {

class PathTemplate {
 public:
  static Result<PathTemplate> Parse(std::string_view text);
  // A template of `text` taken literally (braces included).
  static PathTemplate Literal(std::string_view text);

  // The path for sequence number `seq`, opened at `now_us` (microseconds since the epoch).
  std::string Render(int64_t seq, int64_t now_us, std::string_view stream) const;

  bool has_placeholders() const { return has_seq_ || has_time_ || has_stream_; }
  bool has_seq() const { return has_seq_; }
  bool has_time() const { return has_time_; }
  // Whether a placeholder sits in the directory part (directories are then created as needed).
  bool placeholder_in_directory() const { return placeholder_in_directory_; }
  const std::string& text() const { return text_; }

 private:
  enum class Kind { kLiteral, kSeq, kTime, kStream };
  struct Part {
    Kind kind;
    std::string text;  // literal text, or the strftime format
    int width = 0;     // zero-padding of {n:W}
  };

  std::string text_;
  std::vector<Part> parts_;
  bool has_seq_ = false;
  bool has_time_ = false;
  bool has_stream_ = false;
  bool placeholder_in_directory_ = false;
};

}  // namespace ark
