#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) { return gpuledger::cli::RunCli(argc, argv, std::cout, std::cerr); }
