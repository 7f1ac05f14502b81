#pragma once
// One change at a time for `micdoctor ui` (a fix, an undo or the microphone
// test), the microphone test's own thread, and the shutdown that stops it.
// Request handlers run on several server threads at once and the test ends on
// its own thread, so everything here is guarded by one mutex. Pure (no sound
// system), so the busy, refused and shutdown rules are unit-tested.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "ui/server/http_types.hpp"

namespace micdoctor::ui {

class ChangeGate {
 public:
  enum class Refusal { none, busy, shutting_down };

  // Holds the gate while one change runs; destroying it (also while an
  // exception passes, or on the test's thread when the test ends) lets the
  // next change in.
  class BusyGuard {
   public:
    BusyGuard() = default;
    BusyGuard(BusyGuard&& other) noexcept;
    BusyGuard& operator=(BusyGuard&& other) noexcept;
    BusyGuard(const BusyGuard&) = delete;
    BusyGuard& operator=(const BusyGuard&) = delete;
    ~BusyGuard() { release(); }

    [[nodiscard]] bool holds() const { return gate_ != nullptr; }
    void release() noexcept;

   private:
    friend class ChangeGate;
    explicit BusyGuard(ChangeGate& gate) : gate_(&gate) {}
    ChangeGate* gate_ = nullptr;
  };

  // `on_idle` is called whenever a change ended while the gate is open (the
  // page is told the state is idle again); outside the lock; what it throws
  // is swallowed, since it runs from destructors.
  explicit ChangeGate(std::function<void()> on_idle = {});
  ~ChangeGate();  // shut_down() without a way to stop the work: waits for it
  ChangeGate(const ChangeGate&) = delete;
  ChangeGate& operator=(const ChangeGate&) = delete;

  // A guard that holds the gate for `what` ("fix", "undo", "test"), or an
  // empty one and why not.
  [[nodiscard]] BusyGuard try_begin(std::string what, Refusal& refusal);

  // Runs `work` on the background thread, holding `guard` until it returns.
  // Whatever `work` throws is handed to `failed` (in words) on that thread,
  // never let out of it. Refused (shutting_down; `guard` released) once the
  // shutdown began.
  using Failed = std::function<void(const std::string& why)>;
  Refusal run_in_background(BusyGuard guard, std::function<void()> work, Failed failed);

  // From now on every change is refused (503); then `ask_to_stop` is called
  // again and again until the background work has ended (a request can come
  // before the work looks for it), and its thread is joined. Idempotent.
  void shut_down(const std::function<void()>& ask_to_stop);

  // "" when nothing runs, else the `what` of the change that runs.
  [[nodiscard]] std::string running() const;

  // 409 with what runs, or 503 while micdoctor shuts down.
  [[nodiscard]] HttpResponse refused_response(Refusal refusal) const;

 private:
  void end_change() noexcept;
  void background_body(const std::function<void()>& work, const Failed& failed) noexcept;

  std::function<void()> on_idle_;
  mutable std::mutex mutex_;  // everything below
  std::condition_variable background_ended_;
  std::string running_;
  bool shutting_down_ = false;
  bool background_running_ = false;  // the work runs (its thread may still be opening the gate)
  std::thread background_;
};

}  // namespace micdoctor::ui
