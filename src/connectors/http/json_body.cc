#include "connectors/http/json_body.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

namespace ark {
namespace {

namespace dom = simdjson::dom;

std::string_view KindName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Where the first non-blank byte at or after `from` is (the start of the next document).
size_t SkipBlank(std::string_view s, size_t from) {
  while (from < s.size() &&
         (s[from] == ' ' || s[from] == '\t' || s[from] == '\n' || s[from] == '\r')) {
    ++from;
  }
  return from;
}

}  // namespace

std::string DescribeOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  return fmt::format("line {}, byte {}", line, offset);
}

struct JsonBodySplitter::Impl {
  dom::parser parser;
  std::string padded;  // the body followed by SIMDJSON_PADDING bytes
  // Array elements: (offset, length) in scratch, and where they go in `records`.
  std::vector<std::pair<size_t, std::pair<size_t, size_t>>> scratch_spans;
};

JsonBodySplitter::JsonBodySplitter() : impl_(std::make_unique<Impl>()) {}
JsonBodySplitter::~JsonBodySplitter() = default;

void JsonBodySplitter::AppendMinified(const simdjson::dom::element& e, JsonRecords* out) {
  size_t at = out->scratch.size();
  out->scratch += simdjson::minify(e);
  impl_->scratch_spans.push_back({out->records.size(), {at, out->scratch.size() - at}});
  out->records.emplace_back();
}

Status JsonBodySplitter::Split(std::string_view body, JsonRecords* out) {
  out->Clear();
  Impl& s = *impl_;
  s.scratch_spans.clear();
  if (IsBlank(body)) return Status::OK();
  s.padded.assign(body.data(), body.size());
  s.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  // One batch for the whole body: a document may not cross a batch boundary.
  size_t batch_size = std::max<size_t>(body.size(), 1 << 16);
  auto fail = [&](size_t offset, std::string_view what) {
    out->Clear();
    return Status::InvalidArgument("{}: {}", DescribeOffset(body, offset), what);
  };
  dom::document_stream stream;
  if (auto error = s.parser
                       .parse_many(reinterpret_cast<const uint8_t*>(s.padded.data()), body.size(),
                                   batch_size)
                       .get(stream);
      error) {
    return fail(0, simdjson::error_message(error));
  }
  size_t end_of_last = 0;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    size_t start = it.current_index();
    dom::element doc;
    if (auto error = (*it).get(doc); error) {
      return fail(std::max(start, SkipBlank(body, end_of_last)), simdjson::error_message(error));
    }
    std::string_view text = it.source();
    end_of_last = start + text.size();
    if (doc.type() == dom::element_type::OBJECT) {
      std::string_view exact = body.substr(start, text.size());
      if (exact.find_first_of("\r\n") == std::string_view::npos) {
        out->records.push_back(exact);
      } else {
        AppendMinified(doc, out);
      }
      continue;
    }
    if (doc.type() != dom::element_type::ARRAY) {
      return fail(start, fmt::format("expected a JSON object or an array of objects, got {}",
                                     KindName(doc.type())));
    }
    size_t index = 0;
    for (dom::element e : dom::array(doc)) {
      if (e.type() != dom::element_type::OBJECT) {
        return fail(start, fmt::format("array element {}: expected a JSON object, got {}", index,
                                       KindName(e.type())));
      }
      AppendMinified(e, out);
      ++index;
    }
  }
  if (size_t truncated = stream.truncated_bytes(); truncated > 0) {
    size_t at = SkipBlank(body, body.size() - truncated);
    return fail(at, "incomplete JSON document at the end of the body");
  }
  // The scratch buffer no longer moves: point the array records into it.
  for (const auto& [record, span] : s.scratch_spans) {
    out->records[record] = std::string_view(out->scratch).substr(span.first, span.second);
  }
  return Status::OK();
}

}  // namespace ark
