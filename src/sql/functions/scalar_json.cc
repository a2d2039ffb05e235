// JSON functions over JSON text held in string columns (json/jsonb map to string):
// the -> and ->> operators (object key or array index; negative indexes count from the end),
// json_extract_path / json_extract_path_text (PostgreSQL), json_extract / json_extract_string
// (DuckDB-style JSONPath subset: $.a.b[0], $["key"], or a bare key), json_array_length,
// json_typeof, json_valid.
//
// -> and json_extract_path return the sub-value's text exactly as written (PostgreSQL's json
// type keeps the input text, whitespace included: '{"t": [1,  2]}' -> 't' is '[1,  2]'); ->>
// and json_extract_path_text return the unescaped string of a JSON string, the text as written
// of anything else, and SQL NULL for JSON null. When a key occurs twice in an object the last
// one counts, as in PostgreSQL. The DuckDB-style json_extract / json_extract_string return
// minified JSON, as DuckDB does. A missing key or index gives NULL. Text that is not JSON is an
// error (`invalid input syntax for type json`), as in PostgreSQL; json_valid tells beforehand.
//
// Parsing uses simdjson's DOM parser (validation, json_extract*), one parser per kernel call
// reused across rows; the PostgreSQL operators then locate the sub-value in the validated text
// with a small scanner (JsonText below) so that they can return it as written.

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include <fmt/format.h>

#include "sql/functions/scalar_kernel.h"

namespace ark::sql {

namespace {

const DataType kStr = DataType::String();
const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kBool = DataType::Bool();

struct PathStep {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
};

Status InvalidJson(std::string_view text, simdjson::error_code error) {
  std::string shown(text.substr(0, 60));
  if (text.size() > 60) shown += "...";
  return Status::InvalidArgument("invalid input syntax for type json: \"{}\" ({})", shown,
                                 simdjson::error_message(error));
}

bool ParseIndex(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Follows one step; false when there is nothing there. `text_keys`: a key step on an array is
// an index when it reads as an integer (PostgreSQL's path semantics).
bool Step(simdjson::dom::element& cur, const PathStep& step, bool text_keys) {
  if (cur.is_object() && !step.is_index) {
    simdjson::dom::element next;
    if (cur.get_object().at_key(step.key).get(next) != simdjson::SUCCESS) return false;
    cur = next;
    return true;
  }
  if (cur.is_array()) {
    int64_t index = step.index;
    if (!step.is_index) {
      if (!text_keys || !ParseIndex(step.key, &index)) return false;
    }
    simdjson::dom::array arr = cur.get_array();
    const int64_t size = static_cast<int64_t>(arr.size());
    if (index < 0) index += size;
    if (index < 0 || index >= size) return false;
    simdjson::dom::element next;
    if (arr.at(static_cast<size_t>(index)).get(next) != simdjson::SUCCESS) return false;
    cur = next;
    return true;
  }
  return false;
}

// Writes the element: JSON text, or (as_text) a string's contents and NULL for JSON null.
void Emit(const simdjson::dom::element& e, bool as_text, int64_t i, StringWriter& out) {
  if (as_text) {
    if (e.is_null()) {
      out.PutNull(i);
      return;
    }
    if (e.is_string()) {
      out.Put(i, std::string_view(e.get_string().value_unsafe()));
      return;
    }
  }
  out.Put(i, simdjson::to_string(e));
}

// Navigation over JSON text that simdjson has already validated: positions of values in the
// original text, so that a sub-value comes out as written.
class JsonText {
 public:
  explicit JsonText(std::string_view text) : t_(text) {}

  size_t SkipSpace(size_t p) const {
    while (p < t_.size() && (t_[p] == ' ' || t_[p] == '\t' || t_[p] == '\n' || t_[p] == '\r')) ++p;
    return p;
  }
  // `p` at an opening quote; returns the position after the closing one.
  size_t SkipString(size_t p) const {
    ++p;
    while (p < t_.size() && t_[p] != '"') p += t_[p] == '\\' ? 2 : 1;
    return std::min(p + 1, t_.size());
  }
  // `p` at the first character of a value; returns the position after its last.
  size_t SkipValue(size_t p) const {
    if (p >= t_.size()) return p;
    const char c = t_[p];
    if (c == '"') return SkipString(p);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (p < t_.size()) {
        const char d = t_[p];
        if (d == '"') {
          p = SkipString(p);
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) return p + 1;
        }
        ++p;
      }
      return p;
    }
    while (p < t_.size() && t_[p] != ',' && t_[p] != '}' && t_[p] != ']' && t_[p] != ' ' &&
           t_[p] != '\t' && t_[p] != '\n' && t_[p] != '\r') {
      ++p;
    }
    return p;
  }

  // Follows `step` from the value [*begin, *end); false when there is nothing there.
  // `text_keys`: a key step on an array is an index when it reads as an integer.
  // `unescape` turns the raw text of a JSON string (with quotes) into its value.
  template <typename Unescape>
  bool Step(size_t* begin, size_t* end, const PathStep& step, bool text_keys, Unescape&& unescape) {
    size_t p = *begin;
    if (t_[p] == '{') {
      if (step.is_index) return false;
      bool found = false;
      size_t vb = 0, ve = 0;
      p = SkipSpace(p + 1);
      while (p < t_.size() && t_[p] == '"') {
        const size_t key_end = SkipString(p);
        std::string_view raw = t_.substr(p + 1, key_end - p - 2);
        const bool match = raw.find('\\') == std::string_view::npos
                               ? raw == step.key
                               : unescape(t_.substr(p, key_end - p)) == step.key;
        p = SkipSpace(SkipSpace(key_end) + 1);  // past ':'
        const size_t value_end = SkipValue(p);
        if (match) {  // the last of duplicate keys counts
          found = true;
          vb = p;
          ve = value_end;
        }
        p = SkipSpace(value_end);
        if (p < t_.size() && t_[p] == ',') p = SkipSpace(p + 1);
      }
      if (found) {
        *begin = vb;
        *end = ve;
      }
      return found;
    }
    if (t_[p] == '[') {
      int64_t index = step.index;
      if (!step.is_index) {
        if (!text_keys || !ParseIndex(step.key, &index)) return false;
      }
      elements_.clear();
      p = SkipSpace(p + 1);
      while (p < t_.size() && t_[p] != ']') {
        const size_t value_end = SkipValue(p);
        elements_.emplace_back(p, value_end);
        p = SkipSpace(value_end);
        if (p < t_.size() && t_[p] == ',') p = SkipSpace(p + 1);
      }
      const int64_t size = static_cast<int64_t>(elements_.size());
      if (index < 0) index += size;
      if (index < 0 || index >= size) return false;
      *begin = elements_[static_cast<size_t>(index)].first;
      *end = elements_[static_cast<size_t>(index)].second;
      return true;
    }
    return false;
  }

 private:
  std::string_view t_;
  std::vector<std::pair<size_t, size_t>> elements_;
};

Result<std::vector<PathStep>> ParseJsonPath(std::string_view path) {
  std::vector<PathStep> steps;
  if (path.empty() || (path[0] != '$')) {
    // A bare key.
    steps.push_back({false, std::string(path), 0});
    return steps;
  }
  auto bad = [&](size_t at) {
    return Status::InvalidArgument("invalid JSON path \"{}\" at position {}", path, at + 1);
  };
  size_t pos = 1;
  while (pos < path.size()) {
    const char c = path[pos];
    if (c == '.') {
      ++pos;
      if (pos < path.size() && path[pos] == '"') {
        const size_t end = path.find('"', pos + 1);
        if (end == std::string_view::npos) return bad(pos);
        steps.push_back({false, std::string(path.substr(pos + 1, end - pos - 1)), 0});
        pos = end + 1;
        continue;
      }
      const size_t start = pos;
      while (pos < path.size() && path[pos] != '.' && path[pos] != '[') ++pos;
      if (pos == start) return bad(start);
      steps.push_back({false, std::string(path.substr(start, pos - start)), 0});
    } else if (c == '[') {
      ++pos;
      if (pos < path.size() && (path[pos] == '"' || path[pos] == '\'')) {
        const char q = path[pos];
        const size_t end = path.find(q, pos + 1);
        if (end == std::string_view::npos || end + 1 >= path.size() || path[end + 1] != ']') {
          return bad(pos);
        }
        steps.push_back({false, std::string(path.substr(pos + 1, end - pos - 1)), 0});
        pos = end + 2;
        continue;
      }
      const size_t end = path.find(']', pos);
      if (end == std::string_view::npos) return bad(pos);
      std::string_view inner = path.substr(pos, end - pos);
      int64_t index;
      if (inner.starts_with("#-")) {
        // DuckDB's [#-1]: from the end.
        if (!ParseIndex(inner.substr(1), &index)) return bad(pos);
      } else if (!ParseIndex(inner, &index)) {
        return bad(pos);
      }
      steps.push_back({true, {}, index});
      pos = end + 1;
    } else {
      return bad(pos);
    }
  }
  return steps;
}

// The shared kernel: parse each row's JSON, follow the steps, emit.
// `steps_for(i, steps)` fills the path of row i (or returns false for a NULL path).
// `as_written`: PostgreSQL's json operators (the sub-value's text as written); otherwise the
// DuckDB-style functions (minified JSON).
template <typename StepsFor>
Result<Datum> Navigate(std::span<const Datum> args, int64_t rows, bool as_text, bool text_keys,
                       bool as_written, StepsFor&& steps_for) {
  StrReader json(args[0]);
  simdjson::dom::parser parser;
  simdjson::dom::parser string_parser;  // unescapes JSON strings found by JsonText
  std::vector<PathStep> steps;
  std::string unescaped;
  auto unescape = [&](std::string_view quoted) -> std::string_view {
    simdjson::dom::element e;
    std::string_view value;
    if (string_parser.parse(quoted.data(), quoted.size(), true).get(e) != simdjson::SUCCESS ||
        e.get_string().get(value) != simdjson::SUCCESS) {
      return quoted;  // cannot happen: the text was validated
    }
    unescaped.assign(value);
    return unescaped;
  };
  JsonText scanner{std::string_view()};
  return MapRows<StringWriter>(kStr, args, rows, [&](int64_t i, StringWriter& out) -> Status {
    std::string_view text = json[i];
    simdjson::dom::element cur;
    auto err = parser.parse(text.data(), text.size(), true).get(cur);
    if (err) return InvalidJson(text, err);
    steps.clear();
    ARK_RETURN_IF_ERROR(steps_for(i, steps));
    if (as_written) {
      scanner = JsonText(text);
      size_t begin = scanner.SkipSpace(0);
      size_t end = scanner.SkipValue(begin);
      for (const PathStep& s : steps) {
        if (!scanner.Step(&begin, &end, s, text_keys, unescape)) {
          out.PutNull(i);
          return Status::OK();
        }
      }
      std::string_view value = text.substr(begin, end - begin);
      if (as_text && value == "null") {
        out.PutNull(i);
      } else if (as_text && !value.empty() && value[0] == '"') {
        out.Put(i, unescape(value));
      } else {
        out.Put(i, value);
      }
      return Status::OK();
    }
    for (const PathStep& s : steps) {
      if (!Step(cur, s, text_keys)) {
        out.PutNull(i);
        return Status::OK();
      }
    }
    Emit(cur, as_text, i, out);
    return Status::OK();
  });
}

ScalarKernel ArrowKernel(bool as_text, bool index) {
  return [as_text, index](KernelContext&, std::span<const Datum> args,
                          int64_t rows) -> Result<Datum> {
    StrReader key(index ? EmptyStringDatum() : args[1]);
    IntReader idx(index ? args[1] : ZeroInt64Datum());
    return Navigate(args, rows, as_text, false, true, [&](int64_t i, std::vector<PathStep>& steps) {
      if (index) {
        steps.push_back({true, {}, idx[i]});
      } else {
        steps.push_back({false, std::string(key[i]), 0});
      }
      return Status::OK();
    });
  };
}

ScalarKernel ExtractPathKernel(bool as_text) {
  return [as_text](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
    std::vector<StrReader> keys;
    for (size_t k = 1; k < args.size(); ++k) keys.emplace_back(args[k]);
    return Navigate(args, rows, as_text, true, true, [&](int64_t i, std::vector<PathStep>& steps) {
      for (const StrReader& k : keys) steps.push_back({false, std::string(k[i]), 0});
      return Status::OK();
    });
  };
}

Signature JsonPathSignature(bool as_text) {
  Signature sig;
  sig.args = {kStr, kStr};
  sig.return_type = kStr;
  sig.factory = [as_text](std::span<const std::optional<Value>> constants) -> Result<ScalarKernel> {
    std::shared_ptr<const std::vector<PathStep>> fixed;
    if (constants.size() > 1 && constants[1] && !constants[1]->is_null()) {
      ARK_ASSIGN_OR_RETURN(std::vector<PathStep> steps,
                           ParseJsonPath(constants[1]->string_value()));
      fixed = std::make_shared<const std::vector<PathStep>>(std::move(steps));
    }
    return ScalarKernel([fixed, as_text](KernelContext&, std::span<const Datum> args,
                                         int64_t rows) -> Result<Datum> {
      StrReader path(args[1]);
      return Navigate(args, rows, as_text, false, false,
                      [&](int64_t i, std::vector<PathStep>& steps) -> Status {
                        if (fixed) {
                          steps = *fixed;
                          return Status::OK();
                        }
                        ARK_ASSIGN_OR_RETURN(steps, ParseJsonPath(path[i]));
                        return Status::OK();
                      });
    });
  };
  return sig;
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& registry) {
  registry.AddScalar("->",
                     OverloadBinder("->", {{{kStr, kStr}, kStr, ArrowKernel(false, false)},
                                           {{kStr, kI64}, kStr, ArrowKernel(false, true)}}),
                     {"json", "json -> key|index → json",
                      "The object field or array element (negative indexes count from the end), "
                      "as JSON text as written; NULL when absent.",
                      "'{\"a\": {\"b\": 1}}' -> 'a' → '{\"b\": 1}'"});
  registry.AddScalar("->>",
                     OverloadBinder("->>", {{{kStr, kStr}, kStr, ArrowKernel(true, false)},
                                            {{kStr, kI64}, kStr, ArrowKernel(true, true)}}),
                     {"json", "json ->> key|index → string",
                      "The object field or array element as text (a JSON string unquoted, JSON "
                      "null as NULL).",
                      "'[1, \"x\"]' ->> 1 → 'x'"});

  Signature path_json{{kStr, kStr}, kStr, ExtractPathKernel(false)};
  path_json.variadic = true;
  path_json.min_args = 1;
  registry.AddScalar("json_extract_path", OverloadBinder("json_extract_path", {path_json}),
                     {"json", "json_extract_path(json string, VARIADIC keys string) → string",
                      "Follows the path of keys (array positions as integers, from 0) and "
                      "returns the JSON text as written.",
                      "json_extract_path('{\"f2\": {\"f3\": 1}}', 'f2') → '{\"f3\": 1}'"});
  Signature path_text{{kStr, kStr}, kStr, ExtractPathKernel(true)};
  path_text.variadic = true;
  path_text.min_args = 1;
  registry.AddScalar(
      "json_extract_path_text", OverloadBinder("json_extract_path_text", {path_text}),
      {"json", "json_extract_path_text(json string, VARIADIC keys string) → string",
       "Like json_extract_path, returning text (strings unquoted, JSON null as NULL).",
       "json_extract_path_text('{\"f2\": {\"f6\": \"foo\"}}', 'f2', 'f6') → 'foo'"});

  registry.AddScalar("json_extract", OverloadBinder("json_extract", {JsonPathSignature(false)}),
                     {"json", "json_extract(json string, path string) → string",
                      "The value at a JSONPath ($.a.b[0], $[\"k\"], or a bare key) as JSON text.",
                      "json_extract('{\"a\": [1, 2]}', '$.a[1]') → '2'"});
  registry.AddScalar(
      "json_extract_string", OverloadBinder("json_extract_string", {JsonPathSignature(true)}),
      {"json", "json_extract_string(json string, path string) → string",
       "Like json_extract, returning text.", "json_extract_string('{\"a\": \"x\"}', '$.a') → 'x'"});

  registry.AddScalar(
      "json_array_length",
      OverloadBinder(
          "json_array_length",
          {{{kStr},
            kI32,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              StrReader json(args[0]);
              simdjson::dom::parser parser;
              return MapRows<FixedWriter<int32_t>>(
                  kI32, args, rows, [&](int64_t i, FixedWriter<int32_t>& out) -> Status {
                    std::string_view text = json[i];
                    simdjson::dom::element e;
                    auto err = parser.parse(text.data(), text.size(), true).get(e);
                    if (err) return InvalidJson(text, err);
                    if (!e.is_array()) {
                      if (e.is_object()) {
                        return Status::InvalidArgument("cannot get array length of a non-array");
                      }
                      return Status::InvalidArgument("cannot get array length of a scalar");
                    }
                    out.Put(i, static_cast<int32_t>(e.get_array().size()));
                    return Status::OK();
                  });
            }}}),
      {"json", "json_array_length(json string) → int32",
       "Number of elements of a JSON array (an error for other JSON values).",
       "json_array_length('[1, 2, [3]]') → 3"});

  registry.AddScalar(
      "json_typeof",
      OverloadBinder(
          "json_typeof",
          {{{kStr},
            kStr,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              StrReader json(args[0]);
              simdjson::dom::parser parser;
              return MapRows<StringWriter>(
                  kStr, args, rows, [&](int64_t i, StringWriter& out) -> Status {
                    std::string_view text = json[i];
                    simdjson::dom::element e;
                    auto err = parser.parse(text.data(), text.size(), true).get(e);
                    if (err) return InvalidJson(text, err);
                    std::string_view t = "null";
                    if (e.is_object()) t = "object";
                    if (e.is_array()) t = "array";
                    if (e.is_string()) t = "string";
                    if (e.is_number()) t = "number";
                    if (e.is_bool()) t = "boolean";
                    out.Put(i, t);
                    return Status::OK();
                  });
            }}}),
      {"json", "json_typeof(json string) → string",
       "object, array, string, number, boolean or null.", "json_typeof('-123.4') → 'number'"});

  registry.AddScalar(
      "json_valid",
      OverloadBinder(
          "json_valid",
          {{{kStr},
            kBool,
            [](KernelContext&, std::span<const Datum> args, int64_t rows) -> Result<Datum> {
              StrReader json(args[0]);
              simdjson::dom::parser parser;
              return MapRows<BoolWriter>(
                  kBool, args, rows, [&](int64_t i, BoolWriter& out) -> Status {
                    std::string_view text = json[i];
                    simdjson::dom::element e;
                    out.Put(i, !parser.parse(text.data(), text.size(), true).get(e));
                    return Status::OK();
                  });
            }}}),
      {"json", "json_valid(s string) → bool", "True when s is well-formed JSON.",
       "json_valid('{\"a\": 1}') → true"});
}

}  // namespace ark::sql
