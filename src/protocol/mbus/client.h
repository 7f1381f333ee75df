// The client (master) side of M-Bus (EN 13757-2/-3), sans-I/O: the requests a master sends, the
// checks of the replies it gets, and one operation at a time with its reply timeout and retries.
// Bytes and time points in, bytes and outcomes out; no clock, no sleep, no socket. The app/
// driver sends what Start() and Poll() return, feeds what it receives and calls Poll() at
// NextDeadline() (docs/client.md, "M-Bus").
//
// Operations:
// - kReset: SND_NKE to an address; expects E5.
// - kReadout: REQ_UD2 to an address (FCV set, FCB 1 first, as libmbus), and while a telegram's
//   records end with DIF 1F ("more records follow") the next REQ_UD2 with the FCB toggled; the
//   outcome is every telegram's records joined (their 1F dropped), checked by ParseRecords.
// - kSelect: SND_UD CI 52 to 253 with a secondary address mask; expects E5 from one meter.
// - kSend: SND_UD with a CI and data (CI 51 data send, CI B8.. baud rate); expects E5.
//
// Replies: frames are delimited by StreamFramer (the server's). A frame with the master bit
// (C & 0x40: an echo, another master) is skipped and counted. A damaged frame, bytes of a frame
// left unfinished, or — where `detect_collision` asks for it — anything heard within `settle`
// after the E5 is a collision: several slaves answered at once (kCollision). Anything else
// that is not the expected reply is kMalformed. Only a timeout is retried (the same frame, so a
// REQ_UD2 keeps its FCB and the slave repeats the telegram it sent).
//
// Thread safety: none; one client per link.
#ifndef PRO380_PROTOCOL_MBUS_CLIENT_H_
#define PRO380_PROTOCOL_MBUS_CLIENT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.h"
#include "protocol/mbus/frame.h"
#include "protocol/mbus/records.h"
#include "protocol/mbus/stream_framer.h"

namespace pro380::mbus {

inline constexpr uint8_t kCiResponseLong = 0x72;
inline constexpr uint8_t kAnyDigit = 0x0F;
inline constexpr uint16_t kAnyManufacturer = 0xFFFF;
inline constexpr uint8_t kAnyByte = 0xFF;
// A readout longer than this many telegrams is refused (a slave that always sends 1F).
inline constexpr int kMaxTelegrams = 16;

// A secondary address selection (EN 13757-3 §7.4): 8 ID digits, most significant first, each
// 0..9 or kAnyDigit; manufacturer, version and medium or their "any" values.
struct SecondaryMask {
  std::array<uint8_t, 8> digits = {kAnyDigit, kAnyDigit, kAnyDigit, kAnyDigit,
                                   kAnyDigit, kAnyDigit, kAnyDigit, kAnyDigit};
  uint16_t manufacturer = kAnyManufacturer;
  uint8_t version = kAnyByte;
  uint8_t medium = kAnyByte;
  // Enhanced selection (EN 13757-3 §7.4): a fabrication number record (DIF 0C, VIF 78) after
  // the fixed fields, its 8 digits most significant first, each 0..9 or kAnyDigit. Sent in the
  // record's usual byte order (low byte first), the order the slave side reads it in either mode.
  std::optional<std::array<uint8_t, 8>> fabrication;
  // Mode 2 (CI 56): the ID and manufacturer fields high byte first.
  bool mode2 = false;

  // "12FFFFFF": 8 characters, each a digit or F/f. Nullopt otherwise.
  static std::optional<SecondaryMask> FromText(std::string_view id);
  // The mask of one exact ID (0..99999999).
  static SecondaryMask ForId(uint32_t id);
  // libmbus's 16-character form "IDIDIDIDMMMMVVMM": the 8 ID characters (digits or F), then
  // the manufacturer, version and medium bytes in hex as they are sent (the manufacturer low
  // byte first: INM is "CD25"); F, FFFF, FF are the wildcards. Nullopt otherwise.
  static std::optional<SecondaryMask> FromFullText(std::string_view text);
  std::string IdText() const;    // "12FFFFFF"
  std::string FullText() const;  // "12FFFFFFCD25FF02"
  // IdText() when manufacturer, version and medium are wildcards, else FullText(); then
  // " fabrication number 2209FFFF" and " (mode 2)" when they are part of the selection.
  std::string Text() const;
  // The 8 digits of "2209104F" (digits or F/f) for `fabrication`. Nullopt otherwise.
  static std::optional<std::array<uint8_t, 8>> DigitsFromText(std::string_view text);

  friend bool operator==(const SecondaryMask&, const SecondaryMask&) = default;
};

// The requests (frames) of the operations.
Frame SndNkeRequest(uint8_t address);
Frame ReqUd2Request(uint8_t address, bool fcb);
Frame SelectionRequest(const SecondaryMask& mask);
Frame SendUserDataRequest(uint8_t address, uint8_t ci, std::vector<uint8_t> data);

// "INM" from the manufacturer field (EN 13757-3 §6.3.1: three letters of 5 bits, 'A' = 1; the
// inverse of slave_device.h's ManufacturerCode).
std::string ManufacturerText(uint16_t manufacturer);

// The fixed data header of an RSP_UD with CI 72 (12 bytes).
struct FixedHeader {
  uint32_t id = 0;            // the secondary address, decoded
  bool id_valid = false;      // false when a nibble is not a decimal digit
  uint16_t manufacturer = 0;  // as sent (little-endian field)
  uint8_t version = 0;
  uint8_t medium = 0;
  uint8_t access_number = 0;
  uint8_t status = 0;
  uint16_t signature = 0;

  friend bool operator==(const FixedHeader&, const FixedHeader&) = default;
};
inline constexpr std::size_t kFixedHeaderSize = 12;
FixedHeader ParseFixedHeader(std::span<const uint8_t, kFixedHeaderSize> bytes);

enum class OperationKind : uint8_t { kReset, kReadout, kSelect, kSend };

struct Operation {
  OperationKind kind = OperationKind::kReset;
  uint8_t address = 0;  // kReset, kReadout, kSend (kSelect: always 253)
  SecondaryMask mask;   // kSelect
  uint8_t ci = 0;       // kSend
  std::vector<uint8_t> data;
  // kReset/kSelect: after the E5, listen for `settle` more; anything heard is a collision.
  bool detect_collision = false;

  static Operation Reset(uint8_t address, bool detect_collision = false);
  static Operation ReadOut(uint8_t address);
  static Operation Select(const SecondaryMask& mask);  // always detects collisions
  static Operation Send(uint8_t address, uint8_t ci, std::vector<uint8_t> data);
};

enum class ClientErrorKind : uint8_t {
  kTimeout,    // nothing within the timeout, after every retry
  kCollision,  // a damaged or unfinished frame, or more than one reply
  kMalformed,  // a frame that is not the expected reply
};

struct ClientError {
  ClientErrorKind kind = ClientErrorKind::kTimeout;
  std::string detail;

  // "no reply", "collision or garbled reply: …", "malformed reply: …".
  std::string Describe() const;
};

struct Acknowledged {};  // the E5 of kReset, kSelect, kSend

struct Readout {
  uint8_t address = 0;           // the A field of the first telegram (the slave's primary address)
  FixedHeader header;            // the first telegram's
  std::vector<uint8_t> records;  // every telegram's records, in order, without DIF 1F
  int telegrams = 0;
};

using ClientOutcome = std::variant<Acknowledged, Readout, ClientError>;

struct ClientStep {
  std::vector<uint8_t> send;  // a retry or the next telegram's REQ_UD2
  std::optional<ClientOutcome> outcome;
};

struct ClientOptions {
  Duration timeout = std::chrono::seconds(1);  // per attempt, from the request to a reply start
  // Further attempts after a timeout, or after a damaged reply to a readout's REQ_UD2.
  int retries = 1;
  // An unfinished frame is dropped after the line was idle this long; a reply still arriving
  // keeps the timeout from firing until then (a 255-byte telegram at 300 baud takes 9 s).
  Duration frame_gap = std::chrono::milliseconds(100);
  Duration settle = std::chrono::milliseconds(100);  // see Operation::detect_collision
};

struct ClientCounters {
  uint64_t operations = 0;  // operations started
  uint64_t requests = 0;    // frames sent, retries and further REQ_UD2s included
  uint64_t replies = 0;     // expected replies taken (E5 or RSP_UD telegrams)
  uint64_t timeouts = 0;    // attempts that timed out
  uint64_t collisions = 0;  // damaged/unfinished frames and extra replies (not retried)
  uint64_t damaged = 0;     // damaged/unfinished replies to a REQ_UD2, retried
  uint64_t malformed = 0;   // frames that were not the expected reply
  uint64_t ignored = 0;     // frames with the master bit (echoes, other masters)
};

class MbusClient {
 public:
  explicit MbusClient(ClientOptions options);

  // Starts `operation` and returns the bytes to send at `now`. REQUIRES: !busy().
  std::vector<uint8_t> Start(const Operation& operation, TimePoint now);
  // Bytes received at `at` (ignored while idle).
  void Feed(std::span<const uint8_t> bytes, TimePoint at);
  ClientStep Poll(TimePoint now);
  // When Poll() must be called if no byte arrives; nullopt when idle.
  std::optional<TimePoint> NextDeadline() const;

  bool busy() const { return phase_ != Phase::kIdle; }
  const ClientCounters& counters() const { return counters_; }
  // The framers' counters, summed over every attempt.
  FramerCounters framer_counters() const;

 private:
  // kDraining: a damaged reply to a REQ_UD2 is being retried; the request goes out again once
  // the line has been quiet for the frame gap (the rest of the damaged frame is not a reply).
  enum class Phase : uint8_t { kIdle, kWaiting, kSettling, kDraining };

  std::vector<uint8_t> Send(Frame frame, TimePoint now);
  ClientStep Finish(ClientOutcome outcome);
  ClientStep Fail(ClientErrorKind kind, std::string detail);
  // The step for a whole frame received while waiting.
  std::optional<ClientStep> TakeFrame(Frame frame, TimePoint now);
  std::optional<ClientStep> TakeTelegram(Frame frame, TimePoint now);
  void NewFramer();
  // A damaged frame heard while waiting: retry a readout's request, else a collision.
  ClientStep TakeDamage(DropReason reason, TimePoint now);

  ClientOptions options_;
  Phase phase_ = Phase::kIdle;
  Operation operation_;
  Frame request_;
  int attempts_left_ = 0;
  TimePoint deadline_{};
  TimePoint last_byte_at_{};  // when bytes last arrived (kDraining waits for quiet after it)
  bool fcb_ = true;
  Readout readout_;
  StreamFramer framer_;
  FramerCounters past_framers_;
  uint64_t settle_bytes_ = 0;  // framer counters when settling began
  uint64_t settle_skipped_ = 0;
  ClientCounters counters_;
};

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_CLIENT_H_
