#include "device/named_setting_write.h"

#include "device/register_codec.h"
#include "device/register_names.h"

namespace pro380::device {

NamedWriteOutcome WriteNamedSetting(Pro380RegisterBank& bank, std::string_view name, double value,
                                    const modbus::WriteContext& context) {
  const RegisterDef* def = FindWritableSetting(name);
  if (def == nullptr) return {NamedWriteResult::kNoSuchSetting};
  if (bank.sealed()) return {NamedWriteResult::kSealed};
  const EntryWords words = Encode(*def, value);
  // The words must stand for the value asked for: Encode wraps or truncates what does not fit
  // (a 16-bit register, BCD digits), which would write a different value than the one refused.
  const std::optional<double> encoded = Decode(def->encoding, {words.data(), def->count()});
  const bool same = def->encoding == Encoding::kFloat32
                        ? encoded && static_cast<float>(*encoded) == static_cast<float>(value)
                        : encoded && *encoded == Quantize(*def, value);
  if (!same) return {NamedWriteResult::kNotEncodable};
  if (bank.Write(def->address, {words.data(), def->count()}, context)) {
    return {NamedWriteResult::kRefused};
  }
  return {NamedWriteResult::kWritten, *encoded};
}

}  // namespace pro380::device
