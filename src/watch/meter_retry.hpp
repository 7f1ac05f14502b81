// When the watch tries again to meter a source it could not record.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

namespace micdoctor {

// A refused source is tried again as soon as its state changes, and
// otherwise after a wait that doubles from `first` up to `longest`: a new
// source still waking (a PipeWire node on a busy machine) may refuse once and
// take the next try with nothing changing in between, while one that keeps
// refusing costs a stream every few seconds, never a busy loop. Pure: the
// caller passes the time.
class MeterRetry {
 public:
  using Clock = std::chrono::steady_clock;
  using Wait = std::chrono::milliseconds;

  MeterRetry(Wait first, Wait longest) : first_(first), longest_(longest), wait_(first) {}

  // Whether `name` (in `state`) may be tried now; when not, `next_try()` says when.
  bool may_try(const std::string& name, const std::string& state, Clock::time_point now) {
    if (name != refused_name_) {
      wait_ = first_;  // another source: a fresh start
      return true;
    }
    return state != refused_state_ || now >= retry_at_;
  }

  void refused(const std::string& name, const std::string& state, Clock::time_point now) {
    refused_name_ = name;
    refused_state_ = state;
    retry_at_ = now + wait_;
    wait_ = std::min(2 * wait_, longest_);
  }

  void succeeded() {
    refused_name_.clear();
    wait_ = first_;
  }

  Clock::time_point next_try() const { return retry_at_; }

 private:
  Wait first_, longest_, wait_;
  std::string refused_name_;   // a source the meter could not record
  std::string refused_state_;  // and its state then
  Clock::time_point retry_at_{};
};

}  // namespace micdoctor
