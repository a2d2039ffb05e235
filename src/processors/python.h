// `python` processor: calls a Python function on each batch, inside the process (DESIGN §6;
// ArkFlow's options).
//
//   - type: python
//     script: |                 # inline code; or `module: my_module` (found on python_path)
//       def process(batch):     # batch: dict of column name -> numpy array
//           return {"id": batch["id"], "double": batch["x"] * 2}
//     function: process
//     python_path: [./udfs]     # prepended to sys.path
//
// The function gets the batch as a dict of numpy arrays (numeric columns are zero-copy read-only
// views) and returns a dict of columns, a list of dicts, or None; ml/python/python_function.h has
// the conversions. What it returns replaces the batch. An exception sends the batch to
// error_output with the Python traceback in `__error__`; the stream goes on. A syntax error in
// `script` or an import error of `module` refuses the config at start-up.
//
// Thread-safety: stateless; Process() runs on several workers, but each call holds the GIL, so the
// Python calls of every python processor in the process run one at a time (thread_num only
// overlaps the rest of the pipeline with them).
#pragma once

#include <memory>

#include "ml/python/python_function.h"
#include "runtime/processor.h"
#include "runtime/registry.h"

namespace ark {

class PythonProcessor final : public Processor {
 public:
  explicit PythonProcessor(std::unique_ptr<ml::PythonFunction> function)
      : function_(std::move(function)) {}

  Status Process(Batch batch, ProcessOutput* out) override;

 private:
  std::unique_ptr<ml::PythonFunction> function_;
};

void RegisterPythonProcessor(Registry& registry);

}  // namespace ark
