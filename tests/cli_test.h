// A test fixture that runs the command line in-process, in a fresh folder
// with a ledger path of its own.
#ifndef GPULEDGER_TESTS_CLI_TEST_H_
#define GPULEDGER_TESTS_CLI_TEST_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "tests/temp_dir.h"

namespace gpuledger::testing {

class CliTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ledger_ = Path("ledger.sqlite");
  }

  struct Result {
    int code;
    std::string out, err;
  };
  // `gpuledger ARGS...`, with what it printed.
  Result Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "gpuledger");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }

  // Writes `text` to NAME in the test's folder; returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    const std::string p = Path(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  std::string ledger_;
};

}  // namespace gpuledger::testing

#endif  // GPULEDGER_TESTS_CLI_TEST_H_
