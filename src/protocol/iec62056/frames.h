// IEC 62056-21:2002 character level: the control characters, the block check character, the
// baud-rate characters of the identification and option-select messages, data sets
// `address(value*unit)`, and the 7E1 character format.
//
// 7E1 at the edge (docs/protocols/iec62056.md, "Character format"): the engine works on 7-bit
// ASCII. A 7E1 character has the same ten bits on the wire as an 8N1 character whose eighth
// data bit is the even parity of the seven, so a serial line is opened 8N1 and the session adds
// the parity bit to every byte it sends (AddEvenParity) and checks it on every byte it receives
// (StripEvenParity). A pty or a TCP connection carries the 7-bit characters as they are: a
// client's own 7E1 settings do not reach them.
#ifndef PRO380_PROTOCOL_IEC62056_FRAMES_H_
#define PRO380_PROTOCOL_IEC62056_FRAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pro380::iec62056 {

inline constexpr char kSoh = 0x01;
inline constexpr char kStx = 0x02;
inline constexpr char kEtx = 0x03;
inline constexpr char kEot = 0x04;
inline constexpr char kAck = 0x06;
inline constexpr char kNak = 0x15;

// The protocol mode the meter announces (§6.4): A (no baud change, no acknowledgement),
// B (baud change after the identification, no acknowledgement), C (acknowledgement/option select
// chooses readout or programming and the baud rate).
enum class ProtocolMode : uint8_t { kA, kB, kC };

// XOR of every character of `text` (the characters after SOH/STX up to and including ETX).
constexpr char Bcc(std::string_view text) {
  uint8_t bcc = 0;
  for (char c : text) bcc ^= static_cast<uint8_t>(c);
  return static_cast<char>(bcc);
}

// The baud rates with a baud-rate character, 300..19200 (§6.3.14).
inline constexpr int kBaudTable[] = {300, 600, 1200, 2400, 4800, 9600, 19200};

// Mode C: '0'..'6'; mode B: 'A'..'G' (300 has no mode B character: nullopt).
std::optional<char> BaudCharacter(int baud, ProtocolMode mode);
// The baud rate a mode C character '0'..'6' selects, or nullopt.
std::optional<int> BaudOfModeCCharacter(char c);

// One data set of a readout or a programming answer: `address(value*unit)`, `address(value)`
// without a unit, `(value)` without an address. The engine does not check the characters: the
// data set provider keeps ( ) * / ! out of the fields (§6.3.16..6.3.19).
struct DataSet {
  std::string address;
  std::string value;
  std::string unit;

  friend bool operator==(const DataSet&, const DataSet&) = default;
};
std::string Format(const DataSet& set);

// A programming command's data field `address(value)` split; nullopt when it has not that form
// (the address may be empty, the parentheses may not be missing; `address` alone = empty value).
struct CommandData {
  std::string address;
  std::string value;
};
std::optional<CommandData> ParseCommandData(std::string_view data);

// 7E1 over 8N1: the byte whose bit 7 makes the count of ones even.
constexpr uint8_t AddEvenParity(uint8_t c) {
  const uint8_t seven = c & 0x7F;
  int ones = 0;
  for (int bit = 0; bit < 7; ++bit) ones += (seven >> bit) & 1;
  return static_cast<uint8_t>(seven | ((ones & 1) << 7));
}
// The 7-bit character of a received 8N1 byte, or nullopt when its parity is wrong.
constexpr std::optional<uint8_t> StripEvenParity(uint8_t byte) {
  if (AddEvenParity(byte) != byte) return std::nullopt;
  return static_cast<uint8_t>(byte & 0x7F);
}

}  // namespace pro380::iec62056

#endif  // PRO380_PROTOCOL_IEC62056_FRAMES_H_
