// Error rows: how the runtime marks a batch that goes to error_output (DESIGN §3 "Delivery") — the
// original rows plus an `__error__` string column with the reason and an `__error_component`
// string column naming who rejected them ("processor[1] json_to_arrow", "output").
//
//   Batch rejected = AttachError(batch, status.message(), "processor[0] sql");
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/batch.h"

namespace ark {

// `batch` with `__error__` = `message` and `__error_component` = `component` on every row
// (replacing columns of those names when present).
Batch AttachError(const Batch& batch, std::string_view message, std::string_view component);

// `batch` with `__error_component` = `component` on every row unless it already has that column
// (error rows a processor built itself may name their component or leave it to the runtime).
Batch EnsureErrorComponent(const Batch& batch, std::string_view component);

// For logs: "<component>: <reason>" of an error batch's first row (or a placeholder when the
// columns are missing).
std::string DescribeErrorRows(const Batch& batch);

}  // namespace ark
