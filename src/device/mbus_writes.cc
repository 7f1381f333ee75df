#include "device/mbus_writes.h"

#include <array>
#include <cmath>

#include "device/mbus_records.h"
#include "device/setting_values.h"
#include "protocol/mbus/slave.h"

namespace pro380::device {
namespace {

constexpr std::string_view kPrimary = "mbus_primary_address";
constexpr std::string_view kSecondary = "mbus_secondary_address";
constexpr std::string_view kBaud = "mbus_baud_rate";
constexpr std::string_view kS0Rate = "s0_rate";
constexpr std::string_view kDayCounter = "day_counter_kwh";
// The baud rates CI B8..BD select that the PRO380-Mb accepts (manual appendix 2).
constexpr std::array<int, 6> kBauds = {300, 600, 1200, 2400, 4800, 9600};

const MbusRecordDef& RecordOf(MbusValue value, metering::QuantityId quantity) {
  for (const MbusRecordDef& def : MbusRecords()) {
    if (value != MbusValue::kNone ? def.value == value : def.quantity == quantity) return def;
  }
  return MbusRecords().front();  // unreachable: the table has every value and quantity
}

Status NotAllowed(std::string_view name, std::string_view text, std::string_view allowed) {
  return Status::InvalidArgument(std::string(name) + "=" + std::string(text) +
                                 ": the value must be " + std::string(allowed));
}

}  // namespace

std::string MbusWritableSettingNames() {
  return std::string(kPrimary) + ", " + std::string(kSecondary) + ", " + std::string(kBaud) + ", " +
         std::string(kS0Rate) + ", " + std::string(kDayCounter);
}

Result<MbusWrite> MbusSettingWrite(std::string_view name, std::string_view text) {
  MbusWrite write{std::string(name), mbus::kCiDataSend, {}, 0};
  const std::optional<double> number = ParseDecimal(text);
  if (name == kPrimary) {
    if (!number || !IsWholeNumber(*number) || *number < 0 || *number > mbus::kMaxPrimaryAddress) {
      return NotAllowed(name, text, "a primary address 0..250");
    }
    write.value = *number;
    const MbusRecordDef& def = RecordOf(MbusValue::kPrimaryAddress, metering::QuantityId::kCount);
    mbus::AppendRecord(write.data, def.header, static_cast<int64_t>(*number));
    return write;
  }
  if (name == kSecondary) {
    if (text.size() != 8 || text.find_first_not_of("0123456789") != std::string_view::npos) {
      return NotAllowed(name, text, "8 digits");
    }
    write.value = *number;
    // EN 13757-3's form: 8 BCD digits with VIF 79 (the meter also takes its readout's header).
    const mbus::RecordHeader header{mbus::DataField::kBcd8, mbus::Function::kInstantaneous, 0, 0, 0,
                                    mbus::MakeVib(0x79)};
    mbus::AppendRecord(write.data, header, static_cast<int64_t>(*number));
    return write;
  }
  if (name == kBaud) {
    for (std::size_t i = 0; i < kBauds.size(); ++i) {
      if (number && *number == kBauds[i]) {
        write.ci = static_cast<uint8_t>(mbus::kCiBaud300 + i);
        write.value = *number;
        return write;
      }
    }
    return NotAllowed(name, text, "300, 600, 1200, 2400, 4800 or 9600");
  }
  if (name == kS0Rate || name == kDayCounter) {
    // The meter applies the Modbus setting's rules to these records (setting_writes.cc).
    auto def = WritableSetting(name);
    if (!def.ok()) return def.status();
    auto value = ParseSettingValue(**def, text);
    if (!value.ok()) return value.status();
    write.value = *value;
    const MbusRecordDef& record = RecordOf(MbusValue::kNone, (*def)->quantity);
    mbus::AppendReal32Record(write.data, record.header, static_cast<float>(*value));
    return write;
  }
  if (WritableSetting(name).ok()) {
    return Status::InvalidArgument(
        std::string(name) + " cannot be written over M-Bus (the PRO380-Mb takes " +
        MbusWritableSettingNames() +
        "); Modbus writes it (--modbus-tcp, --modbus-rtu, --rtu-over-tcp on a PRO380-Mod)");
  }
  return Status::InvalidArgument("unknown setting '" + std::string(name) + "'; M-Bus writes " +
                                 MbusWritableSettingNames());
}

}  // namespace pro380::device
