// M-Bus application layer data records (EN 13757-3 §6): DIF, DIFEs, VIF, VIFEs and the data,
// encoded for RSP_UD and parsed from SND_UD. Integers are little-endian two's complement; BCD is
// little-endian packed decimal whose most significant nibble F marks a negative value (§6.3.3,
// as libmbus decodes it).
#ifndef PRO380_PROTOCOL_MBUS_RECORDS_H_
#define PRO380_PROTOCOL_MBUS_RECORDS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pro380::mbus {

// The DIF's data field (the low nibble). DO NOT RENUMBER: wire values.
enum class DataField : uint8_t {
  kNone = 0x0,
  kInt8 = 0x1,
  kInt16 = 0x2,
  kInt24 = 0x3,
  kInt32 = 0x4,
  kReal32 = 0x5,
  kInt48 = 0x6,
  kInt64 = 0x7,
  kBcd2 = 0x9,
  kBcd4 = 0xA,
  kBcd6 = 0xB,
  kBcd8 = 0xC,
  kVariable = 0xD,
  kBcd12 = 0xE,
};

// The DIF's function field (bits 4–5). DO NOT RENUMBER: wire values.
enum class Function : uint8_t { kInstantaneous = 0, kMaximum = 1, kMinimum = 2, kError = 3 };

inline constexpr uint8_t kDifMoreRecordsFollow = 0x1F;  // manufacturer data, more telegrams
inline constexpr uint8_t kDifManufacturerData = 0x0F;
inline constexpr uint8_t kDifIdleFiller = 0x2F;
inline constexpr uint8_t kVifPlainText = 0x7C;
inline constexpr uint8_t kDifBcd8 = 0x0C;               // 8-digit BCD, 4 bytes
inline constexpr uint8_t kVifFabricationNumber = 0x78;  // the enhanced selection's record

// Data bytes of a fixed-size data field (kVariable: 0, its length byte says).
constexpr std::size_t DataSize(DataField field) {
  constexpr std::array<uint8_t, 16> kSizes = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};
  return kSizes[static_cast<uint8_t>(field)];
}
constexpr bool IsBcd(DataField field) {
  return field == DataField::kBcd2 || field == DataField::kBcd4 || field == DataField::kBcd6 ||
         field == DataField::kBcd8 || field == DataField::kBcd12;
}

// The value information block: a VIF and its VIFEs as sent, or a plain-text unit (VIF 7C, then
// the length and the text reversed, §6.4.3; no VIFE follows it here).
struct Vib {
  std::array<uint8_t, 3> bytes{};  // VIF, VIFE… with the extension bits as sent
  uint8_t size = 0;
  std::string_view plain_text;  // non-empty: VIF 7C with this unit

  friend constexpr bool operator==(const Vib& a, const Vib& b) {
    return a.bytes == b.bytes && a.size == b.size && a.plain_text == b.plain_text;
  }
};
constexpr Vib MakeVib(uint8_t vif) { return {{vif, 0, 0}, 1, {}}; }
constexpr Vib MakeVib(uint8_t vif, uint8_t vife) { return {{vif, vife, 0}, 2, {}}; }
constexpr Vib PlainTextVib(std::string_view unit) { return {{kVifPlainText, 0, 0}, 1, unit}; }

// What a record is: the DIB's fields and the VIB. Storage numbers up to 2^41 and tariffs up to
// 2^20 exist; a meter needs few, so these are small here.
struct RecordHeader {
  DataField data = DataField::kNone;
  Function function = Function::kInstantaneous;
  uint16_t storage = 0;  // DIF bit 6 is the lowest bit, each DIFE adds 4
  uint8_t tariff = 0;    // 2 bits per DIFE
  uint8_t subunit = 0;   // 1 bit per DIFE
  Vib vib;

  friend constexpr bool operator==(const RecordHeader&, const RecordHeader&) = default;
};

// Appends the DIB and VIB of `header`.
void AppendHeader(std::vector<uint8_t>& out, const RecordHeader& header);

// Appends `header` and `value` in its data field: an integer field takes the low bytes of the
// two's complement; a BCD field the value modulo 10^digits (a counter rolls over as on the
// display), a negative value with F in the top nibble and its magnitude in the other digits
// (clamped to them). REQUIRES: header.data is an integer or BCD field.
void AppendRecord(std::vector<uint8_t>& out, const RecordHeader& header, int64_t value);

// Appends `header` (data field kReal32) and `value` as an IEEE-754 single, little-endian.
void AppendReal32Record(std::vector<uint8_t>& out, const RecordHeader& header, float value);
// The value of a kReal32 record's 4 data bytes.
float DecodeReal32(std::span<const uint8_t, 4> bytes);

// Appends a variable-length record (kVariable) carrying `bytes` (at most 0xBF).
void AppendVariableRecord(std::vector<uint8_t>& out, const RecordHeader& header,
                          std::span<const uint8_t> bytes);

// A record of a received SND_UD, as sent.
struct ParsedRecord {
  // header.vib.plain_text points into the parsed buffer and is as sent: reversed.
  RecordHeader header;
  std::array<uint8_t, 4> action_vifes{};  // VIFEs after the VIB (e.g. 0x07 "clear"), ext. bit off
  uint8_t action_count = 0;
  std::span<const uint8_t> data;
  int64_t value = 0;         // integer and BCD fields
  bool value_valid = false;  // false for a BCD with a non-decimal digit, reals and variable data
};

// Parses every record of `data` (up to a DIF 0F/1F, whose rest is manufacturer data; idle
// fillers 2F skipped). InvalidArgument naming the offset for a truncated or malformed record.
// A VIB keeps its first VIF and, for the extension tables FB/FD, one VIFE; further VIFEs are
// returned as action VIFEs.
Result<std::vector<ParsedRecord>> ParseRecords(std::span<const uint8_t> data);

// The records of an RSP_UD's data and what ends them: nothing (tail_dif 0), DIF 0F
// (manufacturer data to the end) or 1F (manufacturer data, and more records follow in the next
// telegram). `records_size` is the bytes before that DIF. Errors as ParseRecords's.
struct ParsedTelegram {
  std::vector<ParsedRecord> records;
  std::size_t records_size = 0;
  uint8_t tail_dif = 0;
};
Result<ParsedTelegram> ParseTelegramRecords(std::span<const uint8_t> data);

// True when a received header (plain text as sent, reversed) names `readout`'s record.
bool SameRecord(const RecordHeader& readout, const RecordHeader& received);

// BCD helpers (little-endian).
void AppendBcd(std::vector<uint8_t>& out, int64_t value, std::size_t bytes);
// nullopt when a nibble other than the top one is not a decimal digit.
std::optional<int64_t> DecodeBcd(std::span<const uint8_t> bytes);

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_RECORDS_H_
