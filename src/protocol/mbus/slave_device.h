// SlaveDevice: how the M-Bus slave engine (slave.h) reaches the meter. The protocol layer knows
// no records of any device: device/ implements this interface for the PRO380 (its record list,
// identity and settings) and the engine turns the outcomes into frames.
#ifndef PRO380_PROTOCOL_MBUS_SLAVE_DEVICE_H_
#define PRO380_PROTOCOL_MBUS_SLAVE_DEVICE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "protocol/mbus/records.h"

namespace pro380::mbus {

// The secondary address of the fixed data header (EN 13757-3 §5.4).
struct Identification {
  uint32_t id = 0;            // 8 decimal digits, sent as BCD
  uint16_t manufacturer = 0;  // three letters, 5 bits each ('A' = 1): INM = 0x25CD
  uint8_t version = 0;
  uint8_t medium = 0;  // 0x02 electricity
  // The fabrication number (VIF 0x78) an enhanced selection may name, 8 digits.
  uint32_t fabrication_number = 0;

  friend bool operator==(const Identification&, const Identification&) = default;
};

// The 16-bit code of a three-letter manufacturer id. REQUIRES: letters 'A'..'Z'.
constexpr uint16_t ManufacturerCode(std::string_view letters) {
  return static_cast<uint16_t>(((letters[0] - 64) << 10) | ((letters[1] - 64) << 5) |
                               (letters[2] - 64));
}
static_assert(ManufacturerCode("INM") == 0x25CD);

// Who sent a request, for the device's event log.
struct RequestContext {
  std::string_view interface;  // "mbus", "mbus-tcp"
  std::string_view client;     // peer address or line name
  uint8_t address = 0;         // the A field the request was sent to
  TimePoint now{};
};

// The records of one readout, encoded back to back; `ends[i]` is the end of record i in
// `bytes`. The engine splits a readout into telegrams at record boundaries.
struct RecordList {
  std::vector<uint8_t> bytes;
  std::vector<std::size_t> ends;

  void EndRecord() { ends.push_back(bytes.size()); }
};

// The low bits of the status byte are the engine's (application errors, EN 13757-3 §5.5).
inline constexpr uint8_t kStatusApplicationBusy = 0x01;
inline constexpr uint8_t kStatusApplicationError = 0x02;
inline constexpr uint8_t kStatusPowerLow = 0x04;
inline constexpr uint8_t kStatusPermanentError = 0x08;
inline constexpr uint8_t kStatusTemporaryError = 0x10;

class SlaveDevice {
 public:
  virtual ~SlaveDevice() = default;

  // The primary address now (0..250); a change takes effect for the next request.
  virtual uint8_t PrimaryAddress() const = 0;
  virtual Identification Identity() const = 0;
  // Status bits 2..7 (power low, permanent and temporary error, manufacturer bits).
  virtual uint8_t StatusBits() const = 0;

  // Appends every record of a full readout (RSP_UD), in order, each closed by EndRecord().
  virtual void AppendReadout(RecordList& out) = 0;

  // CI 0x51: applies the records of one data send, all or nothing. False when a record is not
  // writable, its value is not allowed or the device refuses writes; nothing changes then.
  virtual bool WriteRecords(std::span<const ParsedRecord> records,
                            const RequestContext& context) = 0;

  // CI 0xB8..0xBD: the baud rate for the next requests, applied by the line after the
  // acknowledgement has left. False when refused (nothing changes).
  virtual bool SetBaudRate(int baud, const RequestContext& context) = 0;
};

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_SLAVE_DEVICE_H_
