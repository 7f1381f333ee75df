// Pro380RegisterBank: the PRO380's Modbus registers (device/modbus_map.h, both maps) served from
// a metering::Meter and the DeviceSettings. Reads compute every value from the meter's registers
// on demand (metering::Read), so a reply can never disagree with the registers; writes go through
// the Meter's setting methods or change DeviceSettings, all or nothing, and report each accepted
// change to a sink so that the app can log and persist it (the bank holds no storage).
//
// Behaviour (docs/registers/modbus.md):
// - Read: every register of the range must be mapped, else kIllegalDataAddress. A range may start
//   or end in the middle of a two-register value; it then gets that value's half.
// - Write: the range must cover whole writable entries, else kIllegalDataAddress; a value the
//   setting does not allow, a locked setting (C-10) or a sealed bank gives kIllegalDataValue.
//
// Thread safety: none; the thread that owns the Meter uses the bank.
#ifndef PRO380_DEVICE_PRO380_REGISTER_BANK_H_
#define PRO380_DEVICE_PRO380_REGISTER_BANK_H_

#include <functional>
#include <string_view>

#include "device/device_settings.h"
#include "device/modbus_map.h"
#include "metering/meter.h"
#include "metering/readings.h"
#include "protocol/modbus/register_bank.h"

namespace pro380::device {

// One accepted write of one setting, for the event log. The string views and `context` are
// valid only during the sink call.
struct SettingChange {
  std::string_view setting;  // quantity name ("combined_code") or device setting ("modbus_id")
  double old_value = 0;
  double new_value = 0;
  // False for a tariff written as 11/12: the meter switches but does not keep the switch across
  // a power loss (reference §1.5, S5; product.md "Tariff input").
  bool persist = true;
  const modbus::WriteContext* context = nullptr;
};

using SettingChangeSink = std::function<void(const SettingChange&)>;

class Pro380RegisterBank final : public modbus::RegisterBank {
 public:
  // REQUIRES: `meter` and `settings` outlive the bank.
  Pro380RegisterBank(metering::Meter& meter, DeviceSettings& settings);

  // A sealed meter refuses every write with kIllegalDataValue and changes nothing
  // (docs/decisions/security.md).
  void set_sealed(bool sealed) { sealed_ = sealed; }
  bool sealed() const { return sealed_; }
  // Called once per accepted setting change, after all changes of the write were applied.
  void set_change_sink(SettingChangeSink sink) { sink_ = std::move(sink); }

  std::optional<modbus::ExceptionCode> Read(modbus::FunctionCode function, uint16_t address,
                                            std::span<uint16_t> out) override;
  std::optional<modbus::ExceptionCode> Write(uint16_t address, std::span<const uint16_t> words,
                                             const modbus::WriteContext& context) override;

  // The value an entry shows, in its unit, before quantizing and encoding.
  double Value(const RegisterDef& def, const metering::Readings& readings) const;

 private:
  metering::Meter& meter_;
  DeviceSettings& settings_;
  bool sealed_ = false;
  SettingChangeSink sink_;
};

}  // namespace pro380::device

#endif  // PRO380_DEVICE_PRO380_REGISTER_BANK_H_
