#include "sql/operators/top_n.h"

#include <algorithm>
#include <limits>

#include "sql/operators/gather.h"
#include "sql/operators/join_util.h"
#include "sql/operators/key_columns.h"

namespace ark::sql {
namespace {

std::vector<SortKeyEncoder::Key> EncoderKeys(const std::vector<SortKey>& keys) {
  std::vector<SortKeyEncoder::Key> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back({k.expr->type, k.descending, k.nulls_first, true});
  return out;
}

}  // namespace

TopNOperator::TopNOperator(std::vector<SortKey> keys, int64_t limit, int64_t offset,
                           SchemaPtr schema, const KernelContext* ctx)
    : Operator(std::move(schema)),
      keys_(std::move(keys)),
      limit_(std::max<int64_t>(limit, 0)),
      offset_(std::max<int64_t>(offset, 0)),
      capacity_(limit_ > std::numeric_limits<int64_t>::max() - offset_
                    ? std::numeric_limits<int64_t>::max()
                    : limit_ + offset_),
      encoder_(EncoderKeys(keys_)),
      ctx_(ctx) {
  if (!keys_.empty()) {
    const TypeId id = keys_[0].expr->type.id();
    prefilter_ = id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDate ||
                 id == TypeId::kTimestamp;
  }
}

bool TopNOperator::Prefilter(const Column& first, int64_t n) {
  if (!prefilter_ || static_cast<int64_t>(heap_.size()) < capacity_ || heap_.empty()) {
    return false;
  }
  const Entry& worst = heap_.front();
  if (worst.first_null) return false;
  const int64_t bound = worst.first;
  const bool desc = keys_[0].descending;
  const bool keep_nulls = keys_[0].nulls_first;  // NULL first: a NULL may beat the worst row
  cand_rows_.resize(static_cast<size_t>(n));
  int64_t* out = cand_rows_.data();
  int64_t m = 0;
  // A row whose first key equals the bound may still win on later keys: it stays a candidate.
  auto run = [&](const auto* v) {
    if (first.null_count() == 0) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t x = static_cast<int64_t>(v[i]);
        out[m] = i;
        m += (desc ? x >= bound : x <= bound) ? 1 : 0;
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t x = static_cast<int64_t>(v[i]);
      const bool keep = first.IsValid(i) ? (desc ? x >= bound : x <= bound) : keep_nulls;
      out[m] = i;
      m += keep ? 1 : 0;
    }
  };
  if (first.type().byte_width() == 4) {
    run(first.data<int32_t>());
  } else {
    run(first.data<int64_t>());
  }
  cand_rows_.resize(static_cast<size_t>(m));
  return true;
}

bool TopNOperator::Less(const Entry& a, const Entry& b) const {
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  const EncodedKeys& ka = KeysOf(a);
  const EncodedKeys& kb = KeysOf(b);
  int c = CompareSortKeyTails(ka.key(a.row), ka.size(a.row), kb.key(b.row), kb.size(b.row));
  if (c != 0) return c < 0;
  return a.seq < b.seq;
}

Status TopNOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)out;
  if (port != 0) return Status::Internal("TopN has one input, got a batch on port {}", port);
  const int64_t n = batch.num_rows();
  if (n == 0 || limit_ == 0) return Status::OK();
  if (n > static_cast<int64_t>(UINT32_MAX)) {
    return Status::ResourceExhausted("TopN: a batch of {} rows is too large", n);
  }
  ARK_RETURN_IF_ERROR(CheckInputColumns("TopN", batch, *output_schema_));
  if (ctx_ != nullptr) eval_.context() = *ctx_;
  std::vector<ColumnPtr> cols;
  cols.reserve(keys_.size());
  for (const auto& k : keys_) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, EvaluateKeyColumn(eval_, *k.expr, batch));
    if (c->type() != k.expr->type) {
      return Status::Internal("TopN key {} evaluated to {}, expected {}", cols.size(),
                              c->type().ToString(), k.expr->type.ToString());
    }
    cols.push_back(std::move(c));
  }
  // Candidates: every row, or (heap full, integer first key) the rows whose first key does not
  // sort after the worst kept row — gathered, so that only they are encoded.
  filtered_ = Prefilter(*cols[0], n);
  int64_t m = n;
  if (filtered_) {
    m = static_cast<int64_t>(cand_rows_.size());
    if (m == 0) {
      seq_ += static_cast<uint64_t>(n);
      return Status::OK();
    }
    for (ColumnPtr& c : cols) {
      ARK_ASSIGN_OR_RETURN(c, GatherColumn(*c, cand_rows_));
    }
  }
  auto batch_row = [&](int64_t j) { return filtered_ ? cand_rows_[static_cast<size_t>(j)] : j; };
  const Column& first = *cols[0];
  const int32_t* first32 =
      prefilter_ && first.type().byte_width() == 4 ? first.data<int32_t>() : nullptr;
  const int64_t* first64 =
      prefilter_ && first.type().byte_width() == 8 ? first.data<int64_t>() : nullptr;
  auto make_entry = [&](int64_t j, uint64_t prefix) {
    Entry e{prefix,
            seq_ + static_cast<uint64_t>(batch_row(j)),
            kPendingChunk,
            static_cast<uint32_t>(j),
            0,
            false};
    if (prefilter_) {
      e.first_null = first.IsNull(j);
      e.first = first32 ? first32[j] : first64[j];
    }
    return e;
  };
  batch_keys_.Clear();
  encoder_.Encode(cols, m, &batch_keys_);

  auto less = [this](const Entry& a, const Entry& b) { return Less(a, b); };
  bool any_kept = false;
  int64_t r = 0;
  // Fill the heap up to its capacity.
  for (; r < m && static_cast<int64_t>(heap_.size()) < capacity_; ++r) {
    heap_.push_back(make_entry(r, SortKeyPrefix(batch_keys_.key(r), batch_keys_.size(r))));
    std::push_heap(heap_.begin(), heap_.end(), less);
    any_kept = true;
  }
  // Then replace the worst kept row by every row that sorts strictly before it (a later row with
  // an equal key sorts after it: stability).
  uint64_t worst = heap_.empty() ? 0 : heap_.front().prefix;
  for (; r < m; ++r) {
    uint64_t prefix = SortKeyPrefix(batch_keys_.key(r), batch_keys_.size(r));
    if (prefix > worst) continue;
    Entry e = make_entry(r, prefix);
    if (!Less(e, heap_.front())) continue;
    std::pop_heap(heap_.begin(), heap_.end(), less);
    heap_.back() = e;
    std::push_heap(heap_.begin(), heap_.end(), less);
    worst = heap_.front().prefix;
    any_kept = true;
  }
  seq_ += static_cast<uint64_t>(n);
  if (any_kept) ARK_RETURN_IF_ERROR(Retain(batch));
  return Status::OK();
}

Status TopNOperator::Retain(const Batch& batch) {
  std::vector<int64_t> rows;
  for (const Entry& e : heap_) {
    if (e.chunk == kPendingChunk) rows.push_back(e.row);
  }
  if (rows.empty()) return Status::OK();
  std::sort(rows.begin(), rows.end());
  const uint32_t chunk = static_cast<uint32_t>(chunks_.size());
  EncodedKeys keys;
  for (Entry& e : heap_) {
    if (e.chunk != kPendingChunk) continue;
    // Position of the row in the retained chunk.
    uint32_t pos =
        static_cast<uint32_t>(std::lower_bound(rows.begin(), rows.end(), e.row) - rows.begin());
    e.row = pos;
    e.chunk = chunk;
  }
  for (int64_t r : rows) {
    const uint8_t* k = batch_keys_.key(r);
    keys.bytes.insert(keys.bytes.end(), k, k + batch_keys_.size(r));
    keys.offsets.push_back(keys.bytes.size());
  }
  // `rows` are candidate positions; the batch rows differ when the batch was filtered.
  std::vector<int64_t> source_rows = rows;
  if (filtered_) {
    for (int64_t& r : source_rows) r = cand_rows_[static_cast<size_t>(r)];
  }
  ARK_ASSIGN_OR_RETURN(Batch kept, GatherBatch(batch, source_rows, output_schema_));
  chunks_.push_back(std::move(kept));
  chunk_keys_.push_back(std::move(keys));
  retained_rows_ += static_cast<int64_t>(rows.size());
  if (retained_rows_ > 2 * static_cast<int64_t>(heap_.size()) + 1024) {
    ARK_RETURN_IF_ERROR(Compact());
  }
  return Status::OK();
}

Status TopNOperator::Compact() {
  std::vector<ChunkRow> rows;
  rows.reserve(heap_.size());
  EncodedKeys keys;
  for (Entry& e : heap_) {
    rows.push_back({e.chunk, e.row});
    const EncodedKeys& src = chunk_keys_[e.chunk];
    keys.bytes.insert(keys.bytes.end(), src.key(e.row), src.key(e.row) + src.size(e.row));
    keys.offsets.push_back(keys.bytes.size());
  }
  ARK_ASSIGN_OR_RETURN(Batch kept, GatherBatchChunks(chunks_, rows, output_schema_));
  for (size_t i = 0; i < heap_.size(); ++i) {
    heap_[i].chunk = 0;
    heap_[i].row = static_cast<uint32_t>(i);
  }
  chunks_.clear();
  chunk_keys_.clear();
  chunks_.push_back(std::move(kept));
  chunk_keys_.push_back(std::move(keys));
  retained_rows_ = static_cast<int64_t>(heap_.size());
  return Status::OK();
}

Status TopNOperator::Finish(int port, std::vector<Batch>* out) {
  if (port != 0) return Status::Internal("TopN has one input, got Finish on port {}", port);
  std::sort(heap_.begin(), heap_.end(),
            [this](const Entry& a, const Entry& b) { return Less(a, b); });
  const int64_t total = static_cast<int64_t>(heap_.size());
  std::vector<ChunkRow> rows;
  for (int64_t start = offset_; start < total; start += kOutputBatchRows) {
    int64_t end = std::min<int64_t>(total, start + kOutputBatchRows);
    rows.clear();
    for (int64_t i = start; i < end; ++i) rows.push_back({heap_[i].chunk, heap_[i].row});
    ARK_ASSIGN_OR_RETURN(Batch b, GatherBatchChunks(chunks_, rows, output_schema_));
    out->push_back(std::move(b));
  }
  Reset();
  return Status::OK();
}

void TopNOperator::Reset() {
  heap_.clear();
  batch_keys_.Clear();
  cand_rows_.clear();
  filtered_ = false;
  chunks_.clear();
  chunk_keys_.clear();
  retained_rows_ = 0;
  seq_ = 0;
}

std::string TopNOperator::Explain() const {
  std::string s = "TopN keys=[" + SortKeysToString(keys_, *output_schema_) +
                  "] limit=" + std::to_string(limit_);
  if (offset_ > 0) s += " offset=" + std::to_string(offset_);
  return s;
}

size_t TopNOperator::StateBytes() const {
  size_t bytes = heap_.capacity() * sizeof(Entry) + batch_keys_.bytes.capacity();
  for (const auto& c : chunks_) bytes += c.ByteSize();
  for (const auto& k : chunk_keys_) bytes += k.bytes.capacity() + k.offsets.capacity() * 8;
  return bytes;
}

}  // namespace ark::sql
