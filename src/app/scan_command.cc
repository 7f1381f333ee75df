#include "app/scan_command.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/exit_status.h"
#include "app/mbus_scan.h"
#include "device/modbus_readout.h"
#include "device/register_names.h"

namespace pro380::app {
namespace {

// The probe: the identity head of the info block, serial .. hardware version (§1.3), one request.
constexpr device::RegisterBlock kProbe = {0x4000, 11};

int Fail(const Status& status) { return ReportFailure("scan", status); }

struct Found {
  int id = 0;
  std::vector<device::ReadoutValue> values;  // empty for another device
  std::string problem;                       // why it is not listed as a PRO380
};

Status BadIdList(const std::string& whole, const IdRange& range) {
  const std::string lowest = std::to_string(range.lowest);
  const std::string highest = std::to_string(range.highest);
  return Status::InvalidArgument("--ids '" + whole + "' must be " + range.what + " " + lowest +
                                 ".." + highest + " and ranges, e.g. " + lowest + "-" + highest +
                                 " or 1,3,10-12");
}

Result<int> IdNumber(const std::string& text, const std::string& whole, const IdRange& range) {
  if (text.empty() || text.size() > 3 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return BadIdList(whole, range);
  }
  const int id = std::stoi(text);
  if (id < range.lowest || id > range.highest) return BadIdList(whole, range);
  return id;
}

nlohmann::ordered_json Value(const device::ReadoutValue& v) {
  if (!v.text.empty()) return v.text;
  if (!v.value) return nullptr;
  if (v.def->encoding != device::Encoding::kFloat32) return static_cast<int64_t>(*v.value);
  return *v.value;
}

std::string Text(const device::ReadoutValue& v) {
  if (!v.text.empty()) return v.text;
  if (!v.value) return "invalid";
  std::ostringstream out;
  out << *v.value;
  return out.str();
}

const device::ReadoutValue* Named(const Found& found, std::string_view name) {
  for (const device::ReadoutValue& v : found.values) {
    if (device::RegisterName(*v.def) == name) return &v;
  }
  return nullptr;
}

void PrintTable(const std::vector<Found>& found) {
  std::printf("%-4s %-9s %-11s %-9s %-9s %s\n", "ID", "serial", "meter code", "software",
              "protocol", "hardware");
  for (const Found& f : found) {
    if (f.values.empty()) {
      std::printf("%-4d (not a PRO380: %s)\n", f.id, f.problem.c_str());
      continue;
    }
    auto show = [&](std::string_view name) {
      const device::ReadoutValue* v = Named(f, name);
      return v ? Text(*v) : std::string("?");
    };
    std::printf("%-4d %-9s %-11s %-9s %-9s %s\n", f.id, show("serial_number").c_str(),
                show("meter_code").c_str(), show("software_version").c_str(),
                show("protocol_version").c_str(), show("hardware_version").c_str());
  }
}

}  // namespace

Result<std::vector<uint8_t>> ParseIdList(const std::string& text, const IdRange& range) {
  std::set<int> ids;
  std::stringstream parts(text);
  std::string part;
  int count = 0;
  while (std::getline(parts, part, ',')) {
    ++count;
    const std::size_t dash = part.find('-');
    auto first = IdNumber(part.substr(0, dash), text, range);
    if (!first.ok()) return first.status();
    int last = *first;
    if (dash != std::string::npos) {
      auto end = IdNumber(part.substr(dash + 1), text, range);
      if (!end.ok()) return end.status();
      last = *end;
    }
    if (last < *first) {
      return Status::InvalidArgument("--ids '" + text + "': range " + part + " runs backwards");
    }
    for (int id = *first; id <= last; ++id) ids.insert(id);
  }
  if (count == 0 || text.back() == ',') return BadIdList(text, range);
  return std::vector<uint8_t>(ids.begin(), ids.end());
}

CLI::App* AddScanCommand(CLI::App& app, ScanArgs& args) {
  CLI::App* cmd = app.add_subcommand("scan", "Find the PRO380s on a Modbus bus or an M-Bus");
  AddClientEndpointOptions(*cmd, args.endpoint, /*with_id=*/false);
  cmd->add_option("--ids", args.ids,
                  "IDs to probe: 1-247 (default), 5, 1,3,10-12; with --primary, M-Bus primary "
                  "addresses 0-250 (default)");
  cmd->add_flag("--json", args.json, "print JSON ({\"endpoint\": …, \"meters\": [...]})");
  cmd->add_flag("--primary", args.primary,
                "M-Bus: probe primary addresses 0..250 instead of the secondary address search");
  cmd->add_option("--secondary", args.filter.secondary,
                  "M-Bus: search only secondary addresses matching this mask (1234FFFF, or "
                  "libmbus's 16 characters IDIDIDIDMMMMVVMM)");
  cmd->add_option("--manufacturer", args.filter.manufacturer,
                  "M-Bus: search only this manufacturer (3 letters; the PRO380's: INM)");
  cmd->add_option("--version", args.filter.version, "M-Bus: search only this version 0..254");
  cmd->add_option("--medium", args.filter.medium,
                  "M-Bus: search only this medium 0..254 (2: electricity)");
  return cmd;
}

int RunScan(const ScanArgs& args) {
  if (Status valid = ValidateClientEndpoint(args.endpoint); !valid.ok()) return Fail(valid);
  if (IecGiven(args.endpoint.iec)) {
    // An IR head sits on one meter's optical port: there is no bus to scan (docs/client.md).
    return Fail(Status::InvalidArgument(
        "scan: the optical port (" + DescribeIecEndpoint(args.endpoint.iec) +
        ") reaches the one meter the IR head sits on; there is no bus to scan: read it with "
        "`pro380 read --iec` (its identification and serial number)"));
  }
  if (MbusGiven(args.endpoint.mbus)) {
    if (!args.primary) {
      if (args.ids) {
        return Fail(Status::InvalidArgument(
            "--ids lists the primary addresses to probe: add --primary (the secondary address "
            "search narrows with --secondary MASK)"));
      }
      return RunMbusScan(args.endpoint, std::nullopt, args.json, args.filter);
    }
    auto addresses = ParseIdList(args.ids.value_or("0-250"), kMbusPrimaryAddresses);
    if (!addresses.ok()) return Fail(addresses.status());
    return RunMbusScan(args.endpoint, PrimaryProbe{*addresses, args.ids.value_or("0..250")},
                       args.json, args.filter);
  }
  if (args.primary) return Fail(Status::InvalidArgument("--primary needs --mbus or --mbus-tcp"));
  if (args.filter.given()) {
    return Fail(Status::InvalidArgument(
        "--secondary, --manufacturer, --version and --medium need --mbus or --mbus-tcp"));
  }
  const std::string id_list = args.ids.value_or("1-247");
  auto ids = ParseIdList(id_list);
  if (!ids.ok()) return Fail(ids.status());
  auto master = OpenModbusMaster(args.endpoint);
  if (!master.ok()) return Fail(master.status());
  std::vector<Found> found;
  for (const uint8_t id : *ids) {
    auto words = (*master)->ReadHolding(id, kProbe.start, kProbe.count);
    if (words.ok()) {
      found.push_back({id, device::DecodeReadoutBlock(kProbe, *words), ""});
      continue;
    }
    const TransactionFailure failure = (*master)->last_failure();
    if (failure == TransactionFailure::kNoReply) continue;  // nobody at this ID
    if (failure == TransactionFailure::kLink) return Fail(words.status());
    // Something answered, but not with a PRO380's identity: an exception, or a garbled reply
    // (two devices with one ID collide on RS485).
    found.push_back({id, {}, words.status().message()});
  }
  const modbus::ClientCounters& c = (*master)->counters();
  if (args.json) {
    nlohmann::ordered_json meters = nlohmann::ordered_json::array();
    nlohmann::ordered_json others = nlohmann::ordered_json::array();
    for (const Found& f : found) {
      if (f.values.empty()) {
        others.push_back({{"id", f.id}, {"problem", f.problem}});
        continue;
      }
      nlohmann::ordered_json meter = {{"id", f.id}};
      for (const device::ReadoutValue& v : f.values) {
        meter[std::string(device::RegisterName(*v.def))] = Value(v);
      }
      meters.push_back(meter);
    }
    nlohmann::ordered_json out = {{"endpoint", DescribeEndpoint(args.endpoint)},
                                  {"probed", ids->size()},
                                  {"meters", meters},
                                  {"others", others},
                                  {"bad_frames", c.bad_frames},
                                  {"skipped_bytes", c.skipped_bytes}};
    std::cout << out.dump(2) << "\n";
  } else {
    PrintTable(found);
    std::printf("%zu of %zu IDs answered at %s (%llu garbled frames)\n", found.size(), ids->size(),
                DescribeEndpoint(args.endpoint).c_str(),
                static_cast<unsigned long long>(c.bad_frames));
  }
  if (found.empty()) {
    return Fail(Status::NotFound("no meter answered at " + DescribeEndpoint(args.endpoint) +
                                 " on IDs " + id_list));
  }
  return kExitOk;
}

}  // namespace pro380::app
