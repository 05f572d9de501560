// Sealpost's metrics: counters, gauges and histograms with label sets, kept in a thread-safe
// registry and rendered in the Prometheus text exposition format 0.0.4 for `/metrics`.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::metrics {

// Series: one value (or one histogram) for one set of label values. A reference to a series
// stays valid as long as its registry lives, and updating it is one atomic operation with no
// lock: look a series up once (by label values, under a mutex) and keep the reference.

// A count that only goes up: messages, requests, errors.
class Counter {
public:
    void inc(std::uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down: sessions open, deliveries in flight, queue depth.
class Gauge {
public:
    void set(double value) { value_.store(value, std::memory_order_relaxed); }
    void inc(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    void dec(double amount = 1) { value_.fetch_sub(amount, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

// Observations counted into fixed buckets: `le` upper bounds, ascending, plus +Inf.
class Histogram {
public:
    explicit Histogram(const std::vector<double>& upper_bounds);

    // A NaN is counted in the +Inf bucket only, and makes the sum NaN (as Prometheus clients do).
    void observe(double value);

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per upper bound, then +Inf
        double sum = 0;
        std::uint64_t count = 0;  // equals the +Inf bucket
    };
    // LIMITATION: buckets and sum are read one after another, not as one atomic snapshot, so
    // a scrape during observations may show a sum one observation ahead of or behind the
    // buckets. The count is taken from the buckets, so `_count` always equals the +Inf bucket.
    Snapshot snapshot() const;

    const std::vector<double>& upper_bounds() const { return upper_bounds_; }

private:
    const std::vector<double>& upper_bounds_;                // owned by the family
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
    std::atomic<double> sum_{0};
};

enum class Type { Counter, Gauge, Histogram };

// What a family is: name, help text, type, label names and (histograms) bucket bounds.
struct Descriptor {
    std::string name;
    std::string help;
    Type type;
    std::vector<std::string> label_names;
    std::vector<double> upper_bounds;
};

class FamilyBase {
public:
    explicit FamilyBase(Descriptor descriptor) : descriptor_(std::move(descriptor)) {}
    virtual ~FamilyBase() = default;
    FamilyBase(const FamilyBase&) = delete;
    FamilyBase& operator=(const FamilyBase&) = delete;

    const Descriptor& descriptor() const { return descriptor_; }

    // Appends this family in the text format; nothing while it has no series.
    virtual void render(std::string& out) const = 0;

protected:
    Descriptor descriptor_;
};

// All series of one metric name, one per set of label values.
template <typename Series>
class Family : public FamilyBase {
public:
    using FamilyBase::FamilyBase;

    // The series for these label values (in the order of the label names), created at 0 on
    // first use. Throws Error(BadInput) when the number of values is not the number of names.
    Series& with(std::initializer_list<std::string_view> label_values);
    Series& with(const std::vector<std::string>& label_values);

    void render(std::string& out) const override;

private:
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Upper bounds in seconds for how long handling a message takes: 1 ms to 30 s.
const std::vector<double>& message_duration_buckets();

// A set of metric families. Thread-safe. Registering a name again with the same type, help,
// label names and buckets returns the family already there, so each component may register
// what it uses; anything different under the same name throws Error(Conflict). Names and
// label names are checked against the format's grammar (Error(BadInput)).
class Registry {
public:
    CounterFamily& counter_family(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names);
    GaugeFamily& gauge_family(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names);
    HistogramFamily& histogram_family(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> upper_bounds);

    // The single series of a family without labels, shown as 0 from registration on.
    Counter& counter(std::string_view name, std::string_view help);
    Gauge& gauge(std::string_view name, std::string_view help);
    Histogram& histogram(std::string_view name, std::string_view help,
                         std::vector<double> upper_bounds);

    // Every family with at least one series, ordered by name, in the text format 0.0.4.
    std::string render() const;

private:
    FamilyBase& find_or_add(Descriptor descriptor);

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<FamilyBase>, std::less<>> families_;
};

// The content type of render()'s output, for an HTTP response.
inline constexpr std::string_view text_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The process-wide registry that the daemon's `/metrics` shows.
Registry& default_registry();

// Adds one to a gauge for as long as it lives: a session open, a delivery in flight.
class ScopedGaugeIncrement {
public:
    explicit ScopedGaugeIncrement(Gauge& gauge) : gauge_(&gauge) { gauge.inc(); }
    ~ScopedGaugeIncrement() {
        if (gauge_ != nullptr) {
            gauge_->dec();
        }
    }
    ScopedGaugeIncrement(ScopedGaugeIncrement&& other) noexcept : gauge_(other.gauge_) {
        other.gauge_ = nullptr;
    }
    ScopedGaugeIncrement(const ScopedGaugeIncrement&) = delete;
    ScopedGaugeIncrement& operator=(const ScopedGaugeIncrement&) = delete;
    ScopedGaugeIncrement& operator=(ScopedGaugeIncrement&&) = delete;

private:
    Gauge* gauge_;
};

// Sealpost's own metrics, registered in `registry` on first call. Components call these
// rather than spelling names and labels themselves, so every series of a name agrees.

// sealpost_messages_total{listener_role, action, result}: one per message handled, e.g.
// listener_role="submission", action="encrypt+sign", result="delivered".
CounterFamily& messages_total(Registry& registry = default_registry());
// sealpost_message_duration_seconds{listener_role}: end of DATA to the final reply.
HistogramFamily& message_duration_seconds(Registry& registry = default_registry());
// sealpost_smtp_sessions_active: SMTP sessions open now.
Gauge& smtp_sessions_active(Registry& registry = default_registry());
// sealpost_delivery_in_flight: messages being handed to a next hop now.
Gauge& delivery_in_flight(Registry& registry = default_registry());
// sealpost_worker_queue_depth: jobs waiting for a worker (crypto, MIME, database).
Gauge& worker_queue_depth(Registry& registry = default_registry());
// sealpost_http_requests_total{code}: HTTP requests answered, by status code.
CounterFamily& http_requests_total(Registry& registry = default_registry());

// Text format escaping, exposed for tests: label values escape \ " and newline; help text
// escapes \ and newline. Numbers: shortest round-trip form, +Inf, -Inf, NaN.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
std::string format_number(double value);

}  // namespace sealpost::metrics
