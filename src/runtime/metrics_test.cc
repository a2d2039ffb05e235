#include "runtime/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ark {
namespace {

TEST(MetricsTest, RendersPrometheusTextExposition) {
  MetricsRegistry m;
  m.GetCounter("arkflow_rows_total", "Rows seen.", {{"stream", "a"}})->Increment(3);
  m.GetCounter("arkflow_rows_total", "Rows seen.", {{"stream", "b\"q\\z\n"}})->Increment();
  Gauge* g = m.GetGauge("arkflow_depth", "Queue depth.\nIn batches.", {});
  g->Set(5);
  g->Add(-2);
  Histogram* h = m.GetHistogram("arkflow_latency_seconds", "Latency.", {{"stream", "a"}}, {0.5, 1});
  h->Observe(0.25);
  h->Observe(0.5);
  h->Observe(2);

  EXPECT_EQ(m.RenderPrometheus(),
            "# HELP arkflow_depth Queue depth.\\nIn batches.\n"
            "# TYPE arkflow_depth gauge\n"
            "arkflow_depth 3\n"
            "# HELP arkflow_latency_seconds Latency.\n"
            "# TYPE arkflow_latency_seconds histogram\n"
            "arkflow_latency_seconds_bucket{stream=\"a\",le=\"0.5\"} 2\n"
            "arkflow_latency_seconds_bucket{stream=\"a\",le=\"1\"} 2\n"
            "arkflow_latency_seconds_bucket{stream=\"a\",le=\"+Inf\"} 3\n"
            "arkflow_latency_seconds_sum{stream=\"a\"} 2.75\n"
            "arkflow_latency_seconds_count{stream=\"a\"} 3\n"
            "# HELP arkflow_rows_total Rows seen.\n"
            "# TYPE arkflow_rows_total counter\n"
            "arkflow_rows_total{stream=\"a\"} 3\n"
            "arkflow_rows_total{stream=\"b\\\"q\\\\z\\n\"} 1\n");
}

TEST(MetricsTest, SameNameAndLabelsReturnTheSameHandle) {
  MetricsRegistry m;
  Counter* a = m.GetCounter("arkflow_x_total", "X.", {{"stream", "s"}});
  EXPECT_EQ(a, m.GetCounter("arkflow_x_total", "X.", {{"stream", "s"}}));
  EXPECT_NE(a, m.GetCounter("arkflow_x_total", "X.", {{"stream", "t"}}));
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry m;
  Counter* c = m.GetCounter("arkflow_n_total", "N.", {});
  Histogram* h = m.GetHistogram("arkflow_h_seconds", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c->Increment();
        h->Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->value(), 400000u);
  EXPECT_EQ(h->count(), 400000u);
  EXPECT_EQ(h->bucket_count(0), 400000u);
  EXPECT_EQ(h->sum(), 200000.0);
}

TEST(MetricsTest, BucketsIncludeTheirUpperBound) {
  Histogram h({0.001, 0.01});
  h.Observe(0.001);
  h.Observe(0.0011);
  h.Observe(0.5);
  EXPECT_EQ(h.bucket_count(0), 1u);
  EXPECT_EQ(h.bucket_count(1), 1u);
  EXPECT_EQ(h.bucket_count(2), 1u);
}

}  // namespace
}  // namespace ark
