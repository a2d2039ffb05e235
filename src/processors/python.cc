#include "processors/python.h"

namespace ark {

Status PythonProcessor::Process(Batch batch, ProcessOutput* out) {
  ARK_ASSIGN_OR_RETURN(std::vector<Batch> results, function_->Call(batch));
  for (Batch& b : results) out->batches.push_back(std::move(b));
  return Status::OK();
}

void RegisterPythonProcessor(Registry& registry) {
  ConfigSpec spec(
      "Calls a Python function on each batch, in the process (Debian's CPython 3.11 with numpy). "
      "The function gets a dict of column name -> numpy array (numbers without a copy) and "
      "returns a dict of columns (numpy arrays or lists), a list of such dicts, or None; that "
      "replaces the batch. An exception sends the batch to error_output with the traceback.");
  spec.String("script", "Python code defining the function (instead of `module`).");
  spec.String("module",
              "A module to import, found on sys.path and `python_path` (instead of "
              "`script`).");
  spec.String("function", "Name of the function to call, defined by `script` or `module`.")
      .Required();
  spec.StringList("python_path",
                  "Directories put first on sys.path before `module` is imported (relative to "
                  "the working directory).");
  registry.AddProcessor(
      {.name = "python",
       .summary = "Runs a Python function on each batch (numpy arrays in, columns out).",
       .spec = std::move(spec),
       .example = "processors:\n"
                  "  - type: json_to_arrow\n"
                  "  - type: python\n"
                  "    script: |\n"
                  "      def process(batch):\n"
                  "          return {\"id\": batch[\"id\"], \"double\": batch[\"x\"] * 2}\n"
                  "    function: process\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext&) -> Result<std::unique_ptr<Processor>> {
        ml::PythonFunctionOptions options{.script = cfg.GetString("script"),
                                          .module = cfg.GetString("module"),
                                          .function = cfg.GetString("function"),
                                          .python_path = cfg.GetStringList("python_path")};
        Result<std::unique_ptr<ml::PythonFunction>> f = ml::PythonFunction::Load(options);
        if (!f.ok()) return cfg.node().Error(f.status().message());
        return std::unique_ptr<Processor>(std::make_unique<PythonProcessor>(std::move(f).value()));
      });
}

}  // namespace ark
