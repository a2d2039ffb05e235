#include "sql/streaming/lookup_join.h"

#include <utility>

namespace ark::sql {

LookupJoinOperator::LookupJoinOperator(MakeJoin make, std::string explain)
    : make_(std::move(make)), explain_(std::move(explain)) {}

void LookupJoinOperator::ResetLookup() {
  lookup_.clear();
  join_.reset();
}

Status LookupJoinOperator::Push(int port, const Delta& delta, std::vector<Delta>* out,
                                std::vector<LateRows>* late) {
  (void)late;
  if (port == 1) {
    lookup_.push_back(delta.batch);
    join_.reset();
    return Status::OK();
  }
  if (join_ == nullptr) {
    ARK_ASSIGN_OR_RETURN(join_, make_());
    std::vector<Batch> none;
    for (const Batch& b : lookup_) ARK_RETURN_IF_ERROR(join_->Push(1, b, &none));
    ARK_RETURN_IF_ERROR(join_->Finish(1, &none));
  }
  std::vector<Batch> joined;
  ARK_RETURN_IF_ERROR(join_->Push(0, delta.batch, &joined));
  for (Batch& b : joined) {
    if (b.num_rows() > 0) out->push_back({std::move(b), delta.kind});
  }
  return Status::OK();
}

OperatorState LookupJoinOperator::State() const {
  OperatorState s{explain_, 0, 0};
  for (const Batch& b : lookup_) {
    s.keys += b.num_rows();
    s.bytes += static_cast<int64_t>(b.ByteSize());
  }
  if (join_) s.bytes += static_cast<int64_t>(join_->StateBytes());
  return s;
}

}  // namespace ark::sql
