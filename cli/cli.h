// The gpuledger command line as a library function, so tests can run it
// in-process and main() stays short.
#ifndef GPULEDGER_CLI_CLI_H_
#define GPULEDGER_CLI_CLI_H_

#include <iosfwd>

namespace gpuledger::cli {

// Exit codes: 0 success, 2 bad input or a failed command (the message on
// `err` says why), 1 for a usage error caught by the argument parser.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace gpuledger::cli

#endif  // GPULEDGER_CLI_CLI_H_
