// One change at a time, the test's thread and the shutdown (change_gate.hpp).
#include "ui/app/change_gate.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "ui/app/routes.hpp"

namespace micdoctor::ui {
namespace {

// How long shut_down waits for the work to end before asking it again.
constexpr auto kAskToStopEvery = std::chrono::milliseconds(20);

std::string words_for(std::string_view running) {
  if (running == "test") return "the microphone test is still listening";
  if (running == "undo") return "an undo is still running";
  if (running == "fix") return "a fix is still running";
  return "another change is still running";
}

}  // namespace

ChangeGate::BusyGuard::BusyGuard(BusyGuard&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}

ChangeGate::BusyGuard& ChangeGate::BusyGuard::operator=(BusyGuard&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

void ChangeGate::BusyGuard::release() noexcept {
  if (ChangeGate* gate = std::exchange(gate_, nullptr); gate != nullptr) gate->end_change();
}

ChangeGate::ChangeGate(std::function<void()> on_idle) : on_idle_(std::move(on_idle)) {}

ChangeGate::~ChangeGate() { shut_down([] {}); }

ChangeGate::BusyGuard ChangeGate::try_begin(std::string what, Refusal& refusal) {
  const std::lock_guard lock(mutex_);
  if (shutting_down_) {
    refusal = Refusal::shutting_down;
    return {};
  }
  if (!running_.empty()) {
    refusal = Refusal::busy;
    return {};
  }
  running_ = std::move(what);
  refusal = Refusal::none;
  return BusyGuard(*this);
}

void ChangeGate::end_change() noexcept {
  bool tell = false;
  {
    const std::lock_guard lock(mutex_);
    running_.clear();
    tell = !shutting_down_ && on_idle_;
  }
  if (!tell) return;
  try {
    on_idle_();
  } catch (...) {
    // The page learns the state with the next reading (every 2 s).
  }
}

ChangeGate::Refusal ChangeGate::run_in_background(BusyGuard guard, std::function<void()> work, Failed failed) {
  std::thread ended;  // the last test's thread, joined outside the lock
  {
    const std::lock_guard lock(mutex_);
    if (shutting_down_) return Refusal::shutting_down;  // `guard` releases on the way out
    if (background_running_) return Refusal::busy;      // cannot be: the guard holds the gate
    ended = std::move(background_);
    background_running_ = true;
    try {
      background_ = std::thread(&ChangeGate::background_body, this, std::move(work), std::move(failed));
    } catch (...) {
      background_running_ = false;      // no thread: a shutdown must not wait for one
      background_ = std::move(ended);  // the last one is joined later, as if nothing began
      throw;                           // `guard` opens the gate on the way out, once the lock is released
    }
    guard.gate_ = nullptr;  // handed over: the thread holds the gate now (background_body)
  }
  if (ended.joinable()) ended.join();  // its work is done; it may still be telling the page
  return Refusal::none;
}

void ChangeGate::background_body(const std::function<void()>& work, const Failed& failed) noexcept {
  BusyGuard guard(*this);  // the change run_in_background began, now this thread's
  // An exception escaping a std::thread ends the program: everything ends here.
  std::string why;
  try {
    work();
  } catch (const std::exception& e) {
    why = e.what();
    if (why.empty()) why = "an unknown error";
  } catch (...) {
    why = "an unknown error";
  }
  if (!why.empty() && failed) {
    try {
      failed(why);
    } catch (...) {
      // Nobody is left to tell; the gate still opens below.
    }
  }
  {
    const std::lock_guard lock(mutex_);
    background_running_ = false;  // before the gate opens: the next test may start its thread at once
  }
  background_ended_.notify_all();
  guard.release();  // the page is told from here; joining this thread waits for that
}

void ChangeGate::shut_down(const std::function<void()>& ask_to_stop) {
  std::unique_lock lock(mutex_);
  shutting_down_ = true;
  while (background_running_) {
    lock.unlock();
    ask_to_stop();
    lock.lock();
    background_ended_.wait_for(lock, kAskToStopEvery, [this] { return !background_running_; });
  }
  std::thread ended = std::move(background_);
  lock.unlock();
  if (ended.joinable()) ended.join();
}

std::string ChangeGate::running() const {
  const std::lock_guard lock(mutex_);
  return running_;
}

HttpResponse ChangeGate::refused_response(Refusal refusal) const {
  if (refusal == Refusal::shutting_down) {
    return error_response(503, "micdoctor is shutting down, so nothing new starts now. Start micdoctor again.");
  }
  return error_response(409, "Please wait: " + words_for(running()) + ". Try again when it has finished.");
}

}  // namespace micdoctor::ui
