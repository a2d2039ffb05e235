// EngineConfig: the ArkFlow top-level configuration — logging, health_check, metrics, models[]
// (machine-learning models loaded once per process, src/ml), udfs[] (Python functions callable
// from SQL, src/ml/python/python_udf.h) and streams[] (input, buffer,
// pipeline.thread_num, pipeline.processors, output, error_output).
//
// Component sections are kept as raw ConfigValue nodes here: the runtime's registry validates each
// against its component's ConfigSpec when it builds the component (it knows the specs; this module
// does not depend on the runtime). Everything else is validated by ParseEngineConfig.
//
// Thread-safety: plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/status.h"
#include "config/config_spec.h"
#include "config/config_value.h"

namespace ark {

struct StreamConfig {
  std::string id;  // `id`, or "stream-<index>"
  int index = 0;
  ConfigValue input;
  std::optional<ConfigValue> buffer;
  int thread_num = 1;
  std::vector<ConfigValue> processors;
  ConfigValue output;
  std::optional<ConfigValue> error_output;
  ConfigValue node;  // the whole stream entry
};

struct HealthCheckConfig {
  bool enabled = true;
  std::string address = "127.0.0.1:8080";
  std::string health_path = "/health";
  std::string readiness_path = "/readiness";
  std::string liveness_path = "/liveness";
};

struct MetricsConfig {
  bool enabled = true;
  std::string path = "/metrics";  // served by the health_check server
};

// One entry of `models:`; src/ml loads it (the backend checks the file, this module only the
// shape of the entry).
struct ModelConfig {
  std::string name;
  std::string backend;  // "onnx", "torchscript" or "xgboost"
  std::string path;
  std::string input;                 // ONNX graph input to feed; empty: the first
  int64_t features = 0;              // features per row; 0: not declared
  std::vector<std::string> outputs;  // output names (see docs/components/model.md)
  int threads = 1;
  ConfigValue node;  // the entry, for error positions
};

// One entry of `udfs:`: a vectorized Python function callable from SQL; src/ml/python loads it
// (the interpreter checks the code, this module the shape of the entry).
struct UdfConfig {
  std::string name;      // the SQL name, lower case
  std::string script;    // inline code; or
  std::string module;    // a module to import
  std::string function;  // the function's name in the script or module; default: `name` as written
  std::vector<std::string> python_path;
  std::string return_type;  // a SQL type name, parsed by the loader
  ConfigValue node;         // the entry, for error positions
};

struct EngineConfig {
  LoggingOptions logging;
  HealthCheckConfig health_check;
  MetricsConfig metrics;
  std::vector<ModelConfig> models;
  std::vector<UdfConfig> udfs;
  std::vector<StreamConfig> streams;
  std::string file;  // where it was loaded from
};

// The spec of the top level (component sections typed as kComponent), for validation, the JSON
// Schema and the docs.
const ConfigSpec& EngineConfigSpec();

Result<EngineConfig> ParseEngineConfig(const ConfigValue& root);

}  // namespace ark
