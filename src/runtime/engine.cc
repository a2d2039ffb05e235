#include "runtime/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/units.h"

namespace ark {
namespace {

// The component's `type`, for labels ("processor[1] json_to_arrow").
std::string TypeOf(const ConfigValue& node) {
  const ConfigValue* type = node.Get("type");
  return type != nullptr && type->is_scalar() ? type->text() : std::string();
}

// Factories are asked to locate their errors; when one did not, say where the component is.
Status Locate(const Status& st, const ConfigValue& node) {
  if (st.message().find(node.path()) != std::string::npos) return st;
  return Status(st.code(),
                fmt::format("{}: {}: {}", node.pos().ToString(), node.path(), st.message()));
}

template <typename T>
Result<std::unique_ptr<T>> Located(Result<std::unique_ptr<T>> r, const ConfigValue& node) {
  if (!r.ok()) return Locate(r.status(), node);
  return r;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append(fmt::format("\\u{:04x}", static_cast<int>(c)));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string EngineSummary::ToString() const {
  return fmt::format("{} rows in ({}), {} rows out ({}), {} error rows, {:.2f} s, {:.0f} rows/s",
                     rows_in, FormatByteSize(static_cast<uint64_t>(bytes_in)), rows_out,
                     FormatByteSize(static_cast<uint64_t>(bytes_out)), error_rows, elapsed_seconds,
                     rows_per_second);
}

Engine::Engine(EngineConfig config) : config_(std::move(config)) {}

Engine::~Engine() { Kill(); }

Result<std::unique_ptr<Engine>> Engine::Build(const EngineConfig& config, const Registry& registry,
                                              StreamOptions stream_options) {
  std::unique_ptr<Engine> engine(new Engine(config));
  for (const StreamConfig& sc : config.streams) {
    StreamComponents c;
    auto ctx = [&](std::string label) {
      return ComponentContext{sc.id, std::move(label), &registry};
    };
    ARK_ASSIGN_OR_RETURN(c.input, Located(registry.MakeInput(sc.input, ctx("input")), sc.input));
    c.input_type = TypeOf(sc.input);
    if (const ConfigValue* et = sc.input.Get("event_time"); et != nullptr) {
      ARK_ASSIGN_OR_RETURN(ComponentConfig cfg, EventTimeSpec().Parse(*et, "event_time"));
      c.event_time = EventTimeFromConfig(cfg);
    }
    if (sc.buffer) {
      ARK_ASSIGN_OR_RETURN(c.buffer,
                           Located(registry.MakeBuffer(*sc.buffer, ctx("buffer")), *sc.buffer));
    }
    for (size_t i = 0; i < sc.processors.size(); ++i) {
      const ConfigValue& node = sc.processors[i];
      ARK_ASSIGN_OR_RETURN(
          std::unique_ptr<Processor> p,
          Located(registry.MakeProcessor(node, ctx(fmt::format("processor[{}]", i))), node));
      c.processors.push_back(std::move(p));
      c.processor_types.push_back(TypeOf(node));
    }
    ARK_ASSIGN_OR_RETURN(c.output,
                         Located(registry.MakeOutput(sc.output, ctx("output")), sc.output));
    c.output_type = TypeOf(sc.output);
    if (sc.error_output) {
      ARK_ASSIGN_OR_RETURN(
          c.error_output,
          Located(registry.MakeOutput(*sc.error_output, ctx("error_output")), *sc.error_output));
      c.error_output_type = TypeOf(*sc.error_output);
    }
    Processor::Downstream downstream{c.output_type, c.output->accepts_changelog(),
                                     c.event_time ? c.event_time->column : ""};
    for (size_t i = 0; i < c.processors.size(); ++i) {
      Status st = c.processors[i]->CheckDownstream(downstream);
      if (!st.ok()) return Locate(st, sc.processors[i]);
    }
    StreamOptions options = stream_options;
    options.thread_num = std::max(1, sc.thread_num);
    engine->streams_.push_back(
        std::make_unique<Stream>(sc.id, std::move(c), options, &engine->metrics_));
  }
  return engine;
}

Status Engine::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return Status::Internal("the engine was started twice");
    started_ = true;
    start_time_ = std::chrono::steady_clock::now();
  }
  if (config_.health_check.enabled) {
    AdminServerOptions opts;
    opts.address = config_.health_check.address;
    opts.health_path = config_.health_check.health_path;
    opts.readiness_path = config_.health_check.readiness_path;
    opts.liveness_path = config_.health_check.liveness_path;
    AdminServer::MetricsFn metrics_fn;
    if (config_.metrics.enabled) {
      opts.metrics_path = config_.metrics.path;
      metrics_fn = [this] { return metrics_.RenderPrometheus(); };
    }
    admin_ = std::make_unique<AdminServer>(
        std::move(opts), [this] { return CheckReadiness(); }, std::move(metrics_fn));
    ARK_RETURN_IF_ERROR(admin_->Start());
    spdlog::info("health check listening on port {}", admin_->port());
  }
  for (auto& s : streams_) ARK_RETURN_IF_ERROR(s->Start());
  return Status::OK();
}

Status Engine::Wait() {
  Status first;
  for (auto& s : streams_) {
    Status st = s->Wait();
    if (!st.ok() && first.ok()) first = st;
  }
  std::lock_guard lock(mu_);
  if (started_ && !end_time_) end_time_ = std::chrono::steady_clock::now();
  return first;
}

void Engine::RequestStop() {
  for (auto& s : streams_) s->RequestStop();
}

void Engine::Stop() {
  RequestStop();
  for (auto& s : streams_) s->Stop();
  if (admin_) admin_->Stop();
  std::lock_guard lock(mu_);
  if (started_ && !end_time_) end_time_ = std::chrono::steady_clock::now();
}

void Engine::Kill() {
  for (auto& s : streams_) s->Kill();
  if (admin_) admin_->Stop();
  std::lock_guard lock(mu_);
  if (started_ && !end_time_) end_time_ = std::chrono::steady_clock::now();
}

EngineSummary Engine::Summary() const {
  EngineSummary s;
  for (const auto& stream : streams_) {
    const StreamProbe& p = stream->probe();
    s.rows_in += static_cast<int64_t>(p.input.rows_in->value());
    s.bytes_in += static_cast<int64_t>(p.input.bytes_in->value());
    s.rows_out += static_cast<int64_t>(p.output.rows_out->value());
    s.bytes_out += static_cast<int64_t>(p.output.bytes_out->value());
    int64_t errors =
        static_cast<int64_t>(p.input.error_rows->value() + p.output.error_rows->value());
    for (const ComponentProbe& proc : p.processors) {
      errors += static_cast<int64_t>(proc.error_rows->value());
    }
    s.error_rows += errors;
  }
  std::lock_guard lock(mu_);
  if (started_) {
    auto end = end_time_.value_or(std::chrono::steady_clock::now());
    s.elapsed_seconds = std::chrono::duration<double>(end - start_time_).count();
  }
  s.rows_per_second =
      s.elapsed_seconds > 0 ? static_cast<double>(s.rows_in) / s.elapsed_seconds : 0;
  return s;
}

std::optional<std::pair<int64_t, int64_t>> Engine::Progress() const {
  std::optional<std::pair<int64_t, int64_t>> total;
  for (const auto& s : streams_) {
    auto p = s->Progress();
    if (!p) continue;
    if (!total) total.emplace(0, 0);
    total->first += p->first;
    total->second += p->second;
  }
  return total;
}

bool Engine::Ready() const { return CheckReadiness().ready; }

std::string Engine::ReadinessJson() const { return CheckReadiness().json; }

Readiness Engine::CheckReadiness() const {
  // One snapshot of the states, so "ready" agrees with the per-stream entries.
  std::vector<StreamState> states;
  Readiness r;
  r.ready = !streams_.empty();
  for (const auto& s : streams_) {
    states.push_back(s->state());
    r.ready = r.ready && states.back() == StreamState::kRunning;
  }
  r.json = fmt::format("{{\"ready\":{},\"streams\":[", r.ready);
  for (size_t i = 0; i < streams_.size(); ++i) {
    const Stream& s = *streams_[i];
    if (i > 0) r.json.push_back(',');
    r.json.append("{\"id\":");
    AppendJsonString(&r.json, s.id());
    r.json.append(",\"state\":");
    AppendJsonString(&r.json, StreamStateName(states[i]));
    r.json.append(fmt::format(",\"input_connected\":{},\"output_connected\":{}}}",
                              s.input_connected(), s.output_connected()));
  }
  r.json.append("]}");
  return r;
}

int Engine::admin_port() const { return admin_ ? admin_->port() : 0; }

}  // namespace ark
