// A SlaveDevice for the engine's tests: a settable identity and a readout of `record_count`
// 8-digit BCD energy records (value = storage number × 1000 + generation), and writes of a
// primary address record (01 7A AA) only.
#ifndef PRO380_TESTS_PROTOCOL_MBUS_FAKE_SLAVE_DEVICE_H_
#define PRO380_TESTS_PROTOCOL_MBUS_FAKE_SLAVE_DEVICE_H_

#include "protocol/mbus/slave_device.h"

namespace pro380::mbus {

class FakeSlaveDevice final : public SlaveDevice {
 public:
  uint8_t primary = 0;
  Identification identity{12345678, ManufacturerCode("INM"), 0x01, 0x02, 12345678};
  int record_count = 2;
  int generation = 0;  // bumped at each readout, so a repeat and a new readout differ
  int baud = 9600;
  bool refuse_baud = false;

  uint8_t PrimaryAddress() const override { return primary; }
  Identification Identity() const override { return identity; }
  uint8_t StatusBits() const override { return 0; }
  void AppendReadout(RecordList& out) override {
    ++generation;
    for (int i = 0; i < record_count; ++i) {
      AppendRecord(out.bytes,
                   {DataField::kBcd8, Function::kInstantaneous, static_cast<uint16_t>(i), 0, 0,
                    MakeVib(0x04)},
                   i * 1000 + generation);
      out.EndRecord();
    }
  }
  bool WriteRecords(std::span<const ParsedRecord> records, const RequestContext&) override {
    if (records.size() != 1 || records[0].header.vib != MakeVib(0x7A) || !records[0].value_valid ||
        records[0].value < 0 || records[0].value > 250) {
      return false;
    }
    primary = static_cast<uint8_t>(records[0].value);
    return true;
  }
  bool SetBaudRate(int rate, const RequestContext&) override {
    if (refuse_baud) return false;
    baud = rate;
    return true;
  }
};

}  // namespace pro380::mbus

#endif  // PRO380_TESTS_PROTOCOL_MBUS_FAKE_SLAVE_DEVICE_H_
