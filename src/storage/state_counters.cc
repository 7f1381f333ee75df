#include "storage/state_counters.h"

#include <bit>
#include <type_traits>

#include "storage/state_columns.h"

namespace pro380::storage {
namespace {

constexpr size_t kRealsAt = 4 + 8 * kCounterIntegers;

// Counted at compile time from ForEachNumber, so the layout's sizes cannot drift from the fields.
constexpr std::array<size_t, 2> CountNumbers() {
  metering::MeterState probe{};
  std::array<size_t, 2> counts{};
  ForEachNumber(probe, [&counts](const auto&, const auto& value) {
    ++counts[std::is_same_v<std::remove_cvref_t<decltype(value)>, double> ? 1 : 0];
  });
  return counts;
}

void Store64(uint8_t* at, uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t Load64(const uint8_t* at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(at[i]) << (8 * i);
  return v;
}

void StoreLayout(CountersBlob& out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(kCountersLayout >> (8 * i));
}

}  // namespace

void EncodeCounters(const metering::MeterState& state, CountersBlob& out) {
  StoreLayout(out);
  size_t integer = 0;
  size_t real = 0;
  ForEachNumber(state, [&](const auto&, const auto& value) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, double>) {
      Store64(out.data() + kRealsAt + 8 * real++, std::bit_cast<uint64_t>(value));
    } else {
      Store64(out.data() + 4 + 8 * integer++, static_cast<uint64_t>(value));
    }
  });
}

void PackCounters(std::span<const int64_t, kCounterIntegers> integers,
                  std::span<const double, kCounterReals> reals, CountersBlob& out) {
  StoreLayout(out);
  for (size_t i = 0; i < kCounterIntegers; ++i) {
    Store64(out.data() + 4 + 8 * i, static_cast<uint64_t>(integers[i]));
  }
  for (size_t i = 0; i < kCounterReals; ++i) {
    Store64(out.data() + kRealsAt + 8 * i, std::bit_cast<uint64_t>(reals[i]));
  }
}

Result<std::vector<StateField>> DecodeCounters(std::span<const uint8_t> blob) {
  static_assert(CountNumbers()[0] == kCounterIntegers && CountNumbers()[1] == kCounterReals,
                "the counters layout must hold every number of ForEachNumber");
  if (blob.size() != kCountersSize) {
    return Status::InvalidArgument("counters is " + std::to_string(blob.size()) +
                                   " bytes, layout 1 has " + std::to_string(kCountersSize));
  }
  const uint32_t layout = static_cast<uint32_t>(blob[0]) | static_cast<uint32_t>(blob[1]) << 8 |
                          static_cast<uint32_t>(blob[2]) << 16 |
                          static_cast<uint32_t>(blob[3]) << 24;
  if (layout != kCountersLayout) {
    return Status::InvalidArgument("counters has layout " + std::to_string(layout) +
                                   ", this pro380 reads layout 1");
  }
  std::vector<StateField> fields;
  fields.reserve(kCounterIntegers + kCounterReals);
  size_t integer = 0;
  size_t real = 0;
  const metering::MeterState probe{};
  ForEachNumber(probe, [&](const auto& name, const auto& value) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, double>) {
      fields.push_back(
          {name(), std::bit_cast<double>(Load64(blob.data() + kRealsAt + 8 * real++))});
    } else {
      fields.push_back({name(), static_cast<int64_t>(Load64(blob.data() + 4 + 8 * integer++))});
    }
  });
  return fields;
}

}  // namespace pro380::storage
