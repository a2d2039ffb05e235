#include "sql/streaming/state_encoding.h"

#include "core/arrow_ipc.h"

namespace ark::sql {
namespace {

void PutBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t ReadBigEndian(std::string_view b, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
  return v;
}

}  // namespace

StateKeyCodec::StateKeyCodec(std::vector<DataType> key_types) : encoder_(std::move(key_types)) {}

Status StateKeyCodec::Encode(std::span<const ColumnPtr> keys, int64_t rows,
                             std::vector<std::string>* out) {
  if (rows == 0) return Status::OK();
  ARK_ASSIGN_OR_RETURN(NormalizedKeys k, encoder_.Encode(keys, rows, /*with_hashes=*/false));
  for (int64_t r = 0; r < rows; ++r) {
    std::string& o = (*out)[static_cast<size_t>(r)];
    const uint16_t mask = k.null_masks != nullptr ? k.null_masks[r] : 0;
    switch (k.layout) {
      case KeyLayout::kFixed64:
        PutBigEndian(&o, mask, 2);
        PutBigEndian(&o, k.fixed64[r], 8);
        break;
      case KeyLayout::kFixed128:
        PutBigEndian(&o, mask, 2);
        PutBigEndian(&o, k.fixed128[r].hi, 8);
        PutBigEndian(&o, k.fixed128[r].lo, 8);
        break;
      case KeyLayout::kBytes:
        PutBigEndian(&o, mask, 2);
        o.append(k.bytes[r]);
        break;
      case KeyLayout::kVariable:
        o.append(k.bytes[r]);
        break;
    }
  }
  return Status::OK();
}

Result<std::vector<ColumnPtr>> StateKeyCodec::Decode(std::span<const std::string_view> keys) const {
  std::vector<std::unique_ptr<ColumnBuilder>> owned;
  std::vector<ColumnBuilder*> builders;
  for (const DataType& t : encoder_.key_types()) {
    owned.push_back(MakeBuilder(t));
    owned.back()->Reserve(static_cast<int64_t>(keys.size()));
    builders.push_back(owned.back().get());
  }
  const KeyLayout layout = encoder_.layout();
  for (std::string_view key : keys) {
    const size_t want = layout == KeyLayout::kFixed64    ? 10
                        : layout == KeyLayout::kFixed128 ? 18
                        : layout == KeyLayout::kBytes    ? 2
                                                         : 0;
    const bool exact = layout == KeyLayout::kFixed64 || layout == KeyLayout::kFixed128;
    if (exact ? key.size() != want : key.size() < want) {
      return Status::InvalidArgument("a saved key of {} bytes does not fit the key types",
                                     key.size());
    }
    switch (layout) {
      case KeyLayout::kFixed64:
        encoder_.DecodeFixed64(ReadBigEndian(key.substr(2), 8),
                               static_cast<uint16_t>(ReadBigEndian(key, 2)), builders);
        break;
      case KeyLayout::kFixed128: {
        Key128 w;
        w.hi = ReadBigEndian(key.substr(2), 8);
        w.lo = ReadBigEndian(key.substr(10), 8);
        encoder_.DecodeFixed128(w, static_cast<uint16_t>(ReadBigEndian(key, 2)), builders);
        break;
      }
      case KeyLayout::kBytes:
        encoder_.DecodeBytes(key.substr(2), static_cast<uint16_t>(ReadBigEndian(key, 2)), builders);
        break;
      case KeyLayout::kVariable:
        encoder_.DecodeBytes(key, 0, builders);
        break;
    }
  }
  std::vector<ColumnPtr> cols;
  for (auto& b : owned) cols.push_back(b->Finish());
  return cols;
}

Result<std::string> EncodeBatches(std::span<const Batch> batches) {
  std::string out;
  if (batches.empty()) return out;
  IpcStreamWriter writer(&out);
  for (const Batch& b : batches) ARK_RETURN_IF_ERROR(writer.Write(b));
  ARK_RETURN_IF_ERROR(writer.Finish());
  return out;
}

Result<std::vector<Batch>> DecodeBatches(std::string_view bytes, std::string_view what) {
  if (bytes.empty()) return std::vector<Batch>();
  Result<std::vector<Batch>> r = ReadIpcStream(bytes);
  if (!r.ok()) {
    return Status::InvalidArgument("{}: saved rows do not decode: {}", what, r.status().message());
  }
  return r;
}

std::string StateContext(const state::StateTable& table) {
  return fmt::format("operator {} ({})", table.operator_id(), table.description());
}

}  // namespace ark::sql
