#pragma once
// os-release(5): /etc/os-release, else /usr/lib/os-release. Shell-style
// KEY=value lines, values optionally in double or single quotes:
//
//   PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
//   ID=debian
//
// alsa-info.sh 0.4.x joins the file into one line ("... PRETTY_NAME="Debian
// GNU/Linux 10 (buster)" NAME="Debian GNU/Linux" ID=debian ..."); keys are
// found wherever a token starts, so both shapes read the same.
#include <string_view>

#include "model/below_server.hpp"

namespace micdoctor::kernel_text {

Distribution parse_os_release(std::string_view text);

}  // namespace micdoctor::kernel_text
