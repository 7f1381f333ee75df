#include "app/read_command.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "device/modbus_readout.h"
#include "device/register_names.h"
#include "transport/monotonic_clock.h"

namespace pro380::app {
namespace {

constexpr const char* kDefaultWatch = "5s";
constexpr int kMaxWatchCount = 1000000;

volatile std::sig_atomic_t stop_requested = 0;
void RequestStop(int /*signal*/) { stop_requested = 1; }

int Fail(const Status& status) { return ReportFailure("read", status); }

// One whole readout: every entry of the three blocks, in address order.
Result<std::vector<device::ReadoutValue>> ReadMeter(ModbusMaster& master, uint8_t id) {
  std::vector<device::ReadoutValue> values;
  for (const device::RegisterBlock& block : device::ReadoutBlocks()) {
    auto words = master.ReadHolding(id, block.start, block.count);
    if (!words.ok()) return words.status();
    for (device::ReadoutValue& value : device::DecodeReadoutBlock(block, *words)) {
      // PRO1-only registers (§1.4) are answered 0.0 by a PRO380: nothing to show.
      if (value.def->device == device::DeviceValue::kSinglePhaseOnly) continue;
      values.push_back(std::move(value));
    }
  }
  return values;
}

bool Integral(const device::ReadoutValue& v) {
  if (!v.def->shows_quantity()) return v.def->encoding != device::Encoding::kFloat32;
  const metering::QuantityKind kind = metering::QuantityInfo(v.def->quantity).kind;
  return kind == metering::QuantityKind::kOutput ||
         (kind == metering::QuantityKind::kDevice && *v.value == std::trunc(*v.value));
}

nlohmann::ordered_json ValueJson(const device::ReadoutValue& v) {
  if (!v.text.empty()) return v.text;
  if (!v.value) return nullptr;
  if (Integral(v)) return static_cast<int64_t>(*v.value);
  return *v.value;
}

nlohmann::ordered_json ReadingJson(const ReadArgs& args,
                                   const std::vector<device::ReadoutValue>& values) {
  nlohmann::ordered_json meter = nlohmann::ordered_json::object();
  meter["endpoint"] = DescribeEndpoint(args.endpoint);
  meter["id"] = args.endpoint.id;
  nlohmann::ordered_json quantities = nlohmann::ordered_json::object();
  for (const device::ReadoutValue& v : values) {
    const std::string name(device::RegisterName(*v.def));
    (v.def->shows_quantity() ? quantities : meter)[name] = ValueJson(v);
  }
  return {{"meter", meter}, {"quantities", quantities}};
}

std::string ValueText(const device::ReadoutValue& v) {
  if (!v.text.empty()) return v.text;
  if (!v.value) return "invalid";
  char text[64];
  if (Integral(v)) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(*v.value));
  } else if (v.def->decimals >= 0) {
    std::snprintf(text, sizeof text, "%.*f", v.def->decimals, *v.value);
  } else {
    std::snprintf(text, sizeof text, "%g", *v.value);
  }
  return text;
}

void PrintTable(const ReadArgs& args, const std::vector<device::ReadoutValue>& values) {
  std::printf("PRO380 ID %d at %s\n", args.endpoint.id, DescribeEndpoint(args.endpoint).c_str());
  for (const device::ReadoutValue& v : values) {
    std::string line = std::string(device::RegisterName(*v.def));
    line.resize(36, ' ');
    const std::string value = ValueText(v);
    line += std::string(value.size() < 17 ? 17 - value.size() : 1, ' ') + value;
    if (!v.def->unit.empty()) line += " " + std::string(v.def->unit);
    std::printf("%s\n", line.c_str());
  }
}

Result<std::optional<Duration>> WatchPeriod(const ReadArgs& args) {
  if (!args.watch) {
    if (args.count != 0) return Status::InvalidArgument("--count needs --watch");
    return std::optional<Duration>();
  }
  if (args.count < 0 || args.count > kMaxWatchCount) {
    return Status::InvalidArgument("--count " + std::to_string(args.count) +
                                   " must be 0 (until Ctrl-C) .. 1000000");
  }
  const std::string text = args.watch->empty() ? kDefaultWatch : *args.watch;
  // A bare number is seconds, as the contract writes it (--watch [SECONDS]).
  const bool bare = text.find_first_not_of("0123456789.") == std::string::npos;
  auto period = ParseDuration(bare ? text + "s" : text);
  if (!period.ok()) return period.status().WithContext("--watch");
  if (*period < std::chrono::milliseconds(100)) {
    return Status::InvalidArgument("--watch '" + text + "' must be at least 0.1 s");
  }
  return std::optional<Duration>(*period);
}

}  // namespace

CLI::App* AddReadCommand(CLI::App& app, ReadArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "read", "Read a PRO380 (real or virtual) over Modbus and print every quantity");
  AddClientEndpointOptions(*cmd, args.endpoint);
  cmd->add_flag("--json", args.json, "print JSON ({\"meter\": …, \"quantities\": …})");
  cmd->add_option("--watch", args.watch, "re-read every SECONDS (default 5) until Ctrl-C")
      ->expected(0, 1);
  cmd->add_option("--count", args.count, "with --watch: stop after this many readings");
  return cmd;
}

int RunRead(const ReadArgs& args) {
  if (Status valid = ValidateClientEndpoint(args.endpoint); !valid.ok()) return Fail(valid);
  auto period = WatchPeriod(args);
  if (!period.ok()) return Fail(period.status());
  auto master = OpenModbusMaster(args.endpoint);
  if (!master.ok()) return Fail(master.status());
  const auto id = static_cast<uint8_t>(args.endpoint.id);
  if (*period) {
    std::signal(SIGINT, RequestStop);
    std::signal(SIGTERM, RequestStop);
  }
  for (int reading = 1; stop_requested == 0; ++reading) {
    const TimePoint started = transport::MonotonicNow();
    auto values = ReadMeter(**master, id);
    if (!values.ok()) return Fail(values.status());
    if (args.json) {
      // One object; in --watch mode one compact object per line (JSON Lines).
      const nlohmann::ordered_json out = ReadingJson(args, *values);
      std::cout << (*period ? out.dump() : out.dump(2)) << std::endl;
    } else {
      PrintTable(args, *values);
      std::fflush(stdout);
    }
    if (!*period || (args.count > 0 && reading >= args.count)) break;
    const TimePoint next = started + **period;
    while (stop_requested == 0 && transport::MonotonicNow() < next) {
      std::this_thread::sleep_for(
          std::min<Duration>(next - transport::MonotonicNow(), std::chrono::milliseconds(100)));
    }
    if (!args.json) std::printf("\n");
  }
  return kExitOk;
}

}  // namespace pro380::app
