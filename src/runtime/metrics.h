// Metrics: a small registry of counters, gauges and histograms with label sets, rendered in the
// Prometheus text exposition format (version 0.0.4) for the admin server's /metrics.
//
// A metric is registered once (name, help, labels) and the caller keeps the returned handle; the
// hot path then only touches atomics — no lock, no lookup, no allocation per update. Handles stay
// valid for the registry's lifetime. Registering the same name and labels again returns the same
// handle, so two streams can share a family and tests can look a series up.
//
//   MetricsRegistry metrics;
//   Counter* rows = metrics.GetCounter("arkflow_messages_in_total", "Rows received.",
//                                      {{"stream", "s0"}, {"component", "input"}});
//   rows->Increment(batch.num_rows());
//   std::string text = metrics.RenderPrometheus();
//
// Names should start with `arkflow_`; counters end in `_total`. Using one name with two metric
// types is a programming error (checked).
//
// Thread-safety: every method is safe to call concurrently. Updates are lock-free; registration
// and rendering take the registry's mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ark {

// Label name/value pairs, in the order they are rendered.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count.
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (queue depth, connected flag).
class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Counts observations into cumulative buckets with upper bounds `bounds` (plus +Inf), and keeps
// their sum and count.
class Histogram {
 public:
  // REQUIRES: bounds sorted ascending.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Observations <= bounds()[i] (non-cumulative: in bucket i only); index bounds().size() is +Inf.
  uint64_t bucket_count(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Bucket bounds for latencies in seconds: 0.5 ms .. 10 s.
std::vector<double> LatencySecondsBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter* GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels);
  Gauge* GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels);
  // `bounds` is used when the series is created; the first registration of a family fixes them.
  Histogram* GetHistogram(std::string_view name, std::string_view help, const MetricLabels& labels,
                          std::vector<double> bounds = LatencySecondsBuckets());

  // Every family sorted by name, each with `# HELP` and `# TYPE`, series in registration order.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    std::string labels;  // rendered `k="v",...` (escaped), empty for none
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;  // histograms
    std::vector<std::unique_ptr<Series>> series;
  };
  // REQUIRES: mu_ held.
  Series* FindOrAdd(std::string_view name, std::string_view help, Type type,
                    const MetricLabels& labels, std::vector<double> bounds);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // GUARDED_BY(mu_)
};

}  // namespace ark
