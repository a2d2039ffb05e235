// The `arkflow` subcommands. Each returns the process exit code: 0 success, 1 the job failed at run
// time, 2 the configuration or the command line is invalid. Errors go to standard error as
// "error: <what and where>".
//
// Thread-safety: called from main() only.
#pragma once

#include <optional>
#include <string>

#include "runtime/registry.h"

namespace ark::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct RunOptions {
  std::string config_path;  // empty: the embedded demo pipeline
  bool validate_only = false;
  bool progress = true;  // progress line on a terminal for file inputs
  bool summary = true;   // one-line summary at the end of a finite job
};

int Run(const Registry& registry, const RunOptions& options);
int Validate(const Registry& registry, const std::string& config_path);
int ListComponents(const Registry& registry, const std::optional<std::string>& kind);
int ShowComponent(const Registry& registry, const std::string& kind, const std::string& name);
int PrintSchema(const Registry& registry);
// Writes the component reference (one markdown file per kind plus the top-level config) into `dir`.
int GenerateDocs(const Registry& registry, const std::string& dir);

// The demo pipeline `make run` runs, embedded from examples/demo.yaml at build time.
std::string_view DemoConfig();

}  // namespace ark::cli
