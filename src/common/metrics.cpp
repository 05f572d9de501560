#include "common/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/error.hpp"

namespace sealpost::metrics {

namespace {

const char* type_name(Type type) {
    switch (type) {
        case Type::Counter:
            return "counter";
        case Type::Gauge:
            return "gauge";
        case Type::Histogram:
            return "histogram";
    }
    return "untyped";
}

// Exposition format 0.0.4: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]*, and label names starting with "__" are reserved.
bool is_valid_name(std::string_view name, bool allow_colon) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!(letter || (i > 0 && digit) || (allow_colon && c == ':'))) {
            return false;
        }
    }
    return true;
}

void check_descriptor(const Descriptor& d) {
    if (!is_valid_name(d.name, true)) {
        throw Error(ErrorKind::BadInput, "metric name '" + d.name + "' is not a valid name");
    }
    for (const auto& label : d.label_names) {
        if (!is_valid_name(label, false) || label.starts_with("__")) {
            throw Error(ErrorKind::BadInput,
                        "metric " + d.name + ": label name '" + label + "' is not a valid name");
        }
        if (d.type == Type::Histogram && label == "le") {
            throw Error(ErrorKind::BadInput,
                        "histogram " + d.name + ": label name 'le' is reserved for buckets");
        }
        if (std::count(d.label_names.begin(), d.label_names.end(), label) != 1) {
            throw Error(ErrorKind::BadInput,
                        "metric " + d.name + ": label name '" + label + "' appears twice");
        }
    }
}

void check_upper_bounds(std::string_view name, const std::vector<double>& bounds) {
    if (bounds.empty()) {
        throw Error(ErrorKind::BadInput,
                    "histogram " + std::string(name) + " needs at least one bucket bound");
    }
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
            throw Error(ErrorKind::BadInput,
                        "histogram " + std::string(name) +
                            ": bucket bounds must be finite and strictly ascending (+Inf is "
                            "implicit)");
        }
    }
}

bool same_shape(const Descriptor& a, const Descriptor& b) {
    return a.type == b.type && a.help == b.help && a.label_names == b.label_names &&
           a.upper_bounds == b.upper_bounds;
}

// `name="value",...` for one series, without braces; empty for a family without labels.
std::string label_text(const Descriptor& d, const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += d.label_names[i];
        out += "=\"";
        out += escape_label_value(values[i]);
        out += '"';
    }
    return out;
}

void append_sample(std::string& out, std::string_view name, std::string_view labels,
                   std::string_view value) {
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += value;
    out += '\n';
}

void render_series(std::string& out, const Descriptor& d, const std::string& labels,
                   const Counter& counter) {
    append_sample(out, d.name, labels, std::to_string(counter.value()));
}

void render_series(std::string& out, const Descriptor& d, const std::string& labels,
                   const Gauge& gauge) {
    append_sample(out, d.name, labels, format_number(gauge.value()));
}

void render_series(std::string& out, const Descriptor& d, const std::string& labels,
                   const Histogram& histogram) {
    auto snapshot = histogram.snapshot();
    std::string bucket_name = d.name + "_bucket";
    std::string prefix = labels.empty() ? "" : labels + ",";
    for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
        bool last = i == d.upper_bounds.size();
        std::string le = last ? "+Inf" : format_number(d.upper_bounds[i]);
        append_sample(out, bucket_name, prefix + "le=\"" + le + "\"",
                      std::to_string(snapshot.cumulative[i]));
    }
    append_sample(out, d.name + "_sum", labels, format_number(snapshot.sum));
    append_sample(out, d.name + "_count", labels, std::to_string(snapshot.count));
}

}  // namespace

Histogram::Histogram(const std::vector<double>& upper_bounds)
    : upper_bounds_(upper_bounds),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds.size() + 1)) {}

void Histogram::observe(double value) {
    // Bucket i counts values in (bound[i-1], bound[i]]; the last one everything above, and NaN.
    std::size_t index = upper_bounds_.size();
    if (!std::isnan(value)) {
        auto at = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
        index = static_cast<std::size_t>(at - upper_bounds_.begin());
    }
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot snapshot;
    snapshot.cumulative.reserve(upper_bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        snapshot.cumulative.push_back(running);
    }
    snapshot.count = running;
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

template <typename Series>
Series& Family<Series>::with(std::initializer_list<std::string_view> label_values) {
    return with(std::vector<std::string>(label_values.begin(), label_values.end()));
}

template <typename Series>
Series& Family<Series>::with(const std::vector<std::string>& label_values) {
    if (label_values.size() != descriptor_.label_names.size()) {
        throw Error(ErrorKind::BadInput, "metric " + descriptor_.name + " takes " +
                                             std::to_string(descriptor_.label_names.size()) +
                                             " label values, not " +
                                             std::to_string(label_values.size()));
    }
    std::lock_guard lock(mutex_);
    auto found = series_.find(label_values);
    if (found != series_.end()) {
        return *found->second;
    }
    std::unique_ptr<Series> made;
    if constexpr (std::is_same_v<Series, Histogram>) {
        made = std::make_unique<Histogram>(descriptor_.upper_bounds);
    } else {
        made = std::make_unique<Series>();
    }
    return *series_.emplace(label_values, std::move(made)).first->second;
}

template <typename Series>
void Family<Series>::render(std::string& out) const {
    std::lock_guard lock(mutex_);
    if (series_.empty()) {
        return;
    }
    out += "# HELP " + descriptor_.name + " " + escape_help(descriptor_.help) + "\n";
    out += "# TYPE " + descriptor_.name + " " + type_name(descriptor_.type) + "\n";
    for (const auto& [values, series] : series_) {
        render_series(out, descriptor_, label_text(descriptor_, values), *series);
    }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

const std::vector<double>& message_duration_buckets() {
    static const std::vector<double> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,  0.5,    1,     2.5,  5,     10,   30};
    return bounds;
}

FamilyBase& Registry::find_or_add(Descriptor descriptor) {
    check_descriptor(descriptor);
    std::lock_guard lock(mutex_);
    auto found = families_.find(descriptor.name);
    if (found != families_.end()) {
        if (!same_shape(found->second->descriptor(), descriptor)) {
            throw Error(ErrorKind::Conflict, "metric " + descriptor.name +
                                                 " is already registered with another type, "
                                                 "help, label names or buckets");
        }
        return *found->second;
    }
    std::unique_ptr<FamilyBase> made;
    switch (descriptor.type) {
        case Type::Counter:
            made = std::make_unique<CounterFamily>(std::move(descriptor));
            break;
        case Type::Gauge:
            made = std::make_unique<GaugeFamily>(std::move(descriptor));
            break;
        case Type::Histogram:
            made = std::make_unique<HistogramFamily>(std::move(descriptor));
            break;
    }
    const std::string& name = made->descriptor().name;
    return *families_.emplace(name, std::move(made)).first->second;
}

CounterFamily& Registry::counter_family(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
    Descriptor d{std::string(name), std::string(help), Type::Counter, std::move(label_names), {}};
    return static_cast<CounterFamily&>(find_or_add(std::move(d)));
}

GaugeFamily& Registry::gauge_family(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names) {
    Descriptor d{std::string(name), std::string(help), Type::Gauge, std::move(label_names), {}};
    return static_cast<GaugeFamily&>(find_or_add(std::move(d)));
}

HistogramFamily& Registry::histogram_family(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> upper_bounds) {
    check_upper_bounds(name, upper_bounds);
    Descriptor d{std::string(name), std::string(help), Type::Histogram, std::move(label_names),
                 std::move(upper_bounds)};
    return static_cast<HistogramFamily&>(find_or_add(std::move(d)));
}

Counter& Registry::counter(std::string_view name, std::string_view help) {
    return counter_family(name, help, {}).with({});
}

Gauge& Registry::gauge(std::string_view name, std::string_view help) {
    return gauge_family(name, help, {}).with({});
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> upper_bounds) {
    return histogram_family(name, help, {}, std::move(upper_bounds)).with({});
}

std::string Registry::render() const {
    std::string out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, family] : families_) {
        family->render(out);
    }
    return out;
}

Registry& default_registry() {
    static Registry registry;
    return registry;
}

CounterFamily& messages_total(Registry& registry) {
    return registry.counter_family("sealpost_messages_total",
                                   "Messages handled, by listener role, action and result.",
                                   {"listener_role", "action", "result"});
}

HistogramFamily& message_duration_seconds(Registry& registry) {
    return registry.histogram_family(
        "sealpost_message_duration_seconds",
        "Time from the end of DATA to the final reply for a message, in seconds.",
        {"listener_role"}, message_duration_buckets());
}

Gauge& smtp_sessions_active(Registry& registry) {
    return registry.gauge("sealpost_smtp_sessions_active", "SMTP sessions open now.");
}

Gauge& delivery_in_flight(Registry& registry) {
    return registry.gauge("sealpost_delivery_in_flight",
                          "Messages being handed to a next hop now.");
}

Gauge& worker_queue_depth(Registry& registry) {
    return registry.gauge("sealpost_worker_queue_depth",
                          "Jobs (crypto, MIME, database) waiting for a worker.");
}

CounterFamily& http_requests_total(Registry& registry) {
    return registry.counter_family("sealpost_http_requests_total",
                                   "HTTP requests answered, by status code.", {"code"});
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    if (ec != std::errc{}) {
        throw Error(ErrorKind::Internal, "cannot format metric value " + std::to_string(value));
    }
    return std::string(buf, end);
}

}  // namespace sealpost::metrics
