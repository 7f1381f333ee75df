// A DataProvider for the engine's tests: address "12345678", identification "TEST", two data
// sets, one writable setting "1.2.3" (integers 0..99), password "secret".
#ifndef PRO380_TESTS_PROTOCOL_IEC62056_FAKE_PROVIDER_H_
#define PRO380_TESTS_PROTOCOL_IEC62056_FAKE_PROVIDER_H_

#include <string>
#include <vector>

#include "protocol/iec62056/data_provider.h"

namespace pro380::iec62056::testing {

class FakeProvider final : public DataProvider {
 public:
  bool Communicating() const override { return communicating; }
  bool MatchesAddress(std::string_view address) const override { return address == "12345678"; }
  std::string Identification() const override { return "TEST"; }
  std::string Manufacturer() const override { return "ABC"; }
  std::vector<DataSet> Readout() const override {
    return {{"1.8.0", "000123.45", "kWh"}, {"1.2.3", std::to_string(setting), ""}};
  }
  std::string PasswordOperand() const override { return "12345678"; }
  bool CheckPassword(std::string_view password) const override { return password == "secret"; }
  std::variant<DataSet, CommandError> Read(std::string_view address) const override {
    for (const DataSet& set : Readout()) {
      if (set.address == address) return set;
    }
    return CommandError::kUnknownAddress;
  }
  std::variant<std::monostate, CommandError> Write(std::string_view address, std::string_view value,
                                                   const CommandContext& context) override {
    if (address == "1.8.0") return CommandError::kNotWritable;
    if (address != "1.2.3") return CommandError::kUnknownAddress;
    if (value.empty() || value.size() > 2 ||
        value.find_first_not_of("0123456789") != std::string_view::npos) {
      return CommandError::kBadValue;
    }
    setting = std::stoi(std::string(value));
    last_interface = std::string(context.interface);
    return std::monostate{};
  }

  int setting = 7;
  bool communicating = true;
  std::string last_interface;
};

}  // namespace pro380::iec62056::testing

#endif  // PRO380_TESTS_PROTOCOL_IEC62056_FAKE_PROVIDER_H_
