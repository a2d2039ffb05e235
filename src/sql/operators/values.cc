#include "sql/operators/values.h"

#include <algorithm>

#include "base/strings.h"
#include "sql/expr/evaluator.h"

namespace ark::sql {

ValuesOperator::ValuesOperator(std::vector<std::vector<BoundExprPtr>> rows, SchemaPtr schema,
                               const KernelContext* ctx)
    : Operator(std::move(schema)), rows_(std::move(rows)), ctx_(ctx) {
  bool all_constant = true;
  for (const auto& row : rows_) {
    for (const auto& e : row) all_constant &= e->kind == BoundExprKind::kConstant;
  }
  if (all_constant) {
    Result<Batch> b = Evaluate();
    if (b.ok()) constant_ = std::move(b).value();
  }
}

ValuesOperator::ValuesOperator(Batch rows) : Operator(rows.schema()), constant_(std::move(rows)) {}

Result<Batch> ValuesOperator::Evaluate() const {
  int64_t n = static_cast<int64_t>(rows_.size());
  int width = output_schema_->num_fields();
  if (width == 0) return Batch(output_schema_, {}, n);
  static const SchemaPtr kNoColumns = Schema::Make({});
  Batch one_row(kNoColumns, {}, 1);
  ExpressionEvaluator eval(ctx_ ? *ctx_ : KernelContext{});
  std::vector<ColumnPtr> columns;
  for (int c = 0; c < width; ++c) {
    const DataType& type = output_schema_->field(c).type;
    std::unique_ptr<ColumnBuilder> builder = MakeBuilder(type);
    builder->Reserve(n);
    for (const auto& row : rows_) {
      const BoundExpr& e = *row[static_cast<size_t>(c)];
      Value v;
      if (e.kind == BoundExprKind::kConstant) {
        v = e.constant;
      } else {
        ARK_ASSIGN_OR_RETURN(Datum d, eval.Evaluate(e, one_row));
        v = d.is_scalar() ? d.scalar() : Value::FromColumn(*d.column(), 0);
      }
      if (v.is_null()) {
        builder->AppendNull();
      } else if (v.type() != type) {
        return Status::Internal("VALUES column {} holds a {} value, expected {}", c + 1,
                                v.type().ToString(), type.ToString());
      } else {
        v.AppendTo(*builder);
      }
    }
    columns.push_back(builder->Finish());
  }
  return Batch(output_schema_, std::move(columns), n);
}

Status ValuesOperator::Push(int port, const Batch& batch, std::vector<Batch>* out) {
  (void)batch;
  (void)out;
  return Status::Internal("VALUES has no input, but a batch arrived on port {}", port);
}

Status ValuesOperator::Finish(int port, std::vector<Batch>* out) {
  (void)port;
  Batch rows;
  if (constant_) {
    rows = *constant_;
  } else {
    ARK_ASSIGN_OR_RETURN(rows, Evaluate());
  }
  if (rows.num_rows() == 0) return Status::OK();
  for (int64_t start = 0; start < rows.num_rows(); start += kValuesBatchRows) {
    int64_t len = std::min(kValuesBatchRows, rows.num_rows() - start);
    out->push_back(start == 0 && len == rows.num_rows() ? rows : rows.Slice(start, len));
  }
  return Status::OK();
}

std::string ValuesOperator::Explain() const {
  int64_t n = constant_ ? constant_->num_rows() : static_cast<int64_t>(rows_.size());
  std::vector<std::string> names = output_schema_->names();
  return "Values rows=" + std::to_string(n) + " [" + JoinStrings(names, ", ") + "]";
}

}  // namespace ark::sql
