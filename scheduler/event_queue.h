// The discrete-event queue: events at integer seconds, taken in a defined
// order so that a replay is deterministic.
#ifndef GPULEDGER_SCHEDULER_EVENT_QUEUE_H_
#define GPULEDGER_SCHEDULER_EVENT_QUEUE_H_

#include <cstdint>
#include <queue>
#include <vector>

#include "scheduler/types.h"

namespace gpuledger::scheduler {

// Kinds in the order they are applied when they fall on the same second:
// job ends first (their GPUs are free for jobs arriving at that instant),
// then repaired nodes coming back, then submissions, then wake-ups for jobs
// whose wait makes them burst to on-demand capacity, then spot capacity
// taken back from the jobs on it, then pools of a mixed cluster opening or
// retiring (a wake-up: the decision point after the instant sees them).
// Ties within a kind go in the order they were pushed.
enum class EventKind : int {
  kJobEnd = 0,
  kNodeUp = 1,
  kJobSubmit = 2,
  kBurstCheck = 3,
  kSpotStop = 4,
  kPoolChange = 5,
};

struct Event {
  Seconds time = 0;
  EventKind kind = EventKind::kJobEnd;
  int job = -1;
  int epoch = 0;  // lets the owner recognise events it has made stale
};

class EventQueue {
 public:
  void Push(Seconds time, EventKind kind, int job, int epoch = 0);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // Time of the next event. Requires !empty().
  Seconds NextTime() const { return heap_.top().event.time; }
  // Removes and returns the next event. Requires !empty().
  Event Pop();
  // Drops every event.
  void Clear() { heap_ = {}; }

 private:
  struct Entry {
    Event event;
    uint64_t seq;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const;
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace gpuledger::scheduler

#endif  // GPULEDGER_SCHEDULER_EVENT_QUEUE_H_
