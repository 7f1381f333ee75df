// The M-Bus slave engine (EN 13757-2/-3, the subset in docs/protocols/mbus.md): addressing and
// secondary selection, the link layer's FCB/FCV handling, one handler per request type, and the
// RSP_UD with its fixed header, split into telegrams when the records do not fit one frame.
// It reaches the meter only through a SlaveDevice. Framing is the caller's (StreamFramer).
//
// Addressing (manual appendix 2): 0..250 primary; 253 the slave selected by secondary address;
// 254 every slave, replying with its own address; 255 every slave, no reply but processed. No
// reply for another address, 251/252, an unselected 253, a frame whose checksum failed (the
// framer drops it) and frames sent by slaves (E5, RSP_UD). Every other accepted request gets E5
// unless it returns data — unsupported ones included ("A unsupported command will get a reply").
//
// Thread safety: none; one engine per meter and bus, driven from one thread.
#ifndef PRO380_PROTOCOL_MBUS_SLAVE_H_
#define PRO380_PROTOCOL_MBUS_SLAVE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/mbus/frame.h"
#include "protocol/mbus/slave_device.h"

namespace pro380::mbus {

// CI fields (EN 13757-3 §5.1). Mode 2 CIs carry multi-byte values high byte first.
inline constexpr uint8_t kCiApplicationReset = 0x50;
inline constexpr uint8_t kCiDataSend = 0x51;
inline constexpr uint8_t kCiResponse = 0x72;
inline constexpr uint8_t kCiRamReadout = 0xB1;  // "request readout of complete RAM content"
inline constexpr uint8_t kCiEepromRead = 0xB4;  // "EEPROM read"
inline constexpr uint8_t kCiBaud300 = 0xB8;     // B8..BF: 300 … 38400 baud
inline constexpr uint8_t kCiBaud38400 = 0xBF;

// The fixed data header (12 bytes) and the DIF 1F that ends a telegram with more to follow
// leave this many record bytes in one long frame.
inline constexpr std::size_t kRecordBytesPerTelegram = kMaxLongData - 12 - 1;

// Everything the engine did since it was made (for the CLI, web and tests).
struct SlaveCounters {
  uint64_t requests = 0;        // frames addressed to this slave (broadcasts included)
  uint64_t data_replies = 0;    // RSP_UD telegrams sent (repeats included)
  uint64_t acks = 0;            // E5 sent
  uint64_t repeats = 0;         // RSP_UD sent again for a REQ_UD2 with an unchanged FCB
  uint64_t broadcasts = 0;      // requests to 255, processed without reply
  uint64_t other_address = 0;   // frames for another primary address (no reply)
  uint64_t unselected = 0;      // frames to 253 while not selected (no reply)
  uint64_t selections = 0;      // selections that matched this slave
  uint64_t deselections = 0;    // selections that did not match, SND_NKE to 253/255 when selected
  uint64_t writes = 0;          // CI 0x51 data sends applied
  uint64_t writes_refused = 0;  // CI 0x51 data sends refused (status byte: application error)
  uint64_t baud_changes = 0;    // CI 0xB8..0xBD accepted
  uint64_t unsupported = 0;     // accepted with E5 but without effect (unknown C or CI)
  uint64_t ignored = 0;         // frames sent by slaves (E5, RSP_UD) heard on the bus
};

// CI 0xB8 + k: the baud rate it selects (0 for none).
constexpr int BaudOfCi(uint8_t ci) {
  constexpr int kBauds[] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};
  return ci >= kCiBaud300 && ci <= kCiBaud38400 ? kBauds[ci - kCiBaud300] : 0;
}

class Slave {
 public:
  // `device` must outlive the engine. `max_baud`: CI B8.. beyond it are unsupported.
  explicit Slave(SlaveDevice& device, int max_baud = 9600) : device_(device), max_baud_(max_baud) {}

  // The reply to `frame` (its bytes), or nullopt when the standard says none is sent.
  std::optional<std::vector<uint8_t>> Handle(const Frame& frame, const RequestContext& context);

  bool selected() const { return selected_; }
  uint8_t access_number() const { return access_number_; }
  const SlaveCounters& counters() const { return counters_; }

 private:
  // What to answer to a request this slave accepted: data, E5, or nothing (broadcast 255).
  std::optional<std::vector<uint8_t>> Dispatch(const Frame& frame, const RequestContext& context);
  std::vector<uint8_t> ReadOut(const Frame& frame);
  std::vector<uint8_t> Telegram(std::size_t index);
  void HandleSendUserData(const Frame& frame, const RequestContext& context);
  bool Matches(const Frame& selection) const;
  void EndSequence() { sequence_active_ = false; }

  SlaveDevice& device_;
  int max_baud_;
  bool selected_ = false;
  uint8_t access_number_ = 0;
  bool application_error_ = false;  // a refused write, reported in the next RSP_UD
  // The readout being sent (multi-telegram): its records and how far it got.
  RecordList readout_;
  std::vector<std::size_t> telegram_starts_;  // record index each telegram starts at
  std::size_t next_telegram_ = 0;
  bool sequence_active_ = false;  // the previous request to us was a REQ_UD2 answered with data
  bool last_fcb_ = false;
  std::vector<uint8_t> last_reply_;
  SlaveCounters counters_;
};

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_SLAVE_H_
