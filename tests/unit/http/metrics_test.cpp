// The metrics registry: exact text exposition format 0.0.4, registration rules, and exact
// totals when many threads update the same series.
#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "common/error.hpp"

namespace sealpost::metrics {
namespace {

TEST(MetricsText, CounterWithLabelsRendersHelpTypeAndOneLinePerSeries) {
    Registry registry;
    auto& messages = messages_total(registry);
    messages.with({"submission", "encrypt+sign", "delivered"}).inc();
    messages.with({"submission", "encrypt+sign", "delivered"}).inc(2);
    messages.with({"inbound", "decrypt", "tempfail"}).inc();

    EXPECT_EQ(registry.render(),
              "# HELP sealpost_messages_total Messages handled, by listener role, action and "
              "result.\n"
              "# TYPE sealpost_messages_total counter\n"
              "sealpost_messages_total{listener_role=\"inbound\",action=\"decrypt\","
              "result=\"tempfail\"} 1\n"
              "sealpost_messages_total{listener_role=\"submission\",action=\"encrypt+sign\","
              "result=\"delivered\"} 3\n");
}

TEST(MetricsText, GaugeWithoutLabelsShowsFromRegistrationAndMovesBothWays) {
    Registry registry;
    auto& sessions = smtp_sessions_active(registry);
    EXPECT_EQ(registry.render(),
              "# HELP sealpost_smtp_sessions_active SMTP sessions open now.\n"
              "# TYPE sealpost_smtp_sessions_active gauge\n"
              "sealpost_smtp_sessions_active 0\n");

    sessions.inc();
    sessions.inc();
    sessions.dec();
    EXPECT_EQ(sessions.value(), 1);
    {
        ScopedGaugeIncrement open(sessions);
        EXPECT_EQ(sessions.value(), 2);
    }
    sessions.set(0.25);
    EXPECT_EQ(registry.render(),
              "# HELP sealpost_smtp_sessions_active SMTP sessions open now.\n"
              "# TYPE sealpost_smtp_sessions_active gauge\n"
              "sealpost_smtp_sessions_active 0.25\n");
}

TEST(MetricsText, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    Registry registry;
    auto& latency = registry.histogram_family("sealpost_test_seconds", "Test latency.",
                                              {"listener_role"}, {0.001, 0.5, 30});
    auto& series = latency.with({"submission"});
    series.observe(0.001);  // on a bound: counted in that bucket (le = less or equal)
    series.observe(0.25);
    series.observe(0.5);
    series.observe(100);

    EXPECT_EQ(registry.render(),
              "# HELP sealpost_test_seconds Test latency.\n"
              "# TYPE sealpost_test_seconds histogram\n"
              "sealpost_test_seconds_bucket{listener_role=\"submission\",le=\"0.001\"} 1\n"
              "sealpost_test_seconds_bucket{listener_role=\"submission\",le=\"0.5\"} 3\n"
              "sealpost_test_seconds_bucket{listener_role=\"submission\",le=\"30\"} 3\n"
              "sealpost_test_seconds_bucket{listener_role=\"submission\",le=\"+Inf\"} 4\n"
              "sealpost_test_seconds_sum{listener_role=\"submission\"} 100.751\n"
              "sealpost_test_seconds_count{listener_role=\"submission\"} 4\n");
}

TEST(MetricsText, HistogramWithoutLabelsHasOnlyLeLabel) {
    Registry registry;
    registry.histogram("h", "H.", {1}).observe(2);
    EXPECT_EQ(registry.render(),
              "# HELP h H.\n# TYPE h histogram\n"
              "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n");
}

TEST(MetricsText, NanObservationGoesToInfBucketOnly) {
    Registry registry;
    auto& h = registry.histogram("h", "H.", {1});
    h.observe(std::numeric_limits<double>::quiet_NaN());
    auto snapshot = h.snapshot();
    EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{0, 1}));
    EXPECT_TRUE(std::isnan(snapshot.sum));
}

TEST(MetricsText, FamiliesAreOrderedByNameAndEmptyFamiliesAreLeftOut) {
    Registry registry;
    registry.counter_family("b_total", "B.", {"x"});  // no series yet: not shown
    registry.counter("c_total", "C.").inc();
    registry.gauge("a", "A.").set(-2);
    EXPECT_EQ(registry.render(),
              "# HELP a A.\n# TYPE a gauge\na -2\n"
              "# HELP c_total C.\n# TYPE c_total counter\nc_total 1\n");
}

TEST(MetricsText, LabelValuesAndHelpAreEscaped) {
    Registry registry;
    registry.counter_family("x_total", "Back\\slash and\nnewline \"kept\".", {"v"})
        .with({"a\\b\"c\nd"})
        .inc();
    EXPECT_EQ(registry.render(),
              "# HELP x_total Back\\\\slash and\\nnewline \"kept\".\n"
              "# TYPE x_total counter\n"
              "x_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsText, NumbersUseShortestFormAndPrometheusSpecialValues) {
    EXPECT_EQ(format_number(0), "0");
    EXPECT_EQ(format_number(0.0025), "0.0025");
    EXPECT_EQ(format_number(30), "30");
    EXPECT_EQ(format_number(1e-7), "1e-07");
    EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsRegistry, SameRegistrationTwiceReturnsTheSameFamily) {
    Registry registry;
    auto& first = messages_total(registry);
    auto& second = messages_total(registry);
    EXPECT_EQ(&first, &second);
    EXPECT_EQ(&smtp_sessions_active(registry), &smtp_sessions_active(registry));
}

TEST(MetricsRegistry, SameNameWithAnotherShapeIsAConflict) {
    Registry registry;
    registry.counter_family("m_total", "M.", {"a"});
    auto kind_of = [](auto&& register_it) {
        try {
            register_it();
        } catch (const Error& e) {
            return e.kind();
        }
        return ErrorKind::Internal;
    };
    EXPECT_EQ(kind_of([&] { registry.counter_family("m_total", "M.", {"b"}); }),
              ErrorKind::Conflict);
    EXPECT_EQ(kind_of([&] { registry.gauge_family("m_total", "M.", {"a"}); }), ErrorKind::Conflict);
    EXPECT_EQ(kind_of([&] { registry.counter_family("m_total", "Other help.", {"a"}); }),
              ErrorKind::Conflict);
    registry.histogram("h", "H.", {1, 2});
    EXPECT_EQ(kind_of([&] { registry.histogram("h", "H.", {1, 3}); }), ErrorKind::Conflict);
}

TEST(MetricsRegistry, InvalidNamesLabelsAndBucketsAreRefused) {
    Registry registry;
    EXPECT_THROW(registry.counter("1abc", "x"), Error);
    EXPECT_THROW(registry.counter("a-b", "x"), Error);
    EXPECT_THROW(registry.counter("", "x"), Error);
    EXPECT_NO_THROW(registry.counter("ns:sub_total", "x"));
    EXPECT_THROW(registry.counter_family("c", "x", {"a:b"}), Error);
    EXPECT_THROW(registry.counter_family("c", "x", {"__reserved"}), Error);
    EXPECT_THROW(registry.counter_family("c", "x", {"a", "a"}), Error);
    EXPECT_THROW(registry.histogram_family("h", "x", {"le"}, {1}), Error);
    EXPECT_THROW(registry.histogram("h", "x", {}), Error);
    EXPECT_THROW(registry.histogram("h", "x", {2, 1}), Error);
    EXPECT_THROW(registry.histogram("h", "x", {1, 1}), Error);
    EXPECT_THROW(registry.histogram("h", "x", {1, std::numeric_limits<double>::infinity()}), Error);
    EXPECT_EQ(registry.render(),
              "# HELP ns:sub_total x\n# TYPE ns:sub_total counter\n"
              "ns:sub_total 0\n");
}

TEST(MetricsRegistry, WrongNumberOfLabelValuesIsRefused) {
    Registry registry;
    auto& family = messages_total(registry);
    EXPECT_THROW(family.with({"submission", "encrypt"}), Error);
    EXPECT_THROW(family.with({"a", "b", "c", "d"}), Error);
}

TEST(MetricsRegistry, DefaultRegistryIsOneForTheProcess) {
    EXPECT_EQ(&default_registry(), &default_registry());
    EXPECT_EQ(&worker_queue_depth(), &worker_queue_depth(default_registry()));
}

TEST(MetricsConcurrency, ThreadsIncrementingAndObservingGiveExactTotals) {
    Registry registry;
    constexpr int threads = 8;
    constexpr int per_thread = 20000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&registry, t] {
            // Each thread looks the series up itself, half of them by a second label set,
            // so lookups race with each other and with updates.
            auto& messages = messages_total(registry);
            auto& shared = messages.with({"submission", "sign", "delivered"});
            auto& own = messages.with({"inbound", "verify", t % 2 == 0 ? "even" : "odd"});
            auto& in_flight = delivery_in_flight(registry);
            auto& duration = message_duration_seconds(registry).with({"submission"});
            for (int i = 0; i < per_thread; ++i) {
                shared.inc();
                own.inc();
                in_flight.inc();
                duration.observe(0.5);
                in_flight.dec();
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    auto& messages = messages_total(registry);
    EXPECT_EQ(messages.with({"submission", "sign", "delivered"}).value(),
              std::uint64_t{threads} * per_thread);
    EXPECT_EQ(messages.with({"inbound", "verify", "even"}).value(),
              std::uint64_t{threads / 2} * per_thread);
    EXPECT_EQ(delivery_in_flight(registry).value(), 0);
    auto snapshot = message_duration_seconds(registry).with({"submission"}).snapshot();
    EXPECT_EQ(snapshot.count, std::uint64_t{threads} * per_thread);
    EXPECT_EQ(snapshot.sum, 0.5 * threads * per_thread);  // exact: halves add exactly
}

TEST(MetricsConcurrency, RenderingWhileUpdatingKeepsCountEqualToInfBucket) {
    Registry registry;
    auto& h = registry.histogram("h", "H.", {1});
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 50000; ++i) {
            h.observe(i % 2 == 0 ? 0.5 : 5);
        }
        done = true;
    });
    int renders = 0;
    while (!done || renders == 0) {
        auto s = h.snapshot();
        ASSERT_EQ(s.count, s.cumulative.back());
        ASSERT_LE(s.cumulative.front(), s.cumulative.back());
        ++renders;
    }
    writer.join();
    EXPECT_EQ(h.snapshot().count, 50000u);
}

}  // namespace
}  // namespace sealpost::metrics
