// Pro380MbusDevice: the PRO380-Mb as the M-Bus slave engine sees it (mbus::SlaveDevice): its
// identity (secondary address = last 8 serial digits unless set, manufacturer INM, medium
// electricity), the record list of device/mbus_records.h computed from a metering::Meter on
// demand, and the writes M-Bus may make (primary and secondary address, S0 rate, day counter
// reset, baud rate) — the quantities through the same setting rules as Modbus
// (setting_writes.h), all or nothing, each accepted change reported to a sink.
//
// Thread safety: none; the thread that owns the Meter uses the device.
#ifndef PRO380_DEVICE_PRO380_MBUS_DEVICE_H_
#define PRO380_DEVICE_PRO380_MBUS_DEVICE_H_

#include "device/device_settings.h"
#include "device/mbus_records.h"
#include "device/pro380_register_bank.h"
#include "device/setting_writes.h"
#include "metering/meter.h"
#include "protocol/mbus/slave_device.h"

namespace pro380::device {

// The version byte of the fixed header: unknown for a real PRO380-Mb (reference §3.1); 0x01 as
// in the only INM frame found.
inline constexpr uint8_t kMbusVersion = 0x01;
inline constexpr uint8_t kMbusMediumElectricity = 0x02;

class Pro380MbusDevice final : public mbus::SlaveDevice {
 public:
  // REQUIRES: `meter` and `settings` outlive the device.
  Pro380MbusDevice(metering::Meter& meter, DeviceSettings& settings);

  // A sealed meter refuses every write (data send and baud rate) and changes nothing.
  void set_sealed(bool sealed) { sealed_ = sealed; }
  // Called once per accepted setting change (SettingChange::context describes the request).
  void set_change_sink(SettingChangeSink sink) { sink_ = std::move(sink); }

  uint8_t PrimaryAddress() const override;
  mbus::Identification Identity() const override;
  uint8_t StatusBits() const override;
  void AppendReadout(mbus::RecordList& out) override;
  bool WriteRecords(std::span<const mbus::ParsedRecord> records,
                    const mbus::RequestContext& context) override;
  bool SetBaudRate(int baud, const mbus::RequestContext& context) override;

 private:
  void Report(std::span<const AppliedWrite> changes, const mbus::RequestContext& context);

  metering::Meter& meter_;
  DeviceSettings& settings_;
  bool sealed_ = false;
  SettingChangeSink sink_;
};

}  // namespace pro380::device

#endif  // PRO380_DEVICE_PRO380_MBUS_DEVICE_H_
