// Comparison kernels shared by the comparison operators (= <> < <= > >=), the evaluator's
// IS [NOT] DISTINCT FROM and IN lists, and functions that compare values (greatest, least,
// list_contains).
//
// Every type compares: numbers, strings and binary (byte order), bool (false < true), dates,
// timestamps, intervals (as spans with 30-day months, so '1 day' = '24 hours' like PostgreSQL),
// lists and structs (lexicographic; inside them NULL sorts after every value and equals NULL).
// Floats follow PostgreSQL: NaN equals NaN and is greater than every other value.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "core/column.h"
#include "sql/expr/datum.h"

namespace ark::sql {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// a op b for every row, as a bool Datum (NULL where either side is NULL). REQUIRES: a and b have
// the same type.
Result<Datum> CompareDatums(CompareOp op, const Datum& a, const Datum& b, int64_t rows);

// Three-way comparison of value i of `a` and value j of `b` (same type), NULL greatest. For nested
// values and the slow paths.
int CompareValues(const Column& a, int64_t i, const Column& b, int64_t j);

}  // namespace ark::sql
