// PeriodicSaver: saves a process's meters to the state store and reports the health of the
// saves (docs/decisions/state.md, "Saves"). A failing save leaves the meters running from memory:
// it is reported once on the error stream, clears every meter's EEPROM diagnostic (status word,
// S+5 digits page) and is retried by the next Save; the first save that works again restores the
// diagnostic, reports the recovery and logs an `error` event with the failure. Events of a failed
// save are kept and written by the next save that works, so no logged change is lost.
#ifndef PRO380_APP_PERIODIC_SAVER_H_
#define PRO380_APP_PERIODIC_SAVER_H_

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "device/device_settings.h"
#include "metering/meter.h"
#include "storage/state_store.h"

namespace pro380::app {

struct SavedMeter {
  std::string key;  // the meter's serial
  metering::Meter* meter;
  // Saved with the meter when given; nullptr leaves the settings the store has for it untouched.
  const device::DeviceSettings* settings = nullptr;
};

class PeriodicSaver {
 public:
  // `report` receives the one-line messages (stderr in `pro380 run`).
  PeriodicSaver(storage::StateStore& store, std::vector<SavedMeter> meters,
                std::FILE* report = stderr)
      : store_(store), meters_(std::move(meters)), report_(report) {}

  // Saves every meter and `events` in one transaction; returns the save's status.
  Status Save(std::vector<storage::Event> events);

  // Called with every event a save wrote (after it worked), e.g. for the web page's event log.
  void set_saved_event_observer(std::function<void(const storage::Event&)> observer) {
    observer_ = std::move(observer);
  }

  bool healthy() const { return failure_.empty(); }
  // The first message of the current run of failures; empty when healthy.
  const std::string& failure() const { return failure_; }
  int64_t failed_saves() const { return failed_saves_; }
  size_t pending_events() const { return pending_.size(); }

 private:
  void SetEepromOk(bool ok);

  storage::StateStore& store_;
  std::vector<SavedMeter> meters_;
  std::FILE* report_;
  std::string failure_;
  std::vector<storage::Event> pending_;  // events of failed saves, oldest first
  int64_t failed_saves_ = 0;
  std::function<void(const storage::Event&)> observer_;
  // Each meter's settings as the last working save wrote them (nullopt: not written yet). A save
  // writes a meter's settings only when they changed since: unchanged, the store has them
  // already (it has one writer, this process), and rewriting every meter's settings rows made
  // most of a 10,000-meter save's work (docs/performance.md, "The fleet").
  std::vector<std::optional<device::DeviceSettings>> saved_settings_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_PERIODIC_SAVER_H_
