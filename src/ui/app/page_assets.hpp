#pragma once
// The page's files, compiled into the binary from src/ui/page (see
// src/CMakeLists.txt): nothing is fetched from anywhere.
#include <string_view>

namespace micdoctor::ui {

std::string_view page_html();
std::string_view page_script();
std::string_view page_style();
std::string_view page_icon();  // data/icons/micdoctor.svg

}  // namespace micdoctor::ui
