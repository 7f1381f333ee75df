// `pro380 run --check` (docs/config.md, "Checking a file"): what a run would start, in words,
// once its command line, config file and source spec passed every check. Nothing is opened,
// bound or written: a service manager runs it before the start (examples/pro380.service), a
// user after editing a file.
#ifndef PRO380_APP_RUN_CHECK_H_
#define PRO380_APP_RUN_CHECK_H_

#include <string>
#include <vector>

#include "app/run_plan.h"

namespace pro380::app {

// "pro380 run: configuration OK: 1 meter(s), source …, state …", one line per meter (the first
// ten; then how many more) and one naming the interfaces.
std::vector<std::string> DescribeCheckedPlan(const RunPlan& plan);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_CHECK_H_
