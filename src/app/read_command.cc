#include "app/read_command.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/iec_reading.h"
#include "app/mbus_reading.h"
#include "app/reading_output.h"
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

ReadingEntry EntryOf(const device::ReadoutValue& v) {
  ReadingEntry entry;
  entry.name = std::string(device::RegisterName(*v.def));
  entry.unit = std::string(v.def->unit);
  entry.quantity = v.def->shows_quantity();
  entry.decimals = v.def->decimals;
  entry.value = v.value;
  entry.text = v.text;
  if (!v.def->shows_quantity()) {
    entry.integral = v.def->encoding != device::Encoding::kFloat32;
  } else if (v.value) {
    const metering::QuantityKind kind = metering::QuantityInfo(v.def->quantity).kind;
    entry.integral = kind == metering::QuantityKind::kOutput ||
                     (kind == metering::QuantityKind::kDevice && *v.value == std::trunc(*v.value));
  }
  return entry;
}

// One Modbus reading in the output's terms.
Result<Reading> ReadModbusMeter(ModbusMaster& master, const ReadArgs& args) {
  auto values = ReadMeter(master, static_cast<uint8_t>(args.endpoint.id));
  if (!values.ok()) return values.status();
  Reading reading;
  reading.title =
      "PRO380 ID " + std::to_string(args.endpoint.id) + " at " + DescribeEndpoint(args.endpoint);
  reading.meter["endpoint"] = DescribeEndpoint(args.endpoint);
  reading.meter["id"] = args.endpoint.id;
  for (const device::ReadoutValue& v : *values) reading.entries.push_back(EntryOf(v));
  return reading;
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
      "read",
      "Read a PRO380 (real or virtual) over Modbus, M-Bus or the optical port and print every "
      "quantity");
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
  // One reading on the chosen bus.
  std::unique_ptr<ModbusMaster> modbus;
  std::unique_ptr<IecMaster> iec;
  std::unique_ptr<MbusMaster> mbus;
  if (IecGiven(args.endpoint.iec)) {
    auto master = OpenIecMaster(args.endpoint.iec, ClientTimeout(args.endpoint));
    if (!master.ok()) return Fail(master.status());
    iec = std::move(*master);
  } else if (MbusGiven(args.endpoint.mbus)) {
    auto master =
        OpenMbusMaster(args.endpoint.mbus, ClientTimeout(args.endpoint), args.endpoint.retries);
    if (!master.ok()) return Fail(master.status());
    mbus = std::move(*master);
  } else {
    auto master = OpenModbusMaster(args.endpoint);
    if (!master.ok()) return Fail(master.status());
    modbus = std::move(*master);
  }
  const auto read_once = [&]() -> Result<Reading> {
    if (iec) return ReadIecMeter(*iec, args.endpoint.iec, args.endpoint.retries);
    if (mbus) return ReadMbusMeter(*mbus, args.endpoint);
    return ReadModbusMeter(*modbus, args);
  };
  if (*period) {
    std::signal(SIGINT, RequestStop);
    std::signal(SIGTERM, RequestStop);
  }
  for (int reading = 1; stop_requested == 0; ++reading) {
    const TimePoint started = transport::MonotonicNow();
    auto values = read_once();
    if (!values.ok()) return Fail(values.status());
    if (args.json) {
      // One object; in --watch mode one compact object per line (JSON Lines).
      const nlohmann::ordered_json out = ReadingJson(*values);
      std::cout << (*period ? out.dump() : out.dump(2)) << std::endl;
    } else {
      PrintReadingTable(*values);
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
