#include <iostream>

#include "replay/cli.h"

int main(int argc, char** argv) {
  return gpuledger::replay::RunCli(argc, argv, std::cout, std::cerr);
}
