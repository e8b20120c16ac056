#include "scheduler/event_queue.h"

#include <tuple>

namespace gpuledger::scheduler {

const char* CategoryName(Category c) {
  switch (c) {
    case Category::kProductive:
      return "productive";
    case Category::kCheckpoint:
      return "checkpoint";
    case Category::kLost:
      return "lost";
    case Category::kRestart:
      return "restart";
    case Category::kProvisioning:
      return "provisioning";
    case Category::kIdle:
      return "idle";
    case Category::kDown:
      return "down";
  }
  return "unknown";
}

bool EventQueue::Later::operator()(const Entry& a, const Entry& b) const {
  // priority_queue keeps the greatest on top, so "later" compares greater.
  return std::tuple(a.event.time, static_cast<int>(a.event.kind), a.seq) >
         std::tuple(b.event.time, static_cast<int>(b.event.kind), b.seq);
}

void EventQueue::Push(Seconds time, EventKind kind, int job, int epoch) {
  heap_.push(Entry{Event{time, kind, job, epoch}, next_seq_++});
}

Event EventQueue::Pop() {
  Event e = heap_.top().event;
  heap_.pop();
  return e;
}

}  // namespace gpuledger::scheduler
