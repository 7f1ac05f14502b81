// `micdoctor demo`: the whole product in a minute, on a machine with or
// without sound hardware. It starts a private PulseAudio of its own (in a
// temporary runtime directory, never the user's), builds a typical broken
// setup on it (a USB headset muted at 20 %, the default input on the
// speakers' monitor, a video call recording the speakers), and runs check,
// fix, the microphone test and undo on it, saying what it does. The server
// and everything the demo made are removed at the end, on Ctrl-C too.
#include "cli/demo_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "cli/check_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/command_line.hpp"
#include "platform/linux/process.hpp"

extern char** environ;

namespace micdoctor::cli {
namespace {

std::atomic<bool> g_interrupted{false};
void on_interrupt(int) { g_interrupted.store(true); }

// A program running in the background, its output to a log; stopped and
// reaped when the object goes.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() { stop(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  bool started() const { return pid_ > 0; }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 30 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// The temporary directory, removed with everything in it.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "micdoctor-demo-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void say(const std::string& text) {
  std::printf("\n== %s\n\n", text.c_str());
  std::fflush(stdout);
}

bool pactl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"pactl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return linux_system::run_program(argv, std::chrono::seconds(10)).has_value();
}

bool wait_for_server() {
  for (int i = 0; i < 100 && !g_interrupted; ++i) {
    if (pactl({"info"})) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A microphone as a device would show it: a null sink (what we play into
// it) behind a remap source described like hardware.
bool add_microphone(const std::string& name, const std::string& description, const std::string& bus,
                    const std::string& form_factor) {
  return pactl({"load-module", "module-null-sink", "sink_name=feed_" + name, "rate=48000"}) &&
         pactl({"load-module", "module-remap-source", "source_name=" + name, "master=feed_" + name + ".monitor",
                "rate=48000",
                "source_properties='device.description=\"" + description + "\" device.bus=" + bus +
                    " device.form_factor=" + form_factor + "'"});
}

// Speech with mains hum, for the microphone test: espeak-ng and sox, when installed.
std::string make_speech_with_hum(const std::string& dir) {
  if (!linux_system::program_on_path("espeak-ng") || !linux_system::program_on_path("sox")) return {};
  const std::string voice = dir + "/voice.wav";
  std::string out = dir + "/speech-with-hum.wav";
  const auto minute = std::chrono::seconds(60);
  const std::string sentence =
      "Hello, can you hear me? I am testing my microphone before the meeting starts. Please tell me if the sound is clear.";
  if (!linux_system::run_program({"espeak-ng", "-v", "en-us", "-s", "150", "-w", voice, sentence}, minute)) {
    return {};
  }
  if (!linux_system::run_program({"sox", "-V1", "-m", "|sox " + voice + " -p rate 48000 norm -8 pad 0.3 0.3 repeat 4",
                                  "|sox -n -r 48000 -c 1 -p synth 40 sine 50 vol 0.05", "-b", "16", out, "trim", "0",
                                  "30"},
                                 minute)) {
    return {};
  }
  return out;
}

int demo() {
  if (!linux_system::program_on_path("pulseaudio") || !linux_system::program_on_path("pactl")) {
    std::fprintf(stderr, "micdoctor: the demo runs its own PulseAudio server: install it first "
                         "(Debian: sudo apt install pulseaudio pulseaudio-utils)\n");
    return 2;
  }
  const TemporaryDirectory dir;
  if (dir.path().empty()) {
    std::fprintf(stderr, "micdoctor: the demo could not make a temporary directory\n");
    return 2;
  }
  const std::string socket = dir.path() + "/native";
  const std::string config = dir.path() + "/default.pa";
  if (FILE* f = std::fopen(config.c_str(), "w")) {
    std::fprintf(f, "load-module module-native-protocol-unix auth-anonymous=1 socket=%s\n"
                    "load-module module-null-sink sink_name=speakers sink_properties='device.description=\"Speakers\"'\n",
                 socket.c_str());
    std::fclose(f);
  }
  // Everything below talks to the private server only, and keeps its journal in the temporary directory.
  ::setenv("PULSE_SERVER", ("unix:" + socket).c_str(), 1);
  ::setenv("XDG_STATE_HOME", (dir.path() + "/state").c_str(), 1);
  ::setenv("HOME", dir.path().c_str(), 1);
  ::setenv("XDG_RUNTIME_DIR", dir.path().c_str(), 1);

  std::printf("micdoctor demo: a private sound server with a typical broken setup, and what micdoctor does "
              "with it.\nThis machine's own sound setup is neither read nor changed; the demo server is removed "
              "at the end.\n");
  Background server({"pulseaudio", "-n", "-F", config, "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit"},
                    dir.path() + "/pulseaudio.log");
  if (!server.started() || !wait_for_server()) {
    std::fprintf(stderr, "micdoctor: the demo's PulseAudio did not start (see its log in %s)\n", dir.path().c_str());
    return 2;
  }
  const bool built = add_microphone("usb_headset_mic", "USB Headset Microphone", "usb", "headset") &&
                     add_microphone("laptop_mic", "Built-in Microphone", "pci", "internal") &&
                     pactl({"set-source-mute", "usb_headset_mic", "1"}) &&
                     pactl({"set-source-volume", "usb_headset_mic", "20%"}) &&
                     pactl({"set-default-source", "speakers.monitor"});
  if (!built) {
    std::fprintf(stderr, "micdoctor: the demo could not build its microphones\n");
    return 2;
  }
  Background call({"parec", "-d", "speakers.monitor", "--latency-msec=20", "--client-name=Video call"},
                  dir.path() + "/call.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  say("1. The setup: a USB headset that is muted and turned down to 20 %, the default input set to the "
      "speakers' monitor, and a video call recording the speakers. A person would say: \"they cannot hear me\".");
  say("2. micdoctor check  (reads every layer and says what is wrong, in the order an expert would look)");
  run_check({});
  if (g_interrupted) return 130;
  say("3. micdoctor fix --yes  (each fix journalled first, then checked; without --yes it asks before each)");
  run_fix({"--yes"});
  if (g_interrupted) return 130;
  const std::string speech = make_speech_with_hum(dir.path());
  if (!speech.empty()) {
    say("4. micdoctor test --seconds 3  (listens to the microphone; here a voice with mains hum is played into it)");
    Background voice({"paplay", "--latency-msec=20", "-d", "feed_usb_headset_mic", speech}, dir.path() + "/paplay.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    run_test({"--seconds", "3"});
  } else {
    say("4. (The microphone test is skipped: it needs espeak-ng and sox to make a voice to play into the headset.)");
  }
  if (g_interrupted) return 130;
  say("5. micdoctor undo  (puts back exactly what fix changed, from the journal)");
  run_undo({});
  if (g_interrupted) return 130;
  say("6. micdoctor check  (everything is as broken as before: undo really undoes)");
  run_check({});
  std::printf("\nThat was micdoctor. On your own machine: micdoctor check, micdoctor test, micdoctor fix.\n");
  return 0;
}

}  // namespace

int run_demo(const std::vector<std::string>& args) {
  CommandLine line("demo", "Run check, fix, test and undo on a private PulseAudio server with typical faults.\n"
                           "This machine's own sound setup is neither read nor changed.");
  line.app().allow_extras();
  if (const auto status = line.parse(args)) return *status;
  if (!line.app().remaining().empty()) return line.error("demo takes no options");
  // Ctrl-C ends the demo after the step it is in; the server and the
  // temporary directory are removed on the way out.
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  struct sigaction previous_int {};
  struct sigaction previous_term {};
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
  const int status = demo();
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  if (g_interrupted) std::fprintf(stderr, "micdoctor: demo stopped; its sound server and files are removed\n");
  return g_interrupted ? 130 : status;
}

}  // namespace micdoctor::cli
