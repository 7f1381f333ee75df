#include "app/mbus_scan.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/exit_status.h"
#include "app/mbus_master.h"
#include "protocol/mbus/slave_device.h"

namespace pro380::app {
namespace {

int Fail(const Status& status) { return ReportFailure("scan", status); }

struct FoundMeter {
  int probed_at = 0;  // the A field used: a primary address, or 253
  mbus::Readout readout;
};

struct Problem {
  std::string where;  // "primary address 5", "secondary address 12345678"
  std::string what;
};

std::string Digits8(uint32_t value) {
  std::string text = std::to_string(value);
  return text.size() < 8 ? std::string(8 - text.size(), '0') + text : text;
}

Status Descend(const std::function<Result<SelectProbe>(const mbus::SecondaryMask&)>& probe,
               const std::function<Status(const mbus::SecondaryMask&)>& found,
               const std::function<void(const mbus::SecondaryMask&)>& duplicate,
               mbus::SecondaryMask mask, std::size_t digit) {
  auto result = probe(mask);
  if (!result.ok()) return result.status();
  switch (*result) {
    case SelectProbe::kNone:
      return Status::Ok();
    case SelectProbe::kOne:
      return found(mask);
    case SelectProbe::kSeveral:
      break;
  }
  while (digit < mask.digits.size() && mask.digits[digit] != mbus::kAnyDigit) ++digit;
  if (digit == mask.digits.size()) {
    duplicate(mask);
    return Status::Ok();
  }
  for (uint8_t value = 0; value <= 9; ++value) {
    mask.digits[digit] = value;
    if (Status s = Descend(probe, found, duplicate, mask, digit + 1); !s.ok()) return s;
  }
  return Status::Ok();
}

nlohmann::ordered_json MeterJson(const FoundMeter& m) {
  const mbus::FixedHeader& h = m.readout.header;
  return {{"primary_address", m.readout.address},
          {"secondary_address",
           h.id_valid ? nlohmann::ordered_json(Digits8(h.id)) : nlohmann::ordered_json(nullptr)},
          {"manufacturer", mbus::ManufacturerText(h.manufacturer)},
          {"version", h.version},
          {"medium", h.medium}};
}

}  // namespace

Status SecondarySearch(const std::function<Result<SelectProbe>(const mbus::SecondaryMask&)>& probe,
                       const std::function<Status(const mbus::SecondaryMask&)>& found,
                       const std::function<void(const mbus::SecondaryMask&)>& duplicate,
                       const mbus::SecondaryMask& start) {
  return Descend(probe, found, duplicate, start, 0);
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
      meters.push_back({a, std::move(*readout)});
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
        meters.push_back({mbus::kAddressSecondary, std::move(*readout)});
        return Status::Ok();
      }
      if (master.last_failure() == TransactionFailure::kLink) return readout.status();
      problems.push_back(
          {"secondary address " + mask.Text(), std::string(readout.status().message())});
      return Status::Ok();
    };
    const auto duplicate = [&](const mbus::SecondaryMask& mask) {
      problems.push_back(
          {"secondary address " + mask.Text(), "several meters answer this one address"});
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
      std::printf("%-8d %-9s %-13s %-7d %d\n", m.readout.address,
                  h.id_valid ? Digits8(h.id).c_str() : "invalid",
                  mbus::ManufacturerText(h.manufacturer).c_str(), h.version, h.medium);
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
