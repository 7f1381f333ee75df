// `pro380 scan --mbus | --mbus-tcp` (docs/client.md, "pro380 scan over M-Bus"): the secondary
// address wildcard search (the standard tree search of EN 13757-3 §7.4 as libmbus does it) or,
// with --primary, a probe of each primary address 0..250 (or those --ids lists); lists the
// meters found.
#ifndef PRO380_APP_MBUS_SCAN_H_
#define PRO380_APP_MBUS_SCAN_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/client_endpoint.h"
#include "base/status.h"
#include "protocol/mbus/client.h"

namespace pro380::app {

// The outcome of one selection probe during the search.
enum class SelectProbe : uint8_t { kNone, kOne, kSeveral };

// The wildcard tree search over the ID digits left wildcards in `start`, most significant first:
// probe `start` (FFFFFFFF and any manufacturer, version, medium unless filtered); nobody → done;
// one E5 → one meter with that mask (`found` is called while it is selected); several (a
// collision, garbled or more than one E5) → fix the next wildcard digit to 0..9 in turn and
// probe each. Meters that share one secondary address (every ID digit fixed, still several) are
// told apart the same way by the 8 digits of their fabrication numbers (enhanced selection,
// EN 13757-3 §7.4: `found` gets the mask with its fabrication number); they are reported through
// `duplicate` when none answers a selection with a fabrication number, when they share it too,
// or when all ten values of a fabrication digit answer (meters that ignore the record; their
// 10^8 masks are not searched). Bounded: at most 1 + 10 × 16 probes per meter. Errors from the
// callbacks (a broken link) stop the search.
Status SecondarySearch(const std::function<Result<SelectProbe>(const mbus::SecondaryMask&)>& probe,
                       const std::function<Status(const mbus::SecondaryMask&)>& found,
                       const std::function<void(const mbus::SecondaryMask&)>& duplicate,
                       const mbus::SecondaryMask& start = {});

// The secondary search's filters (docs/client.md, "pro380 scan over M-Bus"): each fixes its
// field of the mask the search starts from; the slaves compare the whole mask (EN 13757-3
// selection), so a meter that does not match stays silent and is never found.
struct MbusScanFilter {
  std::optional<std::string> secondary;     // --secondary: 8 ID characters or 16 (libmbus form)
  std::optional<std::string> manufacturer;  // --manufacturer: 3 letters A..Z ("INM")
  std::optional<int> version;               // --version 0..254
  std::optional<int> medium;                // --medium 0..254 (2: electricity)
  bool given() const { return secondary || manufacturer || version || medium; }
};

// The mask the search starts from. InvalidArgument (exit 2) naming the option and its form, or
// when an option and --secondary's mask both fix one field.
Result<mbus::SecondaryMask> ScanStartMask(const MbusScanFilter& filter);

// `--primary`: the primary addresses to probe, in order, and how the user named them.
struct PrimaryProbe {
  std::vector<uint8_t> addresses;  // each 0..250
  std::string named;               // "0..250", "1-5,9"
};

// The scan: the secondary address search, or with `primary` a probe of its addresses. Returns
// the exit status (0 at least one meter, 1 none or a link failure, 2 a bad filter, or a filter
// with `primary`).
int RunMbusScan(const ClientEndpointArgs& endpoint, const std::optional<PrimaryProbe>& primary,
                bool json, const MbusScanFilter& filter = {});

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_SCAN_H_
