// Pro380IecProvider: the PRO380 behind the IEC 62056-21 server (protocol/iec62056): its data set
// (device/iec_data_set.h) read off a metering::Meter and the DeviceSettings, its address (the
// serial number), identification `/INM5PRO380-<variant>`, programming password, and writes that
// follow the same rules as Modbus writes (device/setting_writes.h: the allowed values, the C-10
// lock), each reported to the same kind of sink as the Modbus bank's.
//
// Thread safety: none; the thread that owns the Meter uses the provider.
#ifndef PRO380_DEVICE_PRO380_IEC_PROVIDER_H_
#define PRO380_DEVICE_PRO380_IEC_PROVIDER_H_

#include <string>

#include "device/device_settings.h"
#include "device/iec_data_set.h"
#include "device/pro380_register_bank.h"
#include "metering/meter.h"
#include "metering/readings.h"
#include "protocol/iec62056/data_provider.h"

namespace pro380::device {

// The text a data set shows for `entry`: energies 6.2 digits zero-padded (like the display),
// other quantities with the entry's decimals, settings as short as exact, the device address and
// serial as the printed 8 digits, the password never (empty).
std::string FormatIecValue(const IecEntry& entry, double value);

class Pro380IecProvider final : public iec62056::DataProvider {
 public:
  // `model` is the identification after the baud character, e.g. "PRO380-Mod" (≤ 16 chars).
  // REQUIRES: `meter` and `settings` outlive the provider.
  Pro380IecProvider(metering::Meter& meter, DeviceSettings& settings, std::string model);

  // A sealed meter refuses every write (docs/decisions/security.md).
  void set_sealed(bool sealed) { sealed_ = sealed; }
  // Called once per accepted write, like Pro380RegisterBank's sink (the context's interface and
  // client name the optical port).
  void set_change_sink(SettingChangeSink sink) { sink_ = std::move(sink); }

  // A CT meter before its ratio is set does not communicate (product.md, "CT variant").
  bool Communicating() const override { return meter_.registering(); }
  bool MatchesAddress(std::string_view address) const override;
  std::string Identification() const override { return model_; }
  std::string Manufacturer() const override { return "INM"; }
  std::vector<iec62056::DataSet> Readout() const override;
  std::string PasswordOperand() const override;
  bool CheckPassword(std::string_view password) const override;
  std::variant<iec62056::DataSet, iec62056::CommandError> Read(
      std::string_view address) const override;
  std::variant<std::monostate, iec62056::CommandError> Write(
      std::string_view address, std::string_view value,
      const iec62056::CommandContext& context) override;

  // The value an entry shows (quantities from `readings`), before formatting.
  double Value(const IecEntry& entry, const metering::Readings& readings) const;

 private:
  iec62056::DataSet Show(const IecEntry& entry, const metering::Readings& readings) const;

  metering::Meter& meter_;
  DeviceSettings& settings_;
  std::string model_;
  bool sealed_ = false;
  SettingChangeSink sink_;
};

}  // namespace pro380::device

#endif  // PRO380_DEVICE_PRO380_IEC_PROVIDER_H_
