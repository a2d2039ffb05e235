#include "sql/operators/limit.h"

#include <algorithm>

namespace ark::sql {

LimitOperator::LimitOperator(std::optional<int64_t> limit, int64_t offset, SchemaPtr schema)
    : Operator(std::move(schema)), limit_(limit), offset_(offset) {}

Status LimitOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)port;
  int64_t start = 0;
  if (skipped_ < offset_) {
    start = std::min(offset_ - skipped_, batch.num_rows());
    skipped_ += start;
  }
  int64_t n = batch.num_rows() - start;
  if (limit_) n = std::min(n, *limit_ - emitted_);
  if (n <= 0) return Status::OK();
  emitted_ += n;
  Batch slice = start == 0 && n == batch.num_rows() ? batch : batch.Slice(start, n);
  out->push_back(Batch(output_schema_, slice.columns(), slice.num_rows()));
  return Status::OK();
}

Status LimitOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  (void)out;
  return Status::OK();
}

void LimitOperator::Reset() {
  skipped_ = 0;
  emitted_ = 0;
}

std::string LimitOperator::Explain() const {
  std::string s = "Limit " + (limit_ ? std::to_string(*limit_) : std::string("ALL"));
  if (offset_ != 0) s += " OFFSET " + std::to_string(offset_);
  return s;
}

}  // namespace ark::sql
