// Splitting an HTTP request body into JSON records, for the `http` input without a codec.
//
// A body is accepted whole or not at all. It may be:
//   - one JSON object (possibly spread over several lines)        → one record;
//   - one JSON array of objects                                   → one record per element;
//   - NDJSON: objects separated by newlines (or other whitespace) → one record per object.
// Blank bodies hold no record. Every record is a JSON object, fully validated (UTF-8 included).
// A record is handed out as its text: the exact bytes of the body for an object on one line, the
// minified text for an object spread over lines or an element of an array (a copy, kept in
// `scratch`), so that every record is one line.
//
// Errors are InvalidArgument naming where the body went wrong, "line 3, byte 57: <parser
// message>", counted from 1 and from 0 respectively, so the client can find the bad record.
//
//   JsonBodySplitter splitter;
//   JsonRecords records;
//   ARK_RETURN_IF_ERROR(splitter.Split(body, &records));
//   for (std::string_view r : records.records) ...
//
// Thread-safety: a JsonBodySplitter is used by one thread at a time (it reuses its parser).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace ark {

struct JsonRecords {
  std::vector<std::string_view> records;  // into the body, or into `scratch`
  std::string scratch;                    // minified array elements

  void Clear() {
    records.clear();
    scratch.clear();
  }
};

class JsonBodySplitter {
 public:
  JsonBodySplitter();
  ~JsonBodySplitter();
  JsonBodySplitter(const JsonBodySplitter&) = delete;
  JsonBodySplitter& operator=(const JsonBodySplitter&) = delete;

  // Fills `out` (cleared first) with the records of `body`; on error `out` is left empty.
  Status Split(std::string_view body, JsonRecords* out);

 private:
  void AppendMinified(const simdjson::dom::element& e, JsonRecords* out);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "line L, byte B" of `offset` in `text` (line counted from 1, byte from 0).
std::string DescribeOffset(std::string_view text, size_t offset);

}  // namespace ark
