// `ui`: the local web application. The server (ui/server) owns the network
// and its security; the application (ui/app) owns what the page shows and
// does; this file ties them together, prints the link and opens the browser.
#include "cli/ui_command.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/command_line.hpp"
#include "platform/platform.hpp"
#include "report/terminal.hpp"
#include "ui/app/ui_app.hpp"
#include "ui/server/request_guard.hpp"
#include "ui/server/secret.hpp"
#include "ui/server/ui_server.hpp"

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace micdoctor::cli {
namespace {

struct Options {
  bool no_browser = false;
  int port = 0;  // 0: a free port
  std::string device;
};

std::optional<int> parse(const std::vector<std::string>& args, Options& options) {
  CommandLine line("ui",
                   "Open micdoctor in your web browser: the check, the microphone test, fixes and undo, "
                   "served on this computer only (127.0.0.1).");
  CLI::App& app = line.app();
  // ui finds nothing itself (the page shows the findings): its own statuses.
  app.footer("exit status: 0 the page was closed (or Ctrl-C), 2 could not start (e.g. the port is taken, or no "
             "browser could be opened while the output is not a terminal, so nobody could read the link)");
  app.add_flag("--no-browser", options.no_browser, "only print the link to open (the first line of the output)");
  app.add_option("--port", options.port, "serve on this port of 127.0.0.1 (default: a free one)")->type_name("N");
  app.add_option("--device", options.device, "check this microphone instead of the default one")->type_name("ID");
  if (const auto status = line.parse(args)) return status;
  if (options.port < 0 || options.port > 65535) return line.error("--port must be between 1 and 65535 (or 0 for a free one)");
  if (line.given("--device") && options.device.empty()) return line.error("--device needs a microphone's id");
  return std::nullopt;
}

#ifdef _WIN32
// Set by the console control handler, which Windows runs on a thread of its
// own: a lock-free flag is all it may touch; the server polls it.
std::atomic<bool> g_console_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

BOOL WINAPI on_console_control(DWORD) {
  g_console_stop = true;
  return TRUE;  // Ctrl-C, Ctrl-Break, closing the window: stop as on SIGINT
}
#endif

// "30 seconds", "10 minutes": a lifetime for a person.
std::string in_words(std::chrono::milliseconds duration) {
  const auto unit = [](long long number, const char* name) {
    return std::to_string(number) + " " + name + (number == 1 ? "" : "s");
  };
  const long long count = duration.count();
  if (count % 60000 == 0) return unit(count / 60000, "minute");
  if (count % 1000 == 0) return unit(count / 1000, "second");
  return unit(count, "millisecond");  // only the tests' shortened lifetimes
}

// Whether somebody can read the link micdoctor prints.
bool output_is_terminal() {
#ifdef _WIN32
  return _isatty(_fileno(stdout)) != 0;
#else
  return isatty(STDOUT_FILENO) != 0;
#endif
}

void tell(const std::string& text) {
  std::fprintf(stderr, "micdoctor ui: %s\n", escape_for_terminal(text).c_str());
}

}  // namespace

int run_ui(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, options)) return *status;

  std::string error;
  const auto key = ui::random_secret(ui::kSecretBytes, error);
  const auto cookie_token = key ? ui::random_secret(ui::kSecretBytes, error) : std::nullopt;
  if (!key || !cookie_token) {
    tell("cannot make a secret for the page: " + error);
    return 2;
  }
  ui::ServerLimits limits;
  ui::apply_test_lifetime(limits);
  const auto server = ui::UiServer::listen(static_cast<std::uint16_t>(options.port), limits, error);
  if (!server) {
    tell(error + (options.port != 0 ? "; choose another --port, or leave it out for a free one" : ""));
    return 2;
  }
  const std::uint16_t port = server->port();
  const ui::RequestGuard guard(port, *key, *cookie_token);
  ui::UiAppOptions app_options;
  app_options.device = options.device;
  const auto application = ui::make_ui_application(*server, app_options);

  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/?key=" + *key;
  // Held while the page is served (on Linux the redirect file the browser reads).
  std::unique_ptr<platform::BrowserHandoff> browser;
  std::string browser_error;
  if (!options.no_browser) {
    browser = platform::open_in_browser(url, browser_error);
    // Started from a desktop entry or a script without a browser: nobody would
    // ever read the link, so do not serve it for minutes to nobody.
    if (!browser && !output_is_terminal()) {
      tell("could not start a browser (" + browser_error +
           "), and standard output is not a terminal, so nobody could read the link. Run micdoctor ui in a "
           "terminal, or with --no-browser to print only the link.");
      return 2;
    }
  }
  // The first line is the whole link, at once: scripts and tests read it.
  std::fprintf(stdout, "%s\n", url.c_str());
  std::fflush(stdout);

  if (options.no_browser) {
    tell("open the link above in your browser.");
  } else if (browser) {
    tell("opening your browser; if no page appears, open the link above in your browser.");
  } else {
    tell("could not start a browser (" + browser_error + "): open this link in your browser: " + url);
  }
  tell("micdoctor serves the page on this computer only. It stops " + in_words(limits.after_last_page) +
       " after you close the page, or after " + in_words(limits.without_any_page) +
       " if no page is opened; or now with Ctrl-C.");
#ifdef _WIN32
  server->stop_when_set(g_console_stop);
  SetConsoleCtrlHandler(on_console_control, TRUE);
#endif
  server->run(*application, guard);
#ifdef _WIN32
  SetConsoleCtrlHandler(on_console_control, FALSE);
#endif
  tell("stopped.");
  return 0;
}

}  // namespace micdoctor::cli
