// The `[[fleet]]` tables of the config file (docs/config.md, "[[fleet]]"): parsing and checking
// one table into a FleetTemplate (app/fleet_template.h). Used by run_config.cc only.
#ifndef PRO380_APP_FLEET_CONFIG_H_
#define PRO380_APP_FLEET_CONFIG_H_

// toml++ as run_config.cc takes it (see there for the two upstream defects this works around):
// its preprocessor header first, then the assumption macro made a no-op, then the parser.
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>

#include <functional>
#include <string>

#include "app/fleet_template.h"
#include "base/status.h"

namespace pro380::app {

// Makes the message "FILE:LINE: TEXT" for a node at `where` (run_config.cc's Reporter::At).
using ConfigReport = std::function<Status(const toml::source_region& where, const std::string&)>;

// Parses and checks the `[[fleet]]` table named `path` ("fleet[1]"); `run_sealed` is the
// default of its `sealed`. Errors: InvalidArgument "FILE:LINE: fleet[1].KEY ... allowed ...".
Result<FleetTemplate> ParseFleetTable(const ConfigReport& report, const toml::table& table,
                                      const std::string& path, bool run_sealed);

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_CONFIG_H_
