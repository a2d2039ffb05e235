#include "codec/codec.h"

#include <fmt/format.h>

#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {

Batch MakeErrorBatch(std::span<const RecordError> errors, std::string_view component) {
  BinaryBuilder value;
  StringBuilder error;
  StringBuilder who;
  const auto n = static_cast<int64_t>(errors.size());
  value.Reserve(n);
  error.Reserve(n);
  who.Reserve(n);
  std::string text;
  for (const RecordError& e : errors) {
    value.Append(e.raw);
    text.clear();
    fmt::format_to(std::back_inserter(text), "line {}, byte {}: {}", e.line, e.byte_offset,
                   e.message);
    error.Append(text);
    who.Append(component);
  }
  std::vector<Field> fields = {Field(std::string(kValueColumn), DataType::Binary()),
                               Field(std::string(kErrorColumn), DataType::String()),
                               Field(std::string(kErrorComponentColumn), DataType::String())};
  return Batch(Schema::Make(std::move(fields)), {value.Finish(), error.Finish(), who.Finish()}, n);
}

}  // namespace ark
