// The pro380 command line (product.md, "Command-line contract").
#ifndef PRO380_APP_CLI_H_
#define PRO380_APP_CLI_H_

namespace pro380::app {

// Parses and runs a command. Exit status: 0 success, 2 bad command line or configuration,
// 1 runtime failure.
int Main(int argc, char** argv);

}  // namespace pro380::app

#endif  // PRO380_APP_CLI_H_
