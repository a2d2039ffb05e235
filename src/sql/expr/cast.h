// Casts and coercion rules (PostgreSQL's where SQL is concerned, DESIGN §2).
//
// Implicit coercions the binder may insert (an int32 column compared with an int64 literal, int
// with float, string literal with timestamp, NULL with anything) and explicit CAST/::/TRY_CAST
// conversions between every pair of types where one makes sense. A cast that fails on a value is an
// error naming the value and the types ("invalid input syntax for type int64: \"12x\"") — or NULL
// for TRY_CAST.
//
// Conversions (implemented in cast.cc, text forms shared with Value::ToString):
//   numbers     widening is exact; narrowing checks the range ("int32 out of range"); float →
//               integer rounds to the nearest integer, ties to even (PostgreSQL's float → int,
//               rint: 2.5 → 2, 3.5 → 4). numeric and decimal map to float64 here (there is no
//               exact decimal type), so 2.5::int is 2 where PostgreSQL's numeric gives 3
//   bool ↔ int  true = 1; any non-zero integer is true
//   text → x    PostgreSQL input syntax: surrounding spaces, 't'/'yes'/'on', 'NaN', 'Infinity',
//               timestamps with 'T' or ' ' and an optional zone, dates, intervals
//               ('1 day 02:00:00', '5 seconds', 'PT5S'), arrays '{1,2}' or '[1, 2]', records
//               '(1,x)'
//   x → text    PostgreSQL output syntax: 0.1, 1e+20, Infinity, 2024-05-01 12:00:00.5,
//               1 day 02:00:00, {1,2,NULL}, (1,"a b")
//   binary ↔ text  the same bytes; binary → text checks UTF-8
//   timestamp ↔ date  midnight / the day (floor); lists and structs convert element-wise
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "base/status.h"
#include "core/types.h"
#include "sql/ast.h"
#include "sql/expr/datum.h"

namespace ark::sql {

// The type two operands are both coerced to (comparison, arithmetic, CASE branches, UNION
// columns, IN lists, COALESCE): numeric widening int32 < int64 < float32 < float64, NULL with
// anything, string literals with the other side's type (`literal_a`/`literal_b`: the operand is an
// untyped string literal), date with timestamp → timestamp, list<T> elementwise. nullopt when there
// is none ("cannot compare string with int64").
std::optional<DataType> CommonSuperType(const DataType& a, const DataType& b,
                                        bool literal_a = false, bool literal_b = false);

// True when `from` may be converted to `to` without an explicit CAST (assignment/argument context).
bool CanImplicitlyCast(const DataType& from, const DataType& to);
// True when CAST(from AS to) exists at all.
bool CanCast(const DataType& from, const DataType& to);

// Casts a column or scalar. `try_cast`: values that do not convert become NULL.
Result<Datum> CastDatum(const Datum& input, const DataType& to, bool try_cast, int64_t rows);

// CAST of one value (constant folding, literals): a thin wrapper over CastDatum.
Result<Value> CastValue(const Value& value, const DataType& to, bool try_cast = false);

// Converts an SQL type name (`TypeName` from the AST: int, bigint, double precision, varchar(10),
// timestamp with time zone, int[] ...) into an engine type, or explains why not.
Result<DataType> ResolveTypeName(const TypeName& name);

}  // namespace ark::sql
