#include "codec/json_decoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <simdjson.h>

#include "base/time.h"
#include "codec/json_text.h"
#include "core/batch.h"
#include "core/column_builder.h"

namespace ark {
namespace {

namespace dom = simdjson::dom;
using ElementType = simdjson::dom::element_type;

static_assert(kBufferPadding >= simdjson::SIMDJSON_PADDING,
              "column buffers must carry simdjson's padding");

constexpr size_t kMaxRawBytes = 1024;

absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

std::string_view KindName(ElementType t) {
  switch (t) {
    case ElementType::ARRAY:
      return "array";
    case ElementType::OBJECT:
      return "object";
    case ElementType::INT64:
      return "int64";
    case ElementType::UINT64:
      return "int64";
    case ElementType::DOUBLE:
      return "float64";
    case ElementType::STRING:
      return "string";
    case ElementType::BOOL:
      return "bool";
    case ElementType::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

// The array/object behind an element whose type() was checked. (value_unsafe() on these trips
// GCC's maybe-uninitialized analysis.)
inline dom::array AsArray(dom::element v) {
  dom::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS) return dom::array();
  return a;
}
inline dom::object AsObject(dom::element v) {
  dom::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) return dom::object();
  return o;
}

// One record to parse: where its text is and where it came from.
struct RecordRef {
  const char* data;
  size_t size;
  bool padded;  // SIMDJSON_PADDING readable bytes follow data + size
  int64_t line;
  int64_t byte_offset;
  int64_t message_index;
};

// ---------------------------------------------------------------------------------------------
// Inference: a tree of what each column has held so far (see the rules in json_decoder.h).

enum class InferKind : uint8_t { kUnknown, kBool, kInt, kFloat, kString, kJson, kStruct, kList };

struct InferNode {
  InferKind kind = InferKind::kUnknown;
  std::vector<std::string> names;                    // kStruct: field names, first-seen order
  std::vector<std::unique_ptr<InferNode>> children;  // kStruct: fields; kList: the element
  absl::flat_hash_map<std::string, int> index;       // kStruct: name → field

  void MakeJson() {
    kind = InferKind::kJson;
    names.clear();
    children.clear();
    index.clear();
  }

  void MergeScalar(InferKind k) {
    if (kind == k || kind == InferKind::kJson) return;
    if (kind == InferKind::kUnknown) {
      kind = k;
    } else if ((kind == InferKind::kInt && k == InferKind::kFloat) ||
               (kind == InferKind::kFloat && k == InferKind::kInt)) {
      kind = InferKind::kFloat;
    } else {
      MakeJson();
    }
  }

  InferNode* Field(std::string_view key, size_t hint) {
    if (hint < names.size() && names[hint] == key) return children[hint].get();
    auto it = index.find(AbslView(key));
    if (it != index.end()) return children[static_cast<size_t>(it->second)].get();
    index.emplace(std::string(key), static_cast<int>(names.size()));
    names.emplace_back(key);
    children.push_back(std::make_unique<InferNode>());
    return children.back().get();
  }

  int FieldIndex(std::string_view key) const {
    auto it = index.find(AbslView(key));
    return it == index.end() ? -1 : it->second;
  }
};

using IncludeSet = absl::flat_hash_set<std::string>;

void Observe(InferNode* n, dom::element v);

// Fields of an object into a struct node; `include` (root only) filters the keys.
void ObserveFields(InferNode* n, dom::object obj, const IncludeSet* include) {
  size_t hint = 0;
  for (dom::key_value_pair kv : obj) {
    if (include != nullptr && !include->contains(AbslView(kv.key))) continue;
    InferNode* child = n->Field(kv.key, hint);
    hint = static_cast<size_t>(n->FieldIndex(kv.key)) + 1;
    Observe(child, kv.value);
  }
}

void Observe(InferNode* n, dom::element v) {
  switch (v.type()) {
    case ElementType::NULL_VALUE:
      return;
    case ElementType::BOOL:
      n->MergeScalar(InferKind::kBool);
      return;
    case ElementType::INT64:
      n->MergeScalar(InferKind::kInt);
      return;
    case ElementType::UINT64:  // beyond int64
    case ElementType::DOUBLE:
      n->MergeScalar(InferKind::kFloat);
      return;
    case ElementType::STRING:
      n->MergeScalar(InferKind::kString);
      return;
    case ElementType::OBJECT:
      if (n->kind == InferKind::kUnknown) n->kind = InferKind::kStruct;
      if (n->kind == InferKind::kStruct) {
        ObserveFields(n, AsObject(v), nullptr);
      } else if (n->kind != InferKind::kJson) {
        n->MakeJson();
      }
      return;
    case ElementType::ARRAY:
      if (n->kind == InferKind::kUnknown) {
        n->kind = InferKind::kList;
        n->children.push_back(std::make_unique<InferNode>());
      }
      if (n->kind == InferKind::kList) {
        for (dom::element e : AsArray(v)) Observe(n->children[0].get(), e);
      } else if (n->kind != InferKind::kJson) {
        n->MakeJson();
      }
      return;
  }
}

DataType TypeOf(const InferNode& n) {
  switch (n.kind) {
    case InferKind::kUnknown:
    case InferKind::kString:
    case InferKind::kJson:
      return DataType::String();
    case InferKind::kBool:
      return DataType::Bool();
    case InferKind::kInt:
      return DataType::Int64();
    case InferKind::kFloat:
      return DataType::Float64();
    case InferKind::kList:
      return DataType::List(TypeOf(*n.children[0]));
    case InferKind::kStruct: {
      std::vector<Field> fields;
      fields.reserve(n.names.size());
      for (size_t i = 0; i < n.names.size(); ++i) {
        fields.emplace_back(n.names[i], TypeOf(*n.children[i]));
      }
      return DataType::Struct(std::move(fields));
    }
  }
  return DataType::String();
}

// ---------------------------------------------------------------------------------------------
// Plans: the target columns of a decode call, with their builders.

enum class PlanKind : uint8_t {
  kOnlyNull,  // inferred all-null column (string) or declared `null`
  kBool,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kString,
  kJsonText,  // inferred conflict column: strings as they are, other values as JSON text
  kBinary,
  kTimestamp,
  kDate,
  kList,
  kStruct,
};

struct PlanNode {
  PlanKind kind = PlanKind::kOnlyNull;
  ColumnBuilder* builder = nullptr;  // null for the root (the record itself)
  std::vector<PlanNode> children;    // kStruct: fields; kList: the element
  std::vector<std::string> names;    // kStruct
  absl::flat_hash_map<std::string, int> index;
  std::vector<uint32_t> seen;  // kStruct: epoch at which each field got its value
  uint32_t epoch = 0;
  bool ignore_unknown = false;  // kStruct: skip keys not in `names` instead of failing

  void SetFields(std::vector<std::string> field_names) {
    names = std::move(field_names);
    index.clear();
    for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<int>(i));
    seen.assign(names.size(), 0);
    epoch = 0;
  }
};

void PlanFromInfer(const InferNode& n, ColumnBuilder* b, PlanNode* p) {
  p->builder = b;
  switch (n.kind) {
    case InferKind::kUnknown:
      p->kind = PlanKind::kOnlyNull;
      return;
    case InferKind::kBool:
      p->kind = PlanKind::kBool;
      return;
    case InferKind::kInt:
      p->kind = PlanKind::kInt64;
      return;
    case InferKind::kFloat:
      p->kind = PlanKind::kFloat64;
      return;
    case InferKind::kString:
      p->kind = PlanKind::kString;
      return;
    case InferKind::kJson:
      p->kind = PlanKind::kJsonText;
      return;
    case InferKind::kList:
      p->kind = PlanKind::kList;
      p->children.resize(1);
      PlanFromInfer(*n.children[0], &static_cast<ListBuilder*>(b)->values(), &p->children[0]);
      return;
    case InferKind::kStruct: {
      p->kind = PlanKind::kStruct;
      p->SetFields(n.names);
      p->children.resize(n.names.size());
      auto* sb = static_cast<StructBuilder*>(b);
      for (size_t i = 0; i < n.names.size(); ++i) {
        PlanFromInfer(*n.children[i], &sb->field(static_cast<int>(i)), &p->children[i]);
      }
      return;
    }
  }
}

Status CheckDeclaredType(const DataType& t, const std::string& path) {
  switch (t.id()) {
    case TypeId::kInterval:
      return Status::InvalidArgument(
          "json schema: field \"{}\": type interval is not supported by the json codec", path);
    case TypeId::kList:
      return CheckDeclaredType(t.element(), path + "[]");
    case TypeId::kStruct: {
      absl::flat_hash_set<std::string> seen;
      for (const auto& f : t.fields()) {
        if (!seen.insert(f.name).second) {
          return Status::InvalidArgument("json schema: duplicate field \"{}{}\"",
                                         path.empty() ? "" : path + ".", f.name);
        }
        ARK_RETURN_IF_ERROR(CheckDeclaredType(f.type, path.empty() ? f.name : path + "." + f.name));
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

void PlanFromType(const DataType& t, ColumnBuilder* b, PlanNode* p) {
  p->builder = b;
  switch (t.id()) {
    case TypeId::kNull:
      p->kind = PlanKind::kOnlyNull;
      return;
    case TypeId::kBool:
      p->kind = PlanKind::kBool;
      return;
    case TypeId::kInt32:
      p->kind = PlanKind::kInt32;
      return;
    case TypeId::kInt64:
      p->kind = PlanKind::kInt64;
      return;
    case TypeId::kFloat32:
      p->kind = PlanKind::kFloat32;
      return;
    case TypeId::kFloat64:
      p->kind = PlanKind::kFloat64;
      return;
    case TypeId::kString:
      p->kind = PlanKind::kString;
      return;
    case TypeId::kBinary:
      p->kind = PlanKind::kBinary;
      return;
    case TypeId::kTimestamp:
      p->kind = PlanKind::kTimestamp;
      return;
    case TypeId::kDate:
      p->kind = PlanKind::kDate;
      return;
    case TypeId::kInterval:
      ARK_CHECK(false, "interval is rejected by CheckDeclaredType");
      return;
    case TypeId::kList:
      p->kind = PlanKind::kList;
      p->children.resize(1);
      PlanFromType(t.element(), &static_cast<ListBuilder*>(b)->values(), &p->children[0]);
      return;
    case TypeId::kStruct: {
      p->kind = PlanKind::kStruct;
      p->ignore_unknown = true;
      std::vector<std::string> names;
      for (const auto& f : t.fields()) names.push_back(f.name);
      p->SetFields(std::move(names));
      p->children.resize(t.fields().size());
      auto* sb = static_cast<StructBuilder*>(b);
      for (size_t i = 0; i < t.fields().size(); ++i) {
        PlanFromType(t.fields()[i].type, &sb->field(static_cast<int>(i)), &p->children[i]);
      }
      return;
    }
  }
}

// Makes a builder tree consistent after a record failed half-way: every column gets a value for
// the failed row (null where nothing was appended), so that the row can be dropped afterwards.
void RepairTo(PlanNode* n, int64_t length) {
  if (n->builder->length() < length) {
    n->builder->AppendNull();  // a struct also appends a null to each of its fields
    return;
  }
  if (n->kind == PlanKind::kStruct) {
    for (auto& c : n->children) RepairTo(&c, n->builder->length());
  } else if (n->kind == PlanKind::kList) {
    RepairTo(&n->children[0], n->children[0].builder->length());
  }
}

// Writes an element as canonical JSON text.
void RenderJson(json_text::TextBuffer* out, dom::element v) {
  switch (v.type()) {
    case ElementType::ARRAY: {
      out->Push('[');
      bool first = true;
      for (dom::element e : AsArray(v)) {
        if (!first) out->Push(',');
        first = false;
        RenderJson(out, e);
      }
      out->Push(']');
      return;
    }
    case ElementType::OBJECT: {
      out->Push('{');
      bool first = true;
      for (dom::key_value_pair kv : AsObject(v)) {
        if (!first) out->Push(',');
        first = false;
        char* p = out->Reserve(json_text::MaxStringSize(kv.key.size()) + 1);
        p = json_text::WriteString(p, kv.key);
        *p++ = ':';
        out->Commit(p);
        RenderJson(out, kv.value);
      }
      out->Push('}');
      return;
    }
    case ElementType::INT64: {
      char* p = out->Reserve(json_text::kMaxNumberSize);
      out->Commit(json_text::WriteInt(p, v.get_int64().value_unsafe()));
      return;
    }
    case ElementType::UINT64: {
      char* p = out->Reserve(json_text::kMaxNumberSize);
      out->Commit(
          std::to_chars(p, p + json_text::kMaxNumberSize, v.get_uint64().value_unsafe()).ptr);
      return;
    }
    case ElementType::DOUBLE: {
      char* p = out->Reserve(json_text::kMaxNumberSize);
      out->Commit(json_text::WriteDouble(p, v.get_double().value_unsafe()));
      return;
    }
    case ElementType::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      char* p = out->Reserve(json_text::MaxStringSize(s.size()));
      out->Commit(json_text::WriteString(p, s));
      return;
    }
    case ElementType::BOOL:
      out->Append(v.get_bool().value_unsafe() ? "true" : "false");
      return;
    case ElementType::NULL_VALUE:
      out->Append("null");
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Appending parsed records to a plan.

enum class Fit : uint8_t {
  kOk,
  kMismatch,  // inferred plan: the value needs another schema (the caller re-plans)
  kError,     // declared plan: the record is an error (message in Appender::error())
};

class Appender {
 public:
  explicit Appender(bool declared) : declared_(declared) {}

  // The fields of one record (or nested object) into a struct plan.
  Fit AppendFields(PlanNode* n, dom::object obj) {
    uint32_t epoch = ++n->epoch;
    if (epoch == 0) {
      std::fill(n->seen.begin(), n->seen.end(), 0);
      epoch = n->epoch = 1;
    }
    size_t hint = 0, matched = 0;
    const size_t num_fields = n->names.size();
    for (dom::key_value_pair kv : obj) {
      size_t idx;
      if (hint < num_fields && n->names[hint] == kv.key) {
        idx = hint;
      } else {
        auto it = n->index.find(AbslView(kv.key));
        if (it == n->index.end()) {
          if (n->ignore_unknown) continue;
          return Fit::kMismatch;
        }
        idx = static_cast<size_t>(it->second);
      }
      hint = idx + 1;
      if (n->seen[idx] == epoch) continue;  // duplicate key: the first one wins
      n->seen[idx] = epoch;
      ++matched;
      Fit f = AppendValue(&n->children[idx], kv.value);
      if (f != Fit::kOk) {
        if (f == Fit::kError) PrependField(kv.key);
        return f;
      }
    }
    if (matched < num_fields) {
      for (size_t i = 0; i < num_fields; ++i) {
        if (n->seen[i] != epoch) n->children[i].builder->AppendNull();
      }
    }
    return Fit::kOk;
  }

  Fit AppendValue(PlanNode* n, dom::element v) {
    const ElementType t = v.type();
    if (t == ElementType::NULL_VALUE) {
      n->builder->AppendNull();
      return Fit::kOk;
    }
    switch (n->kind) {
      case PlanKind::kOnlyNull:
        return WrongKind(n, t);
      case PlanKind::kBool:
        if (t != ElementType::BOOL) return WrongKind(n, t);
        static_cast<BoolBuilder*>(n->builder)->Append(v.get_bool().value_unsafe());
        return Fit::kOk;
      case PlanKind::kInt64:
        if (t == ElementType::INT64) {
          static_cast<Int64Builder*>(n->builder)->Append(v.get_int64().value_unsafe());
          return Fit::kOk;
        }
        if (t == ElementType::UINT64 && declared_) {
          return Error(
              fmt::format("value {} is out of range for int64", v.get_uint64().value_unsafe()));
        }
        return WrongKind(n, t);
      case PlanKind::kInt32: {
        if (t == ElementType::INT64) {
          int64_t x = v.get_int64().value_unsafe();
          if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
            return Error(fmt::format("value {} is out of range for int32", x));
          }
          static_cast<Int32Builder*>(n->builder)->Append(static_cast<int32_t>(x));
          return Fit::kOk;
        }
        if (t == ElementType::UINT64) {
          return Error(
              fmt::format("value {} is out of range for int32", v.get_uint64().value_unsafe()));
        }
        return WrongKind(n, t);
      }
      case PlanKind::kFloat64:
      case PlanKind::kFloat32: {
        double x;
        if (t == ElementType::DOUBLE) {
          x = v.get_double().value_unsafe();
        } else if (t == ElementType::INT64) {
          x = static_cast<double>(v.get_int64().value_unsafe());
        } else if (t == ElementType::UINT64) {
          x = static_cast<double>(v.get_uint64().value_unsafe());
        } else {
          return WrongKind(n, t);
        }
        if (n->kind == PlanKind::kFloat64) {
          static_cast<Float64Builder*>(n->builder)->Append(x);
        } else {
          static_cast<Float32Builder*>(n->builder)->Append(static_cast<float>(x));
        }
        return Fit::kOk;
      }
      case PlanKind::kString:
      case PlanKind::kBinary:
        if (t != ElementType::STRING) return WrongKind(n, t);
        static_cast<BinaryBuilder*>(n->builder)->Append(v.get_string().value_unsafe());
        return Fit::kOk;
      case PlanKind::kJsonText:
        if (t == ElementType::STRING) {
          static_cast<BinaryBuilder*>(n->builder)->Append(v.get_string().value_unsafe());
        } else {
          scratch_.Clear();
          RenderJson(&scratch_, v);
          static_cast<BinaryBuilder*>(n->builder)->Append(scratch_.view());
        }
        return Fit::kOk;
      case PlanKind::kTimestamp: {
        if (t == ElementType::INT64) {
          static_cast<Int64Builder*>(n->builder)->Append(v.get_int64().value_unsafe());
          return Fit::kOk;
        }
        if (t != ElementType::STRING) return WrongKind(n, t);
        Result<int64_t> ts = ParseTimestampMicros(v.get_string().value_unsafe());
        if (!ts.ok()) return Error(ts.status().message());
        static_cast<Int64Builder*>(n->builder)->Append(*ts);
        return Fit::kOk;
      }
      case PlanKind::kDate: {
        if (t == ElementType::INT64) {
          int64_t x = v.get_int64().value_unsafe();
          if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
            return Error(fmt::format("value {} is out of range for date", x));
          }
          static_cast<Int32Builder*>(n->builder)->Append(static_cast<int32_t>(x));
          return Fit::kOk;
        }
        if (t != ElementType::STRING) return WrongKind(n, t);
        Result<int32_t> d = ParseDate(v.get_string().value_unsafe());
        if (!d.ok()) return Error(d.status().message());
        static_cast<Int32Builder*>(n->builder)->Append(*d);
        return Fit::kOk;
      }
      case PlanKind::kList: {
        if (t != ElementType::ARRAY) return WrongKind(n, t);
        static_cast<ListBuilder*>(n->builder)->Append();
        size_t i = 0;
        for (dom::element e : AsArray(v)) {
          Fit f = AppendValue(&n->children[0], e);
          if (f != Fit::kOk) {
            if (f == Fit::kError) PrependIndex(i);
            return f;
          }
          ++i;
        }
        return Fit::kOk;
      }
      case PlanKind::kStruct:
        if (t != ElementType::OBJECT) return WrongKind(n, t);
        static_cast<StructBuilder*>(n->builder)->Append();
        return AppendFields(n, AsObject(v));
    }
    return WrongKind(n, t);
  }

  // For a kError: "field \"a.b[2]\": expected int64, got string".
  std::string TakeError() {
    std::string out = fmt::format("field \"{}\": {}", path_, error_);
    path_.clear();
    error_.clear();
    return out;
  }

 private:
  Fit WrongKind(const PlanNode* n, ElementType t) {
    if (!declared_) return Fit::kMismatch;
    return Error(fmt::format("expected {}, got {}", n->builder->type().ToString(), KindName(t)));
  }
  Fit Error(std::string message) {
    error_ = std::move(message);
    path_.clear();
    return Fit::kError;
  }
  // Builds the error path while unwinding: "addr" + ".zip", "tags" + "[1]".
  void PrependField(std::string_view key) {
    if (path_.empty() || path_[0] == '[') {
      path_.insert(0, key);
    } else {
      path_.insert(0, std::string(key) + ".");
    }
  }
  void PrependIndex(size_t i) { path_.insert(0, fmt::format("[{}]", i)); }

  bool declared_;
  std::string error_;
  std::string path_;
  json_text::TextBuffer scratch_;
};

// ---------------------------------------------------------------------------------------------
// The record template: the fast path for records that look the way the plan expects.
//
// A flat plan (no list/struct columns) is matched directly against the record text: the plan's
// keys in the plan's order (a key may be missing: null), JSON whitespace anywhere between tokens,
// and values in a strict subset of JSON — strings without escapes or control characters (non-ASCII
// is checked to be UTF-8), numbers in JSON's number grammar (integers of at most 18 digits),
// true, false and null — of the kinds the column takes. Everything else (escapes, unknown,
// repeated or out-of-order keys, other value kinds, nested values, invalid text) is left to
// simdjson: TryAppend() then returns false having appended nothing. So the template never accepts
// a record that simdjson would reject, and appends exactly what Appender would for the records it
// accepts (json_decoder_fastpath_test checks this on random records).

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class RecordTemplate {
 public:
  // False (and unusable) when the plan has nested columns.
  bool Init(const PlanNode& root) {
    fields_.clear();
    names_.clear();
    usable_ = false;
    for (size_t i = 0; i < root.children.size(); ++i) {
      const PlanNode& c = root.children[i];
      if (c.kind == PlanKind::kList || c.kind == PlanKind::kStruct) return false;
      for (char ch : root.names[i]) {
        // Keys that need escaping in JSON are never matched literally.
        if (static_cast<unsigned char>(ch) < 0x20 || ch == '"' || ch == '\\') return false;
      }
      Slot f;
      f.compact[0] = CompactKey("\"" + root.names[i] + "\":");
      f.compact[1] = CompactKey(",\"" + root.names[i] + "\":");
      f.kind = c.kind;
      f.builder = c.builder;
      fields_.push_back(std::move(f));
      names_.push_back(root.names[i]);
    }
    values_.resize(fields_.size());
    usable_ = true;
    return true;
  }

  bool usable() const { return usable_; }

  bool TryAppend(const char* p, const char* end) {
    SkipSpace(&p, end);
    if (p == end || *p != '{') return false;
    ++p;
    const size_t n = fields_.size();
    size_t next = 0;  // the next field the plan expects; earlier ones are done or missing
    bool first = true;
    while (true) {
      size_t idx;
      if (next < n && MatchFast(fields_[next], first, &p, end)) {
        idx = next;
      } else {
        SkipSpace(&p, end);
        if (p < end && *p == '}') break;
        if (!first) {
          if (p == end || *p != ',') return false;
          ++p;
          SkipSpace(&p, end);
        }
        std::string_view key;
        if (!MatchKey(&p, end, &key)) return false;
        SkipSpace(&p, end);
        if (p == end || *p != ':') return false;
        ++p;
        // Keys must come in plan order; a missing field is null. Anything else (an unknown, a
        // repeated or an out-of-order key) is left to simdjson.
        idx = next;
        while (idx < n && names_[idx] != key) ++idx;
        if (idx == n) return false;
      }
      for (size_t j = next; j < idx; ++j) values_[j].tag = Tag::kNull;
      SkipSpace(&p, end);
      if (!MatchValue(fields_[idx].kind, &p, end, &values_[idx])) return false;
      next = idx + 1;
      first = false;
    }
    for (size_t j = next; j < n; ++j) values_[j].tag = Tag::kNull;
    ++p;  // '}'
    SkipSpace(&p, end);
    if (p != end) return false;
    for (size_t i = 0; i < n; ++i) Commit(fields_[i], values_[i]);
    return true;
  }

 private:
  enum class Tag : uint8_t { kNull, kInt, kDouble, kBool, kString };
  struct Value {
    Tag tag;
    bool b;
    int64_t i;
    double d;
    std::string_view s;
  };
  // A key as compact JSON writes it (`"key":` or `,"key":`), with its first and last 8 bytes
  // for a quick comparison when it is 8 to 16 bytes long.
  struct CompactKey {
    CompactKey() = default;
    explicit CompactKey(std::string t) : text(std::move(t)) {
      if (text.size() >= 8 && text.size() <= 16) {
        std::memcpy(&head, text.data(), 8);
        std::memcpy(&tail, text.data() + text.size() - 8, 8);
      }
    }
    std::string text;
    uint64_t head = 0;
    uint64_t tail = 0;
  };
  struct Slot {
    CompactKey compact[2];  // [0] first in the object, [1] after a comma
    PlanKind kind;
    ColumnBuilder* builder;
  };

  static bool MatchFast(const Slot& f, bool first, const char** p, const char* end) {
    const CompactKey& k = f.compact[first ? 0 : 1];
    const size_t n = k.text.size();
    if (n >= 8 && n <= 16 && end - *p >= 16) {
      uint64_t a, b;
      std::memcpy(&a, *p, 8);
      std::memcpy(&b, *p + n - 8, 8);
      if (a != k.head || b != k.tail) return false;
    } else if (static_cast<size_t>(end - *p) < n || std::memcmp(*p, k.text.data(), n) != 0) {
      return false;
    }
    *p += n;
    return true;
  }

  // A key without escapes.
  static bool MatchKey(const char** pp, const char* end, std::string_view* key) {
    const char* p = *pp;
    if (p == end || *p != '"') return false;
    const char* start = ++p;
    while (p < end && *p != '"') {
      if (static_cast<unsigned char>(*p) < 0x20 || *p == '\\') return false;
      ++p;
    }
    if (p == end) return false;
    *key = std::string_view(start, static_cast<size_t>(p - start));
    *pp = p + 1;
    return true;
  }

  static void SkipSpace(const char** p, const char* end) {
    while (*p < end && IsJsonSpace(**p)) ++*p;
  }

  static bool MatchWord(const char** p, const char* end, std::string_view word) {
    if (static_cast<size_t>(end - *p) < word.size() ||
        std::memcmp(*p, word.data(), word.size()) != 0) {
      return false;
    }
    *p += word.size();
    return true;
  }

  // JSON number grammar. `integer` is set when there is no fraction or exponent.
  static bool MatchNumber(const char** pp, const char* end, bool* integer) {
    const char* p = *pp;
    if (p < end && *p == '-') ++p;
    if (p == end || !IsDigit(*p)) return false;
    if (*p == '0') {
      ++p;
    } else {
      while (p < end && IsDigit(*p)) ++p;
    }
    *integer = true;
    if (p < end && *p == '.') {
      ++p;
      if (p == end || !IsDigit(*p)) return false;
      while (p < end && IsDigit(*p)) ++p;
      *integer = false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (p == end || !IsDigit(*p)) return false;
      while (p < end && IsDigit(*p)) ++p;
      *integer = false;
    }
    *pp = p;
    return true;
  }

  // An integer in JSON's grammar of at most 18 digits (so that it fits), not followed by a
  // fraction or exponent.
  static bool MatchInt(const char** pp, const char* end, int64_t* out) {
    const char* p = *pp;
    const bool negative = p < end && *p == '-';
    if (negative) ++p;
    if (p == end || !IsDigit(*p)) return false;
    // Unsigned, so that the digits past the 18th wrap (defined) before the length check.
    uint64_t v = 0;
    if (*p == '0') {
      ++p;
    } else {
      const char* first = p;
      while (p < end && IsDigit(*p)) v = v * 10 + static_cast<uint64_t>(*p++ - '0');
      if (p - first > 18) return false;  // may not fit: let simdjson decide
    }
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return false;
    const auto value = static_cast<int64_t>(v);
    *out = negative ? -value : value;
    *pp = p;
    return true;
  }

  // A string without escapes or control characters; its bytes are valid UTF-8.
  static bool MatchString(const char** pp, const char* end, std::string_view* out) {
    const char* p = *pp;
    if (p == end || *p != '"') return false;
    const char* start = ++p;
    uint64_t high = 0;
#if defined(__SSE2__)
    // 16 bytes at a time: find the first quote, backslash or control character.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i control_max = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i special =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                       _mm_cmpeq_epi8(_mm_max_epu8(x, control_max), control_max));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      if (mask != 0) {
        unsigned at = static_cast<unsigned>(__builtin_ctz(mask));
        high |= static_cast<unsigned>(_mm_movemask_epi8(x)) & ((1u << at) - 1);
        p += at;
        break;
      }
      high |= static_cast<unsigned>(_mm_movemask_epi8(x));
      p += 16;
    }
    if (high != 0) high = 0x80;  // movemask bits, not bytes
#endif
    while (end - p >= 8) {
      uint64_t x;
      std::memcpy(&x, p, 8);
      if (json_text::HasJsonSpecialByte(x)) break;
      high |= x;
      p += 8;
    }
    while (p < end && *p != '"') {
      auto c = static_cast<unsigned char>(*p);
      if (c < 0x20 || c == '\\') return false;
      high |= c;
      ++p;
    }
    if (p == end) return false;
    *out = std::string_view(start, static_cast<size_t>(p - start));
    if ((high & 0x8080808080808080ULL) != 0 && !json_text::IsValidUtf8(*out)) return false;
    *pp = p + 1;
    return true;
  }

  static bool MatchValue(PlanKind kind, const char** p, const char* end, Value* v) {
    if (*p < end && **p == 'n') {
      v->tag = Tag::kNull;
      return MatchWord(p, end, "null");
    }
    switch (kind) {
      case PlanKind::kOnlyNull:
        return false;
      case PlanKind::kBool:
        v->tag = Tag::kBool;
        if (MatchWord(p, end, "true")) {
          v->b = true;
          return true;
        }
        v->b = false;
        return MatchWord(p, end, "false");
      case PlanKind::kInt64:
        v->tag = Tag::kInt;
        return MatchInt(p, end, &v->i);
      case PlanKind::kInt32:
        v->tag = Tag::kInt;
        return MatchInt(p, end, &v->i) && v->i >= std::numeric_limits<int32_t>::min() &&
               v->i <= std::numeric_limits<int32_t>::max();
      case PlanKind::kFloat64:
      case PlanKind::kFloat32: {
        const char* start = *p;
        bool integer;
        if (!MatchNumber(p, end, &integer)) return false;
        v->tag = Tag::kDouble;
        if (integer) {
          // As simdjson: an integer literal is an integer (so -0 is 0), then widened.
          const char* q = start;
          int64_t i;
          if (!MatchInt(&q, *p, &i)) return false;
          v->d = static_cast<double>(i);
          return true;
        }
        auto [ptr, ec] = std::from_chars(start, *p, v->d);
        return ec == std::errc() && ptr == *p;
      }
      case PlanKind::kString:
      case PlanKind::kBinary:
      case PlanKind::kJsonText:
        v->tag = Tag::kString;
        return MatchString(p, end, &v->s);
      case PlanKind::kTimestamp: {
        if (*p < end && **p == '"') {
          std::string_view s;
          if (!MatchString(p, end, &s)) return false;
          Result<int64_t> ts = ParseTimestampMicros(s);
          if (!ts.ok()) return false;
          v->tag = Tag::kInt;
          v->i = *ts;
          return true;
        }
        v->tag = Tag::kInt;
        return MatchInt(p, end, &v->i);
      }
      case PlanKind::kDate: {
        if (*p < end && **p == '"') {
          std::string_view s;
          if (!MatchString(p, end, &s)) return false;
          Result<int32_t> d = ParseDate(s);
          if (!d.ok()) return false;
          v->tag = Tag::kInt;
          v->i = *d;
          return true;
        }
        v->tag = Tag::kInt;
        return MatchInt(p, end, &v->i) && v->i >= std::numeric_limits<int32_t>::min() &&
               v->i <= std::numeric_limits<int32_t>::max();
      }
      case PlanKind::kList:
      case PlanKind::kStruct:
        return false;
    }
    return false;
  }

  static void Commit(const Slot& f, const Value& v) {
    if (v.tag == Tag::kNull) {
      f.builder->AppendNull();
      return;
    }
    switch (f.kind) {
      case PlanKind::kBool:
        static_cast<BoolBuilder*>(f.builder)->Append(v.b);
        return;
      case PlanKind::kInt64:
      case PlanKind::kTimestamp:
        static_cast<Int64Builder*>(f.builder)->Append(v.i);
        return;
      case PlanKind::kInt32:
      case PlanKind::kDate:
        static_cast<Int32Builder*>(f.builder)->Append(static_cast<int32_t>(v.i));
        return;
      case PlanKind::kFloat64:
        static_cast<Float64Builder*>(f.builder)->Append(v.d);
        return;
      case PlanKind::kFloat32:
        static_cast<Float32Builder*>(f.builder)->Append(static_cast<float>(v.d));
        return;
      case PlanKind::kString:
      case PlanKind::kBinary:
      case PlanKind::kJsonText:
        static_cast<BinaryBuilder*>(f.builder)->Append(v.s);
        return;
      case PlanKind::kOnlyNull:
      case PlanKind::kList:
      case PlanKind::kStruct:
        return;  // never matched with a value
    }
  }

  std::vector<Slot> fields_;
  std::vector<std::string> names_;
  std::vector<Value> values_;
  bool usable_ = false;
};

}  // namespace

std::string TruncateRecordText(std::string_view raw) {
  if (raw.size() <= kMaxRawBytes) return std::string(raw);
  size_t n = kMaxRawBytes;
  // Do not cut a UTF-8 sequence: back up over continuation bytes.
  while (n > 0 && (static_cast<unsigned char>(raw[n]) & 0xC0) == 0x80) --n;
  return std::string(raw.substr(0, n)) + "\xE2\x80\xA6";  // "…"
}

// ---------------------------------------------------------------------------------------------

struct JsonDecoder::Impl {
  JsonDecoderOptions options;
  std::optional<IncludeSet> include;  // inferred mode with include_fields
  dom::parser parser;
  std::unique_ptr<char[]> pad_buf;
  size_t pad_capacity = 0;
  std::vector<RecordRef> refs;
  bool messages = false;  // the current call is DecodeMessages

  // Per-call output state.
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  PlanNode root;
  int64_t rows = 0;
  std::vector<int64_t> source_index;
  RecordTemplate tmpl;  // for the current plan

  Result<DecodeResult> Decode(std::vector<RecordError> errors);

  void AddError(std::vector<RecordError>* errors, const RecordRef& r, std::string message) {
    errors->push_back(RecordError{r.message_index, r.line, r.byte_offset, std::move(message),
                                  TruncateRecordText(std::string_view(r.data, r.size))});
  }

  // Parses a record and checks its shape: an object (or, for messages, an array of objects).
  bool Parse(const RecordRef& r, dom::element* doc, std::vector<RecordError>* errors) {
    const char* buf = r.data;
    if (!r.padded) {
      size_t need = r.size + simdjson::SIMDJSON_PADDING;
      if (pad_capacity < need) {
        pad_capacity = std::max(need, pad_capacity * 2);
        pad_buf = std::make_unique_for_overwrite<char[]>(pad_capacity);
      }
      std::memcpy(pad_buf.get(), r.data, r.size);
      std::memset(pad_buf.get() + r.size, 0, simdjson::SIMDJSON_PADDING);
      buf = pad_buf.get();
    }
    simdjson::error_code code = parser.parse(buf, r.size, false).get(*doc);
    if (code != simdjson::SUCCESS) {
      if (errors)
        AddError(errors, r, fmt::format("invalid JSON: {}", simdjson::error_message(code)));
      return false;
    }
    ElementType t = doc->type();
    if (t == ElementType::OBJECT) return true;
    if (t == ElementType::ARRAY && messages) {
      size_t i = 0;
      for (dom::element e : AsArray(*doc)) {
        if (e.type() != ElementType::OBJECT) {
          if (errors) {
            AddError(errors, r,
                     fmt::format("top-level array element {}: expected a JSON object, got {}", i,
                                 KindName(e.type())));
          }
          return false;
        }
        ++i;
      }
      return true;
    }
    if (errors) {
      AddError(errors, r,
               fmt::format("expected a JSON object{}, got {}",
                           messages ? " or an array of objects" : "", KindName(t)));
    }
    return false;
  }

  void ResetOutput() {
    builders.clear();
    root = PlanNode();
    rows = 0;
    source_index.clear();
    tmpl = RecordTemplate();
  }

  void PlanInferred(const InferNode& tree) {
    ResetOutput();
    root.kind = PlanKind::kStruct;
    root.ignore_unknown = include.has_value();
    root.SetFields(tree.names);
    root.children.resize(tree.names.size());
    for (size_t i = 0; i < tree.names.size(); ++i) {
      builders.push_back(MakeBuilder(TypeOf(*tree.children[i])));
      builders.back()->Reserve(static_cast<int64_t>(refs.size()));
      PlanFromInfer(*tree.children[i], builders.back().get(), &root.children[i]);
    }
    tmpl.Init(root);
  }

  void PlanDeclared() {
    ResetOutput();
    const auto& fields = *options.schema;
    root.kind = PlanKind::kStruct;
    root.ignore_unknown = true;
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.name);
    root.SetFields(std::move(names));
    root.children.resize(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      builders.push_back(MakeBuilder(fields[i].type));
      builders.back()->Reserve(static_cast<int64_t>(refs.size()));
      PlanFromType(fields[i].type, builders.back().get(), &root.children[i]);
    }
    tmpl.Init(root);
  }

  // Appends a parsed record (one row, or one per element of a top-level array). On kError the
  // failed row is repaired and `*first_row` says where the record's rows start.
  Fit AppendDoc(Appender* app, dom::element doc, const RecordRef& r) {
    if (doc.type() == ElementType::OBJECT) {
      Fit f = app->AppendFields(&root, AsObject(doc));
      if (f == Fit::kError) RepairRow();
      if (f == Fit::kMismatch) return f;
      ++rows;
      if (messages) source_index.push_back(r.message_index);
      return f;
    }
    for (dom::element e : AsArray(doc)) {
      Fit f = app->AppendFields(&root, AsObject(e));
      if (f == Fit::kError) RepairRow();
      if (f == Fit::kMismatch) return f;
      ++rows;
      source_index.push_back(r.message_index);
      if (f == Fit::kError) return f;
    }
    return Fit::kOk;
  }

  // The template fast path for one record: true when it appended the record's row.
  bool TryTemplate(const RecordRef& r) {
    if (!tmpl.usable() || !tmpl.TryAppend(r.data, r.data + r.size)) return false;
    ++rows;
    if (messages) source_index.push_back(r.message_index);
    return true;
  }

  void RepairRow() {
    for (auto& c : root.children) RepairTo(&c, rows + 1);
  }

  Batch FinishBatch() {
    std::vector<Field> fields;
    std::vector<ColumnPtr> columns;
    for (size_t i = 0; i < builders.size(); ++i) {
      fields.emplace_back(root.names[i], builders[i]->type());
      columns.push_back(builders[i]->Finish());
    }
    return Batch(Schema::Make(std::move(fields)), std::move(columns), rows);
  }
};

Result<std::unique_ptr<JsonDecoder>> JsonDecoder::Make(JsonDecoderOptions options) {
  if (options.max_record_bytes == 0) {
    return Status::InvalidArgument("json decoder: max_record_bytes must be at least 1");
  }
  auto impl = std::make_unique<Impl>();
  if (options.schema) {
    std::vector<Field> fields = *options.schema;
    if (!options.include_fields.empty()) {
      IncludeSet keep(options.include_fields.begin(), options.include_fields.end());
      std::erase_if(fields, [&](const Field& f) { return !keep.contains(f.name); });
    }
    ARK_RETURN_IF_ERROR(CheckDeclaredType(DataType::Struct(fields), ""));
    options.schema = std::move(fields);
  } else if (!options.include_fields.empty()) {
    impl->include.emplace(options.include_fields.begin(), options.include_fields.end());
  }
  impl->options = std::move(options);
  return std::unique_ptr<JsonDecoder>(new JsonDecoder(std::move(impl)));
}

JsonDecoder::JsonDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonDecoder::~JsonDecoder() = default;

namespace {
bool IsBlank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}
}  // namespace

Result<DecodeResult> JsonDecoder::DecodeChunk(std::string_view chunk, const ChunkPosition& pos) {
  Impl& s = *impl_;
  s.messages = false;
  s.refs.clear();
  std::vector<RecordError> errors;
  const char* begin = chunk.data();
  const char* p = begin;
  const char* end = begin + chunk.size();
  int64_t line = pos.first_line;
  const size_t max = s.options.max_record_bytes;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    size_t len = static_cast<size_t>(line_end - p);
    if (len > 0 && p[len - 1] == '\r') --len;
    if (len > 0 && !(static_cast<unsigned char>(p[0]) <= ' ' && IsBlank(p, len))) {
      RecordRef r{
          p, len, p + len + simdjson::SIMDJSON_PADDING <= end, line, pos.byte_offset + (p - begin),
          -1};
      if (len > max) {
        s.AddError(&errors, r,
                   fmt::format("record of {} bytes exceeds max_record_bytes {}", len, max));
      } else {
        s.refs.push_back(r);
      }
    }
    ++line;
    p = nl ? nl + 1 : end;
  }
  return s.Decode(std::move(errors));
}

Result<DecodeResult> JsonDecoder::DecodeMessages(const Column& payloads) {
  if (!payloads.type().is_binary_like()) {
    return Status::TypeError("json decoder: the payload column must be binary or string, not {}",
                             payloads.type().ToString());
  }
  Impl& s = *impl_;
  s.messages = true;
  s.refs.clear();
  std::vector<RecordError> errors;
  const size_t max = s.options.max_record_bytes;
  const BufferPtr& data = payloads.buffer(2);
  const char* readable_end = nullptr;
  if (data) {
    readable_end = reinterpret_cast<const char*>(data->data()) + data->size() +
                   (data->padded() ? kBufferPadding : 0);
  }
  for (int64_t i = 0; i < payloads.length(); ++i) {
    RecordRef r{"", 0, false, 1, 0, i};
    if (payloads.IsNull(i)) {
      s.AddError(&errors, r, "null payload");
      continue;
    }
    std::string_view v = payloads.GetView(i);
    r.data = v.data();
    r.size = v.size();
    r.padded =
        readable_end != nullptr && v.data() + v.size() + simdjson::SIMDJSON_PADDING <= readable_end;
    if (IsBlank(v.data(), v.size())) {
      s.AddError(&errors, r, "empty payload");
    } else if (v.size() > max) {
      s.AddError(&errors, r,
                 fmt::format("record of {} bytes exceeds max_record_bytes {}", v.size(), max));
    } else {
      s.refs.push_back(r);
    }
  }
  ARK_ASSIGN_OR_RETURN(DecodeResult result, s.Decode(std::move(errors)));
  if (result.source_index.size() == static_cast<size_t>(payloads.length())) {
    bool identity = true;
    for (size_t i = 0; i < result.source_index.size() && identity; ++i) {
      identity = result.source_index[i] == static_cast<int64_t>(i);
    }
    if (identity) result.source_index.clear();
  }
  return result;
}

Result<DecodeResult> JsonDecoder::Impl::Decode(std::vector<RecordError> errors) {
  DecodeResult result;
  const size_t n = refs.size();
  dom::element doc;
  std::vector<int64_t> bad_rows;

  if (options.schema) {
    // Declared schema: one pass; a record that does not fit is repaired and dropped afterwards.
    PlanDeclared();
    Appender app(/*declared=*/true);
    for (size_t i = 0; i < n; ++i) {
      if (TryTemplate(refs[i])) continue;
      if (!Parse(refs[i], &doc, &errors)) continue;
      int64_t first_row = rows;
      if (AppendDoc(&app, doc, refs[i]) == Fit::kError) {
        AddError(&errors, refs[i], app.TakeError());
        for (int64_t row = first_row; row < rows; ++row) bad_rows.push_back(row);
      }
    }
  } else {
    // Inferred: guess the schema from the first record, and fall back to the general two-pass
    // inference at the first record that does not fit the guess.
    InferNode tree;
    tree.kind = InferKind::kStruct;
    size_t first = n;
    for (size_t i = 0; i < n; ++i) {
      if (!Parse(refs[i], &doc, &errors)) continue;
      first = i;
      break;
    }
    std::vector<uint8_t> bad(n, 0);
    for (size_t i = 0; i < first; ++i) bad[i] = 1;
    size_t fallback = n;
    if (first < n) {
      auto observe = [&](dom::element d) {
        if (d.type() == ElementType::OBJECT) {
          ObserveFields(&tree, AsObject(d), include ? &*include : nullptr);
        } else {
          for (dom::element e : AsArray(d)) {
            ObserveFields(&tree, AsObject(e), include ? &*include : nullptr);
          }
        }
      };
      observe(doc);
      PlanInferred(tree);
      Appender app(/*declared=*/false);
      for (size_t i = first; i < n; ++i) {
        if (i != first) {
          if (TryTemplate(refs[i])) continue;
          if (!Parse(refs[i], &doc, &errors)) {
            bad[i] = 1;
            continue;
          }
        }
        if (AppendDoc(&app, doc, refs[i]) == Fit::kMismatch) {
          fallback = i;
          break;
        }
      }
      if (fallback < n) {
        // General path. `tree` already covers the records before `fallback`.
        for (size_t i = fallback; i < n; ++i) {
          if (i != fallback && !Parse(refs[i], &doc, &errors)) {
            bad[i] = 1;
            continue;
          }
          observe(doc);
        }
        PlanInferred(tree);
        for (size_t i = 0; i < n; ++i) {
          if (bad[i] || TryTemplate(refs[i])) continue;
          if (!Parse(refs[i], &doc, nullptr) || AppendDoc(&app, doc, refs[i]) != Fit::kOk) {
            return Status::Internal("json decoder: record at line {} changed between passes",
                                    refs[i].line);
          }
        }
      }
    }
    if (first == n) PlanInferred(tree);
  }

  result.batch = FinishBatch();
  result.source_index = std::move(source_index);
  if (!bad_rows.empty()) {
    std::vector<int64_t> keep;
    keep.reserve(static_cast<size_t>(result.batch.num_rows()));
    std::vector<int64_t> kept_source;
    size_t b = 0;
    for (int64_t row = 0; row < result.batch.num_rows(); ++row) {
      if (b < bad_rows.size() && bad_rows[b] == row) {
        ++b;
        continue;
      }
      keep.push_back(row);
      if (!result.source_index.empty()) {
        kept_source.push_back(result.source_index[static_cast<size_t>(row)]);
      }
    }
    result.batch = TakeRows(result.batch, keep);
    result.source_index = std::move(kept_source);
  }
  std::stable_sort(errors.begin(), errors.end(), [](const RecordError& a, const RecordError& b) {
    return a.message_index != b.message_index ? a.message_index < b.message_index
                                              : a.byte_offset < b.byte_offset;
  });
  result.errors = std::move(errors);
  // A huge record leaves the parser with a huge allocation; do not keep it around.
  if (parser.capacity() > (size_t{8} << 20)) parser = dom::parser();
  source_index.clear();
  builders.clear();
  return result;
}

}  // namespace ark
