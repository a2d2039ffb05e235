// Casts and coercion rules (PostgreSQL's where SQL is concerned, DESIGN §2).
//
// Implicit coercions the binder may insert (an int32 column compared with an int64 literal, int
// with float, string literal with timestamp, NULL with anything) and explicit CAST/::/TRY_CAST
// conversions between every pair of types where one makes sense. A cast that fails on a value is an
// error naming the value and the types ("invalid input syntax for type int64: \"12x\"") — or NULL
// for TRY_CAST.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "base/status.h"
#include "core/types.h"
#include "sql/expr/datum.h"

namespace ark::sql {

// The type two operands are both coerced to (comparison, arithmetic, CASE branches, UNION
// columns, IN lists, COALESCE): numeric widening int32 < int64 < float32 < float64, NULL with
// anything, string literals with the other side's type (`literal_a`/`literal_b`: the operand is an
// untyped string literal), date with timestamp → timestamp, list<T> elementwise. nullopt when there
// is none ("cannot compare string with int64").
std::optional<DataType> CommonSuperType(const DataType& a, const DataType& b, bool literal_a = false,
                                        bool literal_b = false);

// True when `from` may be converted to `to` without an explicit CAST (assignment/argument context).
bool CanImplicitlyCast(const DataType& from, const DataType& to);
// True when CAST(from AS to) exists at all.
bool CanCast(const DataType& from, const DataType& to);

// Casts a column or scalar. `try_cast`: values that do not convert become NULL.
Result<Datum> CastDatum(const Datum& input, const DataType& to, bool try_cast, int64_t rows);

// Converts an SQL type name (`TypeName` from the AST: int, bigint, double precision, varchar(10),
// timestamp with time zone, int[] ...) into an engine type, or explains why not.
Result<DataType> ResolveTypeName(const TypeName& name);

}  // namespace ark::sql
