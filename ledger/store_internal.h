// Helpers the ledger's files share; internal to ledger/.
#ifndef GPULEDGER_LEDGER_STORE_INTERNAL_H_
#define GPULEDGER_LEDGER_STORE_INTERNAL_H_

#include <string>

#include "ledger/store.h"

namespace gpuledger::ledger {

// "HOST:PID" of this process.
std::string ThisWriter();
// An instant of `clock` as ISO 8601 UTC.
std::string Iso8601(const Clock& clock);

}  // namespace gpuledger::ledger

#endif  // GPULEDGER_LEDGER_STORE_INTERNAL_H_
