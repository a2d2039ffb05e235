// Schema: the ordered fields of a Batch, with lookup by name.
//
// Schemas are immutable and shared between batches through SchemaPtr.
// Thread-safety: immutable; share freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "base/status.h"
#include "core/types.h"

namespace ark {

class Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields);

  static SchemaPtr Make(std::vector<Field> fields) {
    return std::make_shared<const Schema>(std::move(fields));
  }

  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[i]; }
  const std::vector<Field>& fields() const { return fields_; }

  // Index of the first field called `name`, or -1.
  int IndexOf(std::string_view name) const;
  // The field names, in order.
  std::vector<std::string> names() const;

  // Index of `name`, or NotFound with a "did you mean" suggestion.
  Result<int> FindField(std::string_view name) const;

  // "a: int64, b: string"
  std::string ToString() const;

  bool Equals(const Schema& other) const { return fields_ == other.fields_; }

 private:
  std::vector<Field> fields_;
  absl::flat_hash_map<std::string, int> index_;
};

}  // namespace ark
