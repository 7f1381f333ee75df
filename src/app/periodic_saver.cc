#include "app/periodic_saver.h"

#include "app/saved_device_settings.h"
#include "app/wall_clock.h"

namespace pro380::app {

void PeriodicSaver::SetEepromOk(bool ok) {
  for (const SavedMeter& m : meters_) m.meter->set_eeprom_ok(ok);
}

Status PeriodicSaver::Save(std::vector<storage::Event> events) {
  const TimePoint wall = WallNow();
  pending_.insert(pending_.end(), std::make_move_iterator(events.begin()),
                  std::make_move_iterator(events.end()));
  std::vector<storage::Event> written = pending_;
  if (!failure_.empty()) {  // written only if this save works: it records the recovery
    for (const SavedMeter& m : meters_) {
      written.push_back(
          {wall, m.meter->now(), m.key, storage::EventKind::kError, "app", "",
           "saves failed " + std::to_string(failed_saves_) + " time(s) until now: " + failure_});
    }
  }
  // Each meter's record is made when the store asks for it, in one scratch record: a save holds
  // one MeterRecord, not a copy of every meter (≈ 5.8 MB a save for 10,000 meters,
  // docs/performance.md, "The fleet").
  saved_settings_.resize(meters_.size());
  storage::MeterRecord scratch;
  const auto record_at = [&](size_t k) -> const storage::MeterRecord& {
    const SavedMeter& m = meters_[k];
    scratch.key = m.key;
    scratch.state = m.meter->state();
    scratch.device_settings.reset();
    if (m.settings != nullptr && saved_settings_[k] != *m.settings) {
      scratch.device_settings = DeviceSettingsToNamed(*m.settings);
    }
    return scratch;
  };
  Status st = store_.Save(meters_.size(), record_at, written, wall);
  if (st.ok()) {
    for (size_t k = 0; k < meters_.size(); ++k) {
      if (meters_[k].settings != nullptr) saved_settings_[k] = *meters_[k].settings;
    }
    pending_.clear();
    if (observer_) {
      for (const storage::Event& e : written) observer_(e);
    }
    if (!failure_.empty()) {
      std::fprintf(report_, "pro380 run: saving the state works again after %lld failed save(s)\n",
                   static_cast<long long>(failed_saves_));
      failure_.clear();
      failed_saves_ = 0;
      SetEepromOk(true);
    }
  } else {
    ++failed_saves_;
    if (failure_.empty()) {
      std::fprintf(report_,
                   "pro380 run: saving the state failed; the meter runs on from memory and "
                   "retries every save interval: %s\n",
                   st.message().c_str());
      failure_ = st.message();
      SetEepromOk(false);
    }
  }
  std::fflush(report_);
  return st;
}

}  // namespace pro380::app
