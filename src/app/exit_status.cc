#include "app/exit_status.h"

#include <iostream>

namespace pro380::app {

int ReportFailure(std::string_view command, const Status& status) {
  std::cerr << "pro380 " << command << ": " << status.message() << "\n";
  return status.code() == Status::Code::kInvalidArgument ? kExitBadInput : kExitRuntimeFailure;
}

}  // namespace pro380::app
