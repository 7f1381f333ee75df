#include "storage/state_fields.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "metering/s0_rate.h"
#include "storage/state_columns.h"

namespace pro380::storage {
namespace {

class FieldReader {
 public:
  explicit FieldReader(const std::vector<StateField>& fields) {
    for (const StateField& f : fields) {
      if (!by_name_.emplace(f.name, &f.value).second) {
        error_ = Status::InvalidArgument(f.name + " is given twice");
      }
    }
  }

  std::optional<int64_t> Integer(const std::string& name) {
    const FieldValue* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (const auto* i = std::get_if<int64_t>(v)) return *i;
    if (const auto* d = std::get_if<double>(v)) {
      // 2^63 as a double: the first value that no longer fits.
      if (std::isfinite(*d) && *d == std::trunc(*d) && std::fabs(*d) < 9.2233720368547758e18) {
        return static_cast<int64_t>(*d);
      }
    }
    Fail(name + " must be an integer");
    return std::nullopt;
  }

  std::optional<double> Real(const std::string& name) {
    const FieldValue* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (const auto* d = std::get_if<double>(v)) return *d;
    if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
    Fail(name + " must be a number");
    return std::nullopt;
  }

  std::optional<std::string> Text(const std::string& name) {
    const FieldValue* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (const auto* s = std::get_if<std::string>(v)) return *s;
    Fail(name + " must be a string");
    return std::nullopt;
  }

  void Fail(std::string message) {
    if (error_.ok()) error_ = Status::InvalidArgument(std::move(message));
  }

  // The first error, or an error for a field that was given but never read.
  Status Finish() {
    if (!error_.ok()) return error_;
    for (const auto& [name, value] : by_name_) {
      if (!used_.contains(name)) return Status::InvalidArgument(name + " is not a state field");
    }
    return Status::Ok();
  }

 private:
  const FieldValue* Find(const std::string& name) {
    used_.insert(name);
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) {
      Fail(name + " is missing");
      return nullptr;
    }
    return it->second;
  }

  std::map<std::string, const FieldValue*, std::less<>> by_name_;
  std::set<std::string, std::less<>> used_;
  Status error_;
};

}  // namespace

std::vector<StateField> EncodeMeterState(const metering::MeterState& state) {
  const metering::MeterConfig& c = state.config;
  std::vector<StateField> fields = {
      {"meter_time_ns", c.start.time_since_epoch().count()},
      {"ct_variant", int64_t{c.ct_variant ? 1 : 0}},
      {"ct_ratio", int64_t{c.ct_ratio}},
      {"ct_locked", int64_t{c.ct_locked ? 1 : 0}},
      {"wiring", std::string(metering::WiringName(c.wiring))},
      {"combined_code", int64_t{static_cast<int>(c.combined_code)}},
      {"s0_uwh_per_pulse", c.s0_rate.uwh_per_pulse},
      {"tariff", int64_t{c.tariff == metering::Tariff::kT2 ? 2 : 1}},
  };
  ForEachNumber(state, [&](const auto& name, const auto& value) {
    fields.push_back({name(), value});
  });
  return fields;
}

Result<metering::MeterState> DecodeMeterState(const std::vector<StateField>& fields) {
  FieldReader in(fields);
  metering::MeterState s;
  metering::MeterConfig& c = s.config;
  if (auto t = in.Integer("meter_time_ns")) c.start = TimePoint(Duration(*t));
  const auto flag = [&](const std::string& name, bool& out) {
    if (auto v = in.Integer(name)) {
      if (*v != 0 && *v != 1) in.Fail(name + " is not 0 or 1");
      out = *v == 1;
    }
  };
  flag("ct_variant", c.ct_variant);
  flag("ct_locked", c.ct_locked);
  if (auto v = in.Integer("ct_ratio")) {
    if (*v < 0 || *v > 1'000'000) in.Fail("ct_ratio is out of range");
    c.ct_ratio = static_cast<int>(*v);
  }
  if (auto v = in.Text("wiring")) {
    const auto wiring = metering::WiringFromName(*v);
    if (!wiring) in.Fail("wiring is not 3p4w or 3p3w");
    c.wiring = wiring.value_or(metering::Wiring::k3P4W);
  }
  if (auto v = in.Integer("combined_code")) {
    const auto code =
        *v >= 0 && *v <= 99 ? metering::CombinedCodeFromNumber(static_cast<int>(*v)) : std::nullopt;
    if (!code) in.Fail("combined_code is not one of 1, 4, 5, 6, 9, 10, 11");
    c.combined_code = code.value_or(metering::CombinedCode::kForwardOnly);
  }
  if (auto v = in.Integer("s0_uwh_per_pulse")) {
    bool found = false;
    for (const metering::S0Rate& rate : metering::kS0Rates) {
      if (rate.uwh_per_pulse == *v) {
        c.s0_rate = rate;
        found = true;
      }
    }
    if (!found) in.Fail("s0_uwh_per_pulse is not the pulse energy of any S0 rate");
  }
  if (auto v = in.Integer("tariff")) {
    if (*v != 1 && *v != 2) in.Fail("tariff is not 1 or 2");
    c.tariff = *v == 2 ? metering::Tariff::kT2 : metering::Tariff::kT1;
  }
  ForEachNumber(s, [&](const auto& name, auto& value) {
    using T = std::remove_cvref_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      if (auto v = in.Real(name())) value = *v;
    } else {
      if (auto v = in.Integer(name())) value = *v;
    }
  });
  if (Status st = in.Finish(); !st.ok()) return st;
  if (Status st = metering::ValidateMeterState(s); !st.ok()) return st;
  return s;
}

}  // namespace pro380::storage
