#pragma once
// The secrets of `micdoctor ui`: random bytes from the operating system's
// source (getrandom on Linux, BCryptGenRandom on Windows), as hex.
#include <cstddef>
#include <optional>
#include <string>

namespace micdoctor::ui {

// `bytes` random bytes as 2*bytes lowercase hex digits; nullopt with the
// reason in `error` when the system's source cannot be read.
std::optional<std::string> random_secret(std::size_t bytes, std::string& error);

// 32 bytes: 256 bits, twice the 128 the issue asks for.
inline constexpr std::size_t kSecretBytes = 32;

}  // namespace micdoctor::ui
