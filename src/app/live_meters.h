// The meters of `pro380 run`, each with its own source (app/run_command.cc wires them to the
// interfaces, the web face and the store): started from the plan and the store, and the clients
// of their live sources (docs/sources.md), which run threads of their own.
#ifndef PRO380_APP_LIVE_METERS_H_
#define PRO380_APP_LIVE_METERS_H_

#include <asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/live_source_port.h"
#include "app/meter_options.h"
#include "app/modbus_bridge.h"
#include "app/mqtt_feed.h"
#include "app/panel_driver.h"
#include "app/record_feeder.h"
#include "app/run_plan.h"
#include "base/status.h"
#include "base/time.h"
#include "device/device_settings.h"
#include "device/pro380_mbus_device.h"
#include "device/pro380_register_bank.h"
#include "metering/meter.h"
#include "source/record_source.h"
#include "storage/state_store.h"

namespace pro380::app {

// One meter of the process with its own source (a fleet of households is not one household).
struct LiveMeter {
  std::string serial;
  Variant variant = Variant::kMod;
  std::unique_ptr<metering::Meter> meter;
  std::unique_ptr<device::DeviceSettings> settings;
  // Every meter's: the Modbus interfaces serve the banks of Modbus meters; REST writes of every
  // meter go through its bank (docs/web.md).
  std::unique_ptr<device::Pro380RegisterBank> bank;
  std::unique_ptr<device::Pro380MbusDevice> mbus;  // M-Bus meters only
  std::unique_ptr<source::RecordSource> source;
  std::unique_ptr<RecordFeeder> feeder;
  std::unique_ptr<LiveSourcePort> live;  // live sources only (docs/sources.md)
  std::unique_ptr<PanelDriver> panel;    // the LCD, buttons and menus (docs/display.md)
  TimePoint printed_at{};
  bool in_fleet = false;  // a [[fleet]] meter: on its fleet port only, no live line
};

// Opens the plan's source for meter `index` from `start`. Errors name --source.
Result<std::unique_ptr<source::RecordSource>> OpenMeterSource(const RunPlan& plan, size_t index,
                                                              TimePoint start);

struct StartedMeters {
  std::vector<LiveMeter> meters;       // as the plan lists them; bank, mbus and panel not yet made
  std::vector<storage::Event> events;  // to save: starts, power-downs, line settings applied
  std::vector<std::string> start_lines;  // one a [[meter]] ("pro380 mod meter, serial ...")
};

// Every meter of the plan resumed from `store` (or new) with its source opened and its line
// settings applied. Errors: the store's, the source's (naming --source).
Result<StartedMeters> StartMeters(const RunPlan& plan, storage::StateStore& store,
                                  TimePoint wall_start);

// The clients of the meters' live sources: MQTT subscriptions and modbus-client: pollers. They
// post to `io`, so they are destroyed before it runs its last handlers.
struct LiveClients {
  std::vector<std::unique_ptr<MqttFeed>> mqtt_feeds;
  std::vector<std::unique_ptr<ModbusBridge>> bridges;
};

// Starts the clients of `meters`' live sources (a broker or upstream meter that is not there yet
// is retried). Errors: a client that cannot be made (bad TLS files).
Result<LiveClients> StartLiveClients(asio::io_context& io, const RunPlan& plan,
                                     std::vector<LiveMeter>& meters);

}  // namespace pro380::app

#endif  // PRO380_APP_LIVE_METERS_H_
