#include "config/engine_config.h"

#include <map>

#include <fmt/format.h>

#include "base/strings.h"

namespace ark {
namespace {

ConfigSpec BuildEngineConfigSpec() {
  ConfigSpec logging("Where and how the engine logs.");
  logging.String("level", "Least severe level that is logged.")
      .Default("info")
      .OneOf({"trace", "debug", "info", "warn", "error", "off"});
  logging
      .String("format",
              "plain: one human-readable line per message; json: one JSON object per "
              "line.")
      .Default("plain")
      .OneOf({"plain", "json"});
  logging.String("file_path", "Append the log to this file instead of standard error.");

  ConfigSpec health("The HTTP server for health probes (and metrics).");
  health.Bool("enabled", "Serve the health endpoints.").Default("true");
  health.String("address", "host:port to listen on.").Default("127.0.0.1:8080");
  health.String("health_path", "Path of the overall health endpoint.").Default("/health");
  health.String("readiness_path", "Path of the readiness probe.").Default("/readiness");
  health.String("liveness_path", "Path of the liveness probe.").Default("/liveness");

  ConfigSpec metrics("Prometheus metrics, served by the health_check server.");
  metrics.Bool("enabled", "Serve metrics.").Default("true");
  metrics.String("path", "Path of the metrics endpoint.").Default("/metrics");

  ConfigSpec pipeline("The processors every batch goes through, in order.");
  pipeline.Int("thread_num", "Worker threads running the processors; output order is kept.")
      .Default("1")
      .Min(1)
      .Max(1024);
  pipeline.ComponentList("processors", "Processors applied in order to every batch.", "processor");

  ConfigSpec stream(
      "One flow: input → buffer → pipeline → output, with error_output for "
      "batches a processor failed on.");
  stream.String("id", "Name of the stream in logs and metrics; default \"stream-<index>\".");
  stream.Component("input", "Where the messages come from.", "input").Required();
  stream.Component("buffer", "Optional buffering or windowing between input and pipeline.",
                   "buffer");
  stream.Object("pipeline", "Processing between input and output; none when omitted.",
                std::move(pipeline));
  stream.Component("output", "Where the processed messages go.", "output").Required();
  stream.Component("error_output", "Where batches that failed processing go, with the error.",
                   "output");

  ConfigSpec model(
      "A machine-learning model, loaded once per process and shared by every stream (the model "
      "processor and predict() in SQL use it by name).");
  model.String("name", "Name the model processor and predict() refer to.").Required();
  model.String("backend", "Runtime that runs the model.")
      .Required()
      .OneOf({"onnx", "torchscript", "xgboost"});
  model.String("path", "Model file: .onnx, TorchScript .pt, XGBoost .json/.ubj.").Required();
  model.String("input", "ONNX: graph input fed with the features (default: the first input).");
  model
      .Int("features",
           "Features per row the model takes; checked with a test inference at load and on "
           "every batch (XGBoost models state it themselves).")
      .Min(1);
  model.StringList("outputs",
                   "ONNX: the outputs to fetch (default: every graph output); TorchScript and "
                   "XGBoost: names for the outputs, in order.");
  model.Int("threads", "Threads one inference call may use.").Default("1").Min(1).Max(256);

  ConfigSpec udf(
      "A vectorized Python function callable from SQL (the sql and stream_sql processors) by its "
      "name; it is called once per batch with numpy arrays and returns one array.");
  udf.String("name", "The function's name in SQL (case-insensitive, not a built-in's name).")
      .Required();
  udf.String("script", "Python code defining the function (instead of `module`).");
  udf.String("module",
             "A module to import, found on sys.path and `python_path` (instead of `script`).");
  udf.String("function", "Name of the Python function in `script` or `module`; default: `name`.");
  udf.StringList("python_path",
                 "Directories put first on sys.path before `module` is imported (relative to the "
                 "working directory).");
  udf.String("return_type",
             "SQL type of the result: bool, int32, int64, float32, float64 (double), string or "
             "binary.")
      .Required();

  ConfigSpec top("An ArkFlow engine configuration.");
  top.Object("logging", "Logging.", std::move(logging));
  top.Object("health_check", "Health check HTTP server.", std::move(health));
  top.Object("metrics", "Metrics endpoint.", std::move(metrics));
  top.ObjectList("models", "Models used by the model processor and predict().", std::move(model));
  top.ObjectList("udfs", "Python functions callable from SQL.", std::move(udf));
  top.ObjectList("streams", "The streams this engine runs.", std::move(stream)).Required().Min(1);
  return top;
}

}  // namespace

const ConfigSpec& EngineConfigSpec() {
  static const ConfigSpec spec = BuildEngineConfigSpec();
  return spec;
}

namespace {

// ArkFlow's stream-level `temporary` (Redis lookup tables) is a known option that is not built
// yet: say so instead of calling it unknown.
Status CheckUnavailableStreamOptions(const ConfigValue& root) {
  const ConfigValue* streams = root.Get("streams");
  if (streams == nullptr || !streams->is_list()) return Status::OK();
  for (const ConfigValue& stream : streams->items()) {
    const ConfigValue* temporary = stream.Get("temporary");
    if (temporary == nullptr) continue;
    return temporary->Error(
        "`temporary` (ArkFlow's Redis lookup tables) is not available yet; lookup tables can be "
        "read from CSV, NDJSON or Arrow files with the sql processor's `temporary_list` (name, "
        "path)");
  }
  return Status::OK();
}

}  // namespace

Result<EngineConfig> ParseEngineConfig(const ConfigValue& root) {
  ARK_RETURN_IF_ERROR(CheckUnavailableStreamOptions(root));
  ARK_ASSIGN_OR_RETURN(ComponentConfig top, EngineConfigSpec().Parse(root, "the configuration"));
  EngineConfig out;
  out.file = root.pos().file;

  ComponentConfig logging = top.GetObject("logging");
  out.logging.level = logging.GetString("level");
  out.logging.format = logging.GetString("format");
  out.logging.file_path = logging.GetString("file_path");

  ComponentConfig health = top.GetObject("health_check");
  out.health_check.enabled = health.GetBool("enabled");
  out.health_check.address = health.GetString("address");
  out.health_check.health_path = health.GetString("health_path");
  out.health_check.readiness_path = health.GetString("readiness_path");
  out.health_check.liveness_path = health.GetString("liveness_path");

  ComponentConfig metrics = top.GetObject("metrics");
  out.metrics.enabled = metrics.GetBool("enabled");
  out.metrics.path = metrics.GetString("path");

  std::map<std::string, size_t> model_names;
  std::vector<ComponentConfig> models = top.GetObjectList("models");
  for (size_t i = 0; i < models.size(); ++i) {
    const ComponentConfig& m = models[i];
    ModelConfig model;
    model.name = m.GetString("name");
    model.backend = m.GetString("backend");
    model.path = m.GetString("path");
    model.input = m.GetString("input");
    model.features = m.IsSet("features") ? m.GetInt("features") : 0;
    model.outputs = m.GetStringList("outputs");
    model.threads = static_cast<int>(m.GetInt("threads"));
    model.node = m.node();
    if (model.name.empty()) return m.NodeOf("name").Error("a model name must not be empty");
    auto [it, inserted] = model_names.emplace(model.name, i);
    if (!inserted) {
      return m.NodeOf("name").Error(
          fmt::format("duplicate model name \"{}\" (models[{}] at {} has it too)", model.name,
                      it->second, models[it->second].NodeOf("name").pos().ToString()));
    }
    out.models.push_back(std::move(model));
  }

  std::map<std::string, size_t> udf_names;
  std::vector<ComponentConfig> udfs = top.GetObjectList("udfs");
  for (size_t i = 0; i < udfs.size(); ++i) {
    const ComponentConfig& u = udfs[i];
    UdfConfig udf;
    const std::string written = u.GetString("name");
    udf.name = AsciiLower(written);
    udf.script = u.GetString("script");
    udf.module = u.GetString("module");
    udf.function = u.IsSet("function") ? u.GetString("function") : written;
    udf.python_path = u.GetStringList("python_path");
    udf.return_type = u.GetString("return_type");
    udf.node = u.node();
    if (udf.name.empty()) return u.NodeOf("name").Error("a udf name must not be empty");
    if (udf.script.empty() == udf.module.empty()) {
      return u.node().Error(fmt::format(
          "udf \"{}\": set exactly one of `script` (inline code) and `module`", udf.name));
    }
    auto [it, inserted] = udf_names.emplace(udf.name, i);
    if (!inserted) {
      return u.NodeOf("name").Error(
          fmt::format("duplicate udf name \"{}\" (udfs[{}] at {} has it too; names are "
                      "case-insensitive)",
                      udf.name, it->second, udfs[it->second].NodeOf("name").pos().ToString()));
    }
    out.udfs.push_back(std::move(udf));
  }

  // id -> index of the stream that has it, to report duplicates with both places.
  std::map<std::string, size_t> ids;
  std::vector<ComponentConfig> streams = top.GetObjectList("streams");
  for (size_t i = 0; i < streams.size(); ++i) {
    const ComponentConfig& s = streams[i];
    StreamConfig stream;
    stream.index = static_cast<int>(i);
    stream.node = s.node();
    const ConfigValue& id_node = s.NodeOf("id");
    if (s.IsSet("id")) {
      stream.id = s.GetString("id");
      if (stream.id.empty()) return id_node.Error("a stream id must not be empty");
    } else {
      stream.id = fmt::format("stream-{}", i);
    }
    auto [it, inserted] = ids.emplace(stream.id, i);
    if (!inserted) {
      const ComponentConfig& first = streams[it->second];
      return id_node.Error(
          fmt::format("duplicate stream id \"{}\" (streams[{}] at {} has it too{})", stream.id,
                      it->second, first.NodeOf("id").pos().ToString(),
                      s.IsSet("id") ? "" : "; give this stream an explicit id"));
    }
    stream.input = *s.GetRaw("input");
    if (s.IsSet("buffer")) stream.buffer = *s.GetRaw("buffer");
    ComponentConfig pipeline = s.GetObject("pipeline");
    stream.thread_num = static_cast<int>(pipeline.GetInt("thread_num"));
    for (const ConfigValue* p : pipeline.GetRawList("processors")) stream.processors.push_back(*p);
    stream.output = *s.GetRaw("output");
    if (s.IsSet("error_output")) stream.error_output = *s.GetRaw("error_output");
    out.streams.push_back(std::move(stream));
  }
  return out;
}

}  // namespace ark
