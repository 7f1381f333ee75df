#include "app/mbus_scan.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/exit_status.h"
#include "app/mbus_master.h"
#include "protocol/mbus/records.h"
#include "protocol/mbus/slave_device.h"

namespace pro380::app {
namespace {

int Fail(const Status& status) { return ReportFailure("scan", status); }

struct FoundMeter {
  int probed_at = 0;  // the A field used: a primary address, or 253
  mbus::Readout readout;
  // Selected by its fabrication number too: it shares its secondary address with another meter.
  bool by_fabrication = false;
};

std::string Digits8(uint32_t value) {
  std::string text = std::to_string(value);
  return text.size() < 8 ? std::string(8 - text.size(), '0') + text : text;
}

// The fabrication number record of a readout (DIF 0C, VIF 78, storage 0: "22091039"), if any.
std::optional<std::string> FabricationNumberOf(const mbus::Readout& readout) {
  auto records = mbus::ParseRecords(readout.records);
  if (!records.ok()) return std::nullopt;
  for (const mbus::ParsedRecord& r : *records) {
    if (r.header.vib.size == 1 && r.header.vib.bytes[0] == mbus::kVifFabricationNumber &&
        r.header.storage == 0 && r.header.data == mbus::DataField::kBcd8 && r.value_valid) {
      return Digits8(static_cast<uint32_t>(r.value));
    }
  }
  return std::nullopt;
}

struct Problem {
  std::string where;  // "primary address 5", "secondary address 12345678"
  std::string what;
};

using Probe = std::function<Result<SelectProbe>(const mbus::SecondaryMask&)>;
using Found = std::function<Status(const mbus::SecondaryMask&)>;
using Duplicate = std::function<void(const mbus::SecondaryMask&)>;

constexpr std::size_t kIdDigits = 8;
constexpr std::size_t kSearchDigits = 16;  // the ID's, then the fabrication number's

// Digit `k` of the search: an ID digit, then (k >= 8) a fabrication number digit.
uint8_t& SearchDigit(mbus::SecondaryMask& mask, std::size_t k) {
  return k < kIdDigits ? mask.digits[k] : (*mask.fabrication)[k - kIdDigits];
}

// Searches below `mask` (already probed: several answer) from search digit `digit`. Returns how
// many meters it reported (found or duplicate).
Result<std::size_t> DescendBelow(const Probe& probe, const Found& found, const Duplicate& duplicate,
                                 mbus::SecondaryMask mask, std::size_t digit);

Result<std::size_t> Descend(const Probe& probe, const Found& found, const Duplicate& duplicate,
                            const mbus::SecondaryMask& mask, std::size_t digit) {
  auto result = probe(mask);
  if (!result.ok()) return result.status();
  switch (*result) {
    case SelectProbe::kNone:
      return std::size_t{0};
    case SelectProbe::kOne:
      if (Status s = found(mask); !s.ok()) return s;
      return std::size_t{1};
    case SelectProbe::kSeveral:
      break;
  }
  return DescendBelow(probe, found, duplicate, mask, digit);
}

Result<std::size_t> DescendBelow(const Probe& probe, const Found& found, const Duplicate& duplicate,
                                 mbus::SecondaryMask mask, std::size_t digit) {
  while (digit < kIdDigits && mask.digits[digit] != mbus::kAnyDigit) ++digit;
  if (digit == kIdDigits && !mask.fabrication) {
    // Several meters with one secondary address: told apart by their fabrication numbers
    // (enhanced selection), unless they do not take that selection; then, or if they share the
    // fabrication number too, the address is reported as a duplicate.
    mbus::SecondaryMask by_fabrication = mask;
    by_fabrication.fabrication.emplace();
    by_fabrication.fabrication->fill(mbus::kAnyDigit);
    auto reported = DescendBelow(probe, found, duplicate, by_fabrication, kIdDigits);
    if (!reported.ok() || *reported > 0) return reported;
    duplicate(mask);
    return std::size_t{1};
  }
  while (digit < kSearchDigits && SearchDigit(mask, digit) != mbus::kAnyDigit) ++digit;
  if (digit == kSearchDigits) {
    duplicate(mask);
    return std::size_t{1};
  }
  std::size_t reported = 0;
  if (digit < kIdDigits) {
    for (uint8_t value = 0; value <= 9; ++value) {
      SearchDigit(mask, digit) = value;
      auto below = Descend(probe, found, duplicate, mask, digit + 1);
      if (!below.ok()) return below.status();
      reported += *below;
    }
    return reported;
  }
  // A fabrication number digit: each value probed first (a meter alone is read at once, while it
  // is selected), then the values several answer are searched further, unless all ten are:
  // meters that ignore the fabrication number record answer every value, and their 10^8 masks
  // are not searched but reported as one duplicate.
  std::vector<uint8_t> several;
  for (uint8_t value = 0; value <= 9; ++value) {
    SearchDigit(mask, digit) = value;
    auto result = probe(mask);
    if (!result.ok()) return result.status();
    if (*result == SelectProbe::kOne) {
      if (Status s = found(mask); !s.ok()) return s;
      ++reported;
    } else if (*result == SelectProbe::kSeveral) {
      several.push_back(value);
    }
  }
  if (several.size() == 10) {
    SearchDigit(mask, digit) = mbus::kAnyDigit;
    duplicate(mask);
    return reported + 1;
  }
  for (const uint8_t value : several) {
    SearchDigit(mask, digit) = value;
    auto below = DescendBelow(probe, found, duplicate, mask, digit + 1);
    if (!below.ok()) return below.status();
    reported += *below;
  }
  return reported;
}

nlohmann::ordered_json MeterJson(const FoundMeter& m) {
  const mbus::FixedHeader& h = m.readout.header;
  const std::optional<std::string> fabrication = FabricationNumberOf(m.readout);
  return {{"primary_address", m.readout.address},
          {"secondary_address",
           h.id_valid ? nlohmann::ordered_json(Digits8(h.id)) : nlohmann::ordered_json(nullptr)},
          {"manufacturer", mbus::ManufacturerText(h.manufacturer)},
          {"version", h.version},
          {"medium", h.medium},
          {"fabrication_number",
           fabrication ? nlohmann::ordered_json(*fabrication) : nlohmann::ordered_json(nullptr)},
          {"selected_by_fabrication_number", m.by_fabrication}};
}

}  // namespace

Status SecondarySearch(const std::function<Result<SelectProbe>(const mbus::SecondaryMask&)>& probe,
                       const std::function<Status(const mbus::SecondaryMask&)>& found,
                       const std::function<void(const mbus::SecondaryMask&)>& duplicate,
                       const mbus::SecondaryMask& start) {
  auto reported = Descend(probe, found, duplicate, start, 0);
  return reported.ok() ? Status::Ok() : reported.status();
}

Result<mbus::SecondaryMask> ScanStartMask(const MbusScanFilter& filter) {
  mbus::SecondaryMask mask;
  if (filter.secondary) {
    const std::string& text = *filter.secondary;
    auto parsed = text.size() == 16 ? mbus::SecondaryMask::FromFullText(text)
                                    : mbus::SecondaryMask::FromText(text);
    if (!parsed) {
      return Status::InvalidArgument(
          "--secondary '" + text +
          "' must be a mask of 8 ID characters (digits or F, e.g. 1234FFFF) or 16 "
          "(IDIDIDIDMMMMVVMM, libmbus's form: manufacturer, version, medium in hex as sent, "
          "e.g. FFFFFFFFCD25FF02)");
    }
    mask = *parsed;
  }
  const auto both = [](const std::string& option) {
    return Status::InvalidArgument(option + " and --secondary's mask both set the " +
                                   option.substr(2) + "; give it once");
  };
  if (filter.manufacturer) {
    const std::string& letters = *filter.manufacturer;
    if (letters.size() != 3 ||
        letters.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      return Status::InvalidArgument("--manufacturer '" + letters +
                                     "' must be 3 capital letters A..Z (the PRO380's: INM)");
    }
    if (mask.manufacturer != mbus::kAnyManufacturer) return both("--manufacturer");
    mask.manufacturer = mbus::ManufacturerCode(letters);
  }
  const auto byte_field = [&](const std::optional<int>& value, const std::string& option,
                              uint8_t& field) -> Status {
    if (!value) return Status::Ok();
    if (*value < 0 || *value >= mbus::kAnyByte) {
      return Status::InvalidArgument(option + " " + std::to_string(*value) +
                                     " must be 0..254 (255 is the wildcard)");
    }
    if (field != mbus::kAnyByte) return both(option);
    field = static_cast<uint8_t>(*value);
    return Status::Ok();
  };
  if (Status s = byte_field(filter.version, "--version", mask.version); !s.ok()) return s;
  if (Status s = byte_field(filter.medium, "--medium", mask.medium); !s.ok()) return s;
  return mask;
}

int RunMbusScan(const ClientEndpointArgs& endpoint, const std::optional<PrimaryProbe>& primary,
                bool json, const MbusScanFilter& filter) {
  if (primary && filter.given()) {
    return Fail(Status::InvalidArgument(
        "--secondary, --manufacturer, --version and --medium filter the secondary address "
        "search; --primary probes primary addresses"));
  }
  auto start = ScanStartMask(filter);
  if (!start.ok()) return Fail(start.status());
  auto opened = OpenMbusMaster(endpoint.mbus, ClientTimeout(endpoint), endpoint.retries);
  if (!opened.ok()) return Fail(opened.status());
  MbusMaster& master = **opened;
  std::vector<FoundMeter> meters;
  std::vector<Problem> problems;
  int probes = 0;
  if (primary) {
    for (const uint8_t a : primary->addresses) {
      ++probes;
      Status reset = master.Reset(a, /*detect_collision=*/true);
      if (!reset.ok()) {
        const TransactionFailure failure = master.last_failure();
        if (failure == TransactionFailure::kNoReply) continue;
        if (failure == TransactionFailure::kLink) return Fail(reset);
        problems.push_back({DescribeMbusAddress(a), std::string(reset.message())});
        continue;
      }
      auto readout = master.ReadOut(a);
      if (!readout.ok()) {
        if (master.last_failure() == TransactionFailure::kLink) return Fail(readout.status());
        problems.push_back({DescribeMbusAddress(a), std::string(readout.status().message())});
        continue;
      }
      meters.push_back({a, std::move(*readout), false});
    }
  } else {
    const auto probe = [&](const mbus::SecondaryMask& mask) -> Result<SelectProbe> {
      ++probes;
      Status selected = master.Select(mask);
      if (selected.ok()) return SelectProbe::kOne;
      switch (master.last_failure()) {
        case TransactionFailure::kNoReply:
          return SelectProbe::kNone;
        case TransactionFailure::kLink:
          return selected;
        default:
          return SelectProbe::kSeveral;  // garbled or more than one E5: descend
      }
    };
    const auto found = [&](const mbus::SecondaryMask& mask) -> Status {
      auto readout = master.ReadOut(mbus::kAddressSecondary);
      if (readout.ok()) {
        meters.push_back(
            {mbus::kAddressSecondary, std::move(*readout), mask.fabrication.has_value()});
        return Status::Ok();
      }
      if (master.last_failure() == TransactionFailure::kLink) return readout.status();
      problems.push_back(
          {"secondary address " + mask.Text(), std::string(readout.status().message())});
      return Status::Ok();
    };
    const auto duplicate = [&](const mbus::SecondaryMask& mask) {
      problems.push_back({"secondary address " + mask.Text(),
                          !mask.fabrication ? "several meters answer this one address, and none "
                                              "when selected by a fabrication number too"
                          : mask.fabrication->back() == mbus::kAnyDigit
                              ? "several meters answer this one address whatever the fabrication "
                                "number in the selection"
                              : "several meters share this address and fabrication number"});
    };
    if (Status s = SecondarySearch(probe, found, duplicate, *start); !s.ok()) return Fail(s);
  }
  const std::string where = DescribeEndpoint(endpoint);
  // "secondary address search", "… of FFFFFFFFCD25FF02" when filtered.
  const std::string search =
      primary ? "primary address search"
              : "secondary address search" + (filter.given() ? " of " + start->FullText() : "");
  const mbus::ClientCounters& c = master.counters();
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const FoundMeter& m : meters) list.push_back(MeterJson(m));
    nlohmann::ordered_json others = nlohmann::ordered_json::array();
    for (const Problem& p : problems) others.push_back({{"where", p.where}, {"problem", p.what}});
    nlohmann::ordered_json out = {
        {"endpoint", where}, {"search", primary ? "primary" : "secondary"},
        {"probes", probes},  {"meters", list},
        {"others", others},  {"collisions", c.collisions}};
    if (!primary) out["mask"] = start->FullText();
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("%-8s %-9s %-13s %-7s %s\n", "primary", "secondary", "manufacturer", "version",
                "medium");
    for (const FoundMeter& m : meters) {
      const mbus::FixedHeader& h = m.readout.header;
      std::printf(
          "%-8d %-9s %-13s %-7d %d%s\n", m.readout.address,
          h.id_valid ? Digits8(h.id).c_str() : "invalid",
          mbus::ManufacturerText(h.manufacturer).c_str(), h.version, h.medium,
          m.by_fabrication
              ? ("  fabrication number " + FabricationNumberOf(m.readout).value_or("?")).c_str()
              : "");
    }
    for (const Problem& p : problems) {
      std::printf("(%s: %s)\n", p.where.c_str(), p.what.c_str());
    }
    std::printf("%zu meters found at %s by %s (%d probes, %llu collisions)\n", meters.size(),
                where.c_str(), search.c_str(), probes,
                static_cast<unsigned long long>(c.collisions));
  }
  if (meters.empty()) {
    return Fail(Status::NotFound("no meter answered at " + where + " (" +
                                 (primary ? "primary addresses " + primary->named : search) + ")"));
  }
  return kExitOk;
}

}  // namespace pro380::app
