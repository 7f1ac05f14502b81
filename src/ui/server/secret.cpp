#include "ui/server/secret.hpp"

#include <vector>

#ifdef _WIN32
#include <windows.h>
// windows.h first: bcrypt.h needs its types.
#include <bcrypt.h>
#else
#include <sys/random.h>

#include <cerrno>
#include <cstring>
#endif

namespace micdoctor::ui {
namespace {

bool fill_random(std::vector<unsigned char>& buffer, std::string& error) {
#ifdef _WIN32
  const NTSTATUS status = BCryptGenRandom(nullptr, buffer.data(), static_cast<ULONG>(buffer.size()),
                                          BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  if (status < 0) {
    error = "BCryptGenRandom failed";
    return false;
  }
  return true;
#else
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    const ssize_t got = getrandom(buffer.data() + filled, buffer.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::string("getrandom: ") + std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): before any thread
      return false;
    }
    filled += static_cast<std::size_t>(got);
  }
  return true;
#endif
}

}  // namespace

std::optional<std::string> random_secret(std::size_t bytes, std::string& error) {
  std::vector<unsigned char> buffer(bytes);
  if (!fill_random(buffer, error)) return std::nullopt;
  constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes * 2);
  for (const unsigned char byte : buffer) {
    text.push_back(kHex[byte >> 4U]);
    text.push_back(kHex[byte & 0x0FU]);
  }
  return text;
}

}  // namespace micdoctor::ui
