// How a command ends on an error: one line on stderr and the contract's exit status.
#ifndef PRO380_APP_EXIT_STATUS_H_
#define PRO380_APP_EXIT_STATUS_H_

#include <string_view>

#include "base/status.h"

namespace pro380::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeFailure = 1;
inline constexpr int kExitBadInput = 2;  // bad command line, configuration or input file

// Prints "pro380 <command>: <message>" on stderr and returns 2 for invalid input, else 1.
int ReportFailure(std::string_view command, const Status& status);

}  // namespace pro380::app

#endif  // PRO380_APP_EXIT_STATUS_H_
