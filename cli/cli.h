// The gpuledger command line as a library function, so tests can run it
// in-process and main() stays short.
#ifndef GPULEDGER_CLI_CLI_H_
#define GPULEDGER_CLI_CLI_H_

#include <iosfwd>

namespace gpuledger::cli {

// Exit codes: 0 success; 2 for bad input, a usage error (unknown option,
// bad choice) or a failed command, the message on `err` saying why.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace gpuledger::cli

#endif  // GPULEDGER_CLI_CLI_H_
