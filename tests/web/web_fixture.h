// A meter with a bank and a MeterAccess over it, and a gateway that runs each task at once (or
// refuses them), for the tests of web/ without an event loop.
#ifndef PRO380_TESTS_WEB_WEB_FIXTURE_H_
#define PRO380_TESTS_WEB_WEB_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "device/pro380_register_bank.h"
#include "metering/interval.h"
#include "metering/meter.h"
#include "web/event_log.h"
#include "web/meter_gateway.h"
#include "web/traffic_log.h"

namespace pro380::web {

class ImmediateGateway final : public MeterGateway {
 public:
  explicit ImmediateGateway(MeterAccess& access) : access_(access) {}
  Status Run(std::function<void(MeterAccess&)> task) override {
    if (refuse) return Status::IoError("refused by the test");
    task(access_);
    return Status::Ok();
  }
  bool refuse = false;

 private:
  MeterAccess& access_;
};

struct LoggedChange {
  std::string setting;
  double new_value;
  std::string interface;
  std::string client;
};

class WebFixture : public ::testing::Test {
 protected:
  WebFixture() : meter_(metering::MeterConfig{}), bank_(meter_, settings_), gateway_(access_) {
    // 230 V, +5 kW, +5 kW, -12 kW for 1 h: the manual's example load.
    metering::Interval interval;
    const double watts[3] = {5000, 5000, -12000};
    for (int k = 0; k < 3; ++k) interval.phase[k] = metering::PhaseFromPower(230, watts[k], 0);
    interval.duration = std::chrono::hours(1);
    meter_.ApplyRecords({&interval, 1});
    bank_.set_change_sink([this](const device::SettingChange& c) {
      changes_.push_back({std::string(c.setting), c.new_value,
                          c.context ? std::string(c.context->interface) : "",
                          c.context ? std::string(c.context->client) : ""});
    });
    access_.meters.push_back({"00000001", "mod", &meter_, &settings_, &bank_, true});
    access_.traffic = &traffic_;
    access_.events = &events_;
    access_.settings_written = [this] { ++settings_written_; };
  }

  device::DeviceSettings settings_;
  metering::Meter meter_;
  device::Pro380RegisterBank bank_;
  TrafficLog traffic_;
  EventLog events_;
  MeterAccess access_;
  ImmediateGateway gateway_;
  std::vector<LoggedChange> changes_;
  int settings_written_ = 0;
};

}  // namespace pro380::web

#endif  // PRO380_TESTS_WEB_WEB_FIXTURE_H_
