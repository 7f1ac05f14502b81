#include "platform/windows/windows_util.hpp"

#include <cstdio>
#include <cstring>
#include <vector>

namespace micdoctor::windows {

std::string to_utf8(const wchar_t* text) {
  if (text == nullptr || text[0] == L'\0') return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  if (size <= 1) return {};
  std::string out(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(size - 1));
  return out;
}

std::string to_utf8(const std::wstring& text) { return to_utf8(text.c_str()); }

std::wstring to_wide(const std::string& text) {
  if (text.empty()) return {};
  const int size = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  if (size <= 0) return {};
  std::wstring out(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
  return out;
}

std::string describe_hresult(HRESULT result) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%08lX", static_cast<unsigned long>(result));
  wchar_t* message = nullptr;
  const DWORD length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                          FORMAT_MESSAGE_IGNORE_INSERTS,
                                      nullptr, static_cast<DWORD>(result), 0, reinterpret_cast<LPWSTR>(&message), 0,
                                      nullptr);
  std::string text = code;
  if (length > 0 && message != nullptr) {
    std::string words = to_utf8(message);
    while (!words.empty() && (words.back() == '\n' || words.back() == '\r' || words.back() == ' ')) words.pop_back();
    if (!words.empty()) text += " (" + words + ")";
  }
  LocalFree(message);
  return text;
}

namespace {

// Reads a value of at most 64 KiB: the registry is other programs' data.
std::optional<std::vector<BYTE>> registry_value(HKEY root, const std::wstring& path, const wchar_t* name, DWORD want) {
  RegistryKey key;
  if (RegOpenKeyExW(root, path.c_str(), 0, KEY_QUERY_VALUE, key.put()) != ERROR_SUCCESS) return std::nullopt;
  DWORD type = 0;
  DWORD size = 0;
  if (RegQueryValueExW(key.get(), name, nullptr, &type, nullptr, &size) != ERROR_SUCCESS || type != want ||
      size > 65536) {
    return std::nullopt;
  }
  std::vector<BYTE> data(size + sizeof(wchar_t));
  if (RegQueryValueExW(key.get(), name, nullptr, &type, data.data(), &size) != ERROR_SUCCESS || type != want) {
    return std::nullopt;
  }
  data.resize(size);
  return data;
}

}  // namespace

std::optional<std::wstring> registry_string(HKEY root, const std::wstring& path, const wchar_t* name) {
  const auto data = registry_value(root, path, name, REG_SZ);
  if (!data) return std::nullopt;
  std::wstring text(data->size() / sizeof(wchar_t), L'\0');
  std::memcpy(text.data(), data->data(), text.size() * sizeof(wchar_t));
  while (!text.empty() && text.back() == L'\0') text.pop_back();
  return text;
}

std::optional<DWORD> registry_dword(HKEY root, const std::wstring& path, const wchar_t* name) {
  const auto data = registry_value(root, path, name, REG_DWORD);
  if (!data || data->size() != sizeof(DWORD)) return std::nullopt;
  DWORD value = 0;
  std::memcpy(&value, data->data(), sizeof value);
  return value;
}

std::optional<ULONGLONG> registry_qword(HKEY root, const std::wstring& path, const wchar_t* name) {
  const auto data = registry_value(root, path, name, REG_QWORD);
  if (!data || data->size() != sizeof(ULONGLONG)) return std::nullopt;
  ULONGLONG value = 0;
  std::memcpy(&value, data->data(), sizeof value);
  return value;
}

}  // namespace micdoctor::windows
