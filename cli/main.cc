#include <csignal>
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // A file grown past the process's size limit (RLIMIT_FSIZE) is then a
  // failed write the ledger reports (EFBIG), not a death by signal.
  std::signal(SIGXFSZ, SIG_IGN);
  return gpuledger::cli::RunCli(argc, argv, std::cout, std::cerr);
}
