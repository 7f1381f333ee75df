// IEC 62056-21 characters in golden transcripts (docs/protocols/iec62056.md, "Golden
// transcripts"): `<SOH>`, `<STX>`, `<ETX>`, `<EOT>`, `<ACK>`, `<NAK>`, `<CR>`, `<LF>`, `<LT>` and
// `<xx>` (two hex digits) stand for one character each; everything else is itself. Shared by the
// server's runner (tests/device) and the client's (tests/protocol/iec62056).
#ifndef PRO380_TESTING_IEC_TEXT_H_
#define PRO380_TESTING_IEC_TEXT_H_

#include <optional>
#include <string>

namespace pro380::testing {

// The characters `text` stands for, or nullopt for an unknown `<…>` escape.
std::optional<std::string> UnescapeIec(const std::string& text);
// `chars` with every character outside 0x20..0x7E as `<xx>`, for readable failures.
std::string PrintableIec(const std::string& chars);

}  // namespace pro380::testing

#endif  // PRO380_TESTING_IEC_TEXT_H_
