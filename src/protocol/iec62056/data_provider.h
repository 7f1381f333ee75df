// What the IEC 62056-21 server asks of a meter: its address and identification, the data sets
// of a readout, and the programming interface (password, read, write). The server knows no
// meter; device/ implements this for the PRO380 (device/iec_data_provider.h).
#ifndef PRO380_PROTOCOL_IEC62056_DATA_PROVIDER_H_
#define PRO380_PROTOCOL_IEC62056_DATA_PROVIDER_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/iec62056/frames.h"

namespace pro380::iec62056 {

// Why a programming command was refused; the server answers an error message
// `STX (text) ETX BCC` with ErrorText.
enum class CommandError : uint8_t {
  kUnknownAddress,  // no data set has this address
  kNotReadable,     // the address is write-only (a password)
  kNotWritable,     // read-only data
  kBadValue,        // the value is not one the setting allows
  kLocked,          // the setting is locked (C-10, a set CT ratio) or the meter is sealed
  kNotAuthorised,   // a write before the password was accepted
  kPasswordWrong,   // P1 with a wrong password
  kLockedOut,       // P1 while the lock-out after repeated wrong passwords runs
  kUnknownCommand,  // a command or command type the meter does not implement
};
// ≤ 32 characters without ( ) * / ! (§6.3.19).
std::string_view ErrorText(CommandError error);

// Who sent a write, for the meter's event log.
struct CommandContext {
  std::string_view interface;  // "iec-pty:/tmp/x", "iec-tcp:127.0.0.1:8000"
  std::string_view client;     // peer address, or empty
};

class DataProvider {
 public:
  virtual ~DataProvider() = default;

  // False while the meter does not communicate at all (a CT meter before its ratio is set):
  // requests are then not answered.
  virtual bool Communicating() const { return true; }
  // True when `address` (1..32 characters of a request message) names this meter.
  virtual bool MatchesAddress(std::string_view address) const = 0;
  // The identification after /XXXZ: at most 16 printable characters without / and !.
  virtual std::string Identification() const = 0;
  // The manufacturer's three letters of the identification (uppercase third letter: the reaction
  // time is at least 200 ms, §6.3.14 item 13).
  virtual std::string Manufacturer() const = 0;
  // Every data set of a readout, in order (a snapshot: read once per readout).
  virtual std::vector<DataSet> Readout() const = 0;
  // The operand of the P0 message that opens programming mode (sent as `(operand)`).
  virtual std::string PasswordOperand() const = 0;

  virtual bool CheckPassword(std::string_view password) const = 0;
  // R1: the data set at `address`.
  virtual std::variant<DataSet, CommandError> Read(std::string_view address) const = 0;
  // W1: writes `value` to `address`; nothing changes on an error.
  virtual std::variant<std::monostate, CommandError> Write(std::string_view address,
                                                           std::string_view value,
                                                           const CommandContext& context) = 0;
};

}  // namespace pro380::iec62056

#endif  // PRO380_PROTOCOL_IEC62056_DATA_PROVIDER_H_
