#include "runtime/metrics.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/status.h"

namespace ark {
namespace {

// Label values escape backslash, double quote and newline; help text backslash and newline.
void AppendEscaped(std::string* out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (quote && c == '"') {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

std::string RenderLabels(const MetricLabels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out.push_back(',');
    out.append(k);
    out.append("=\"");
    AppendEscaped(&out, v, /*quote=*/true);
    out.push_back('"');
  }
  return out;
}

// `name{labels,extra} value`
void AppendSample(std::string* out, std::string_view name, std::string_view labels,
                  std::string_view extra, std::string_view value) {
  out->append(name);
  if (!labels.empty() || !extra.empty()) {
    out->push_back('{');
    out->append(labels);
    if (!labels.empty() && !extra.empty()) out->push_back(',');
    out->append(extra);
    out->push_back('}');
  }
  out->push_back(' ');
  out->append(value);
  out->push_back('\n');
}

std::string FormatDouble(double v) { return fmt::format("{}", v); }

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  ARK_CHECK(std::is_sorted(bounds_.begin(), bounds_.end()), "histogram bounds must be sorted");
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> LatencySecondsBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::Series* MetricsRegistry::FindOrAdd(std::string_view name, std::string_view help,
                                                    Type type, const MetricLabels& labels,
                                                    std::vector<double> bounds) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    Family f{type, std::string(help), std::move(bounds), {}};
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& family = it->second;
  ARK_CHECK(family.type == type, "metric registered twice with different types");
  std::string rendered = RenderLabels(labels);
  for (auto& s : family.series) {
    if (s->labels == rendered) return s.get();
  }
  auto series = std::make_unique<Series>();
  series->labels = std::move(rendered);
  switch (type) {
    case Type::kCounter:
      series->counter = std::make_unique<Counter>();
      break;
    case Type::kGauge:
      series->gauge = std::make_unique<Gauge>();
      break;
    case Type::kHistogram:
      series->histogram = std::make_unique<Histogram>(family.bounds);
      break;
  }
  family.series.push_back(std::move(series));
  return family.series.back().get();
}

Counter* MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  return FindOrAdd(name, help, Type::kCounter, labels, {})->counter.get();
}

Gauge* MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  return FindOrAdd(name, help, Type::kGauge, labels, {})->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const MetricLabels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  return FindOrAdd(name, help, Type::kHistogram, labels, std::move(bounds))->histogram.get();
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out.append("# HELP ").append(name).push_back(' ');
    AppendEscaped(&out, family.help, /*quote=*/false);
    out.push_back('\n');
    std::string_view type_name = family.type == Type::kCounter ? "counter"
                                 : family.type == Type::kGauge ? "gauge"
                                                               : "histogram";
    out.append("# TYPE ").append(name).append(" ").append(type_name).push_back('\n');
    for (const auto& s : family.series) {
      switch (family.type) {
        case Type::kCounter:
          AppendSample(&out, name, s->labels, "", fmt::format("{}", s->counter->value()));
          break;
        case Type::kGauge:
          AppendSample(&out, name, s->labels, "", fmt::format("{}", s->gauge->value()));
          break;
        case Type::kHistogram: {
          const Histogram& h = *s->histogram;
          std::string bucket_name = name + "_bucket";
          uint64_t cumulative = 0;
          for (size_t i = 0; i <= h.bounds().size(); ++i) {
            cumulative += h.bucket_count(i);
            std::string le = i < h.bounds().size()
                                 ? fmt::format("le=\"{}\"", FormatDouble(h.bounds()[i]))
                                 : std::string("le=\"+Inf\"");
            AppendSample(&out, bucket_name, s->labels, le, fmt::format("{}", cumulative));
          }
          AppendSample(&out, name + "_sum", s->labels, "", FormatDouble(h.sum()));
          // The +Inf bucket and _count must agree even while observations race the rendering.
          AppendSample(&out, name + "_count", s->labels, "", fmt::format("{}", cumulative));
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace ark
