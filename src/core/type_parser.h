// ParseDataType: turns a type name written by a person (config `schema:` options, CAST targets)
// into a DataType.
//
// Accepted spellings, case-insensitive:
//   our names (TypeIdName):  null bool int32 int64 float32 float64 string binary timestamp date
//                            interval, list<T>, struct<name: T, ...>
//   PostgreSQL and common aliases:
//     boolean                                  → bool
//     int, integer, int4, smallint, int2, tinyint → int32 (there is no 8/16-bit type)
//     bigint, int8, long                       → int64 (int8 is PostgreSQL's 8-byte integer)
//     real, float4                             → float32
//     double, double precision, float, float8  → float64 (PostgreSQL's float is 8 bytes)
//     text, varchar, varchar(n), char(n), character varying, utf8 → string
//     bytea, blob, bytes                       → binary
//     timestamptz, timestamp with(out) time zone, timestamp(p), datetime → timestamp (µs, UTC)
//     array<T> and T[]                         → list<T>
//   struct fields: `struct<a: int64, b: string>`; the colon is optional (`struct<a int64>`), and a
//   field name may be double-quoted or back-quoted to hold any character.
//
//   ARK_ASSIGN_OR_RETURN(DataType t, ParseDataType("struct<city: string, zip: int32>"));
//
// Errors are ParseError and say where the text stopped making sense:
//   invalid type "list<strin>": unknown type name "strin" at position 6 (did you mean "string"?)
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

#include "base/status.h"
#include "core/types.h"

namespace ark {

Result<DataType> ParseDataType(std::string_view text);

}  // namespace ark
