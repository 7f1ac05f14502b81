#include "platform/windows/journal_file.hpp"

#include <shlobj.h>

#include <vector>

namespace micdoctor::windows {
namespace {

[[noreturn]] void unwritable(const std::string& what) { throw JournalError(JournalError::Kind::unwritable, what); }

std::string last_error_text() { return describe_hresult(HRESULT_FROM_WIN32(GetLastError())); }

}  // namespace

std::string JournalFile::default_directory() {
  // MICDOCTOR_STATE_DIR overrides, as XDG_STATE_HOME does on Linux (the tests use it).
  wchar_t override_dir[MAX_PATH] = {};
  if (GetEnvironmentVariableW(L"MICDOCTOR_STATE_DIR", override_dir, MAX_PATH) > 0) {
    return to_utf8(override_dir) + "\\micdoctor";
  }
  PWSTR local = nullptr;
  const HRESULT hr = SHGetKnownFolderPath(FOLDERID_LocalAppData, KF_FLAG_CREATE, nullptr, &local);
  std::string base = SUCCEEDED(hr) ? to_utf8(local) : std::string();
  CoTaskMemFree(local);
  if (base.empty()) unwritable("there is no local application data folder to keep the journal in");
  return base + "\\micdoctor";
}

JournalFile::JournalFile(std::string directory)
    : directory_(std::move(directory)), path_(directory_ + "\\journal.json") {}

void JournalFile::open_for_writing() {
  const std::wstring dir = to_wide(directory_);
  // CreateDirectory for each level that is missing.
  for (std::size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == L'\\') {
      const std::wstring part = dir.substr(0, i);
      if (part.size() <= 3) continue;  // "C:" or "C:\"
      if (!CreateDirectoryW(part.c_str(), nullptr) && GetLastError() != ERROR_ALREADY_EXISTS) {
        unwritable("cannot create " + to_utf8(part) + " (" + last_error_text() + ")");
      }
    }
  }
  const DWORD attributes = GetFileAttributesW(dir.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
    unwritable(directory_ + " is not a directory");
  }
  const std::wstring lock_path = dir + L"\\journal.lock";
  lock_ = Handle(CreateFileW(lock_path.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_ALWAYS,
                             FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!lock_.valid()) {
    if (GetLastError() == ERROR_SHARING_VIOLATION) {
      unwritable("another micdoctor fix or undo is running (it holds " + to_utf8(lock_path) + ")");
    }
    unwritable("cannot open " + to_utf8(lock_path) + " (" + last_error_text() + ")");
  }
}

Journal JournalFile::load() const {
  const Handle file(CreateFileW(to_wide(path_).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) {
    const DWORD error = GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return Journal{};
    throw JournalError(JournalError::Kind::corrupt, path_ + ": cannot open (" + last_error_text() + ")");
  }
  LARGE_INTEGER size{};
  if (!GetFileSizeEx(file.get(), &size) || size.QuadPart > static_cast<LONGLONG>(kMaxJournalBytes)) {
    throw JournalError(JournalError::Kind::corrupt, path_ + ": larger than 8 MiB: not a journal of ours");
  }
  std::string text(static_cast<std::size_t>(size.QuadPart), '\0');
  DWORD read = 0;
  if (!text.empty() && !ReadFile(file.get(), text.data(), static_cast<DWORD>(text.size()), &read, nullptr)) {
    throw JournalError(JournalError::Kind::corrupt, path_ + ": cannot read (" + last_error_text() + ")");
  }
  text.resize(read);
  try {
    return journal_from_text(text);
  } catch (const JournalError& e) {
    throw JournalError(e.kind(), path_ + ": " + e.what());
  }
}

bool JournalFile::save(const Journal& journal, std::string& error) {
  const std::wstring temporary = to_wide(directory_ + "\\.journal.json.tmp");
  const std::string text = journal_to_text(journal);
  {
    const Handle file(CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                                  nullptr));
    if (!file.valid()) {
      error = "cannot create the temporary journal (" + last_error_text() + ")";
      return false;
    }
    DWORD written = 0;
    if (!WriteFile(file.get(), text.data(), static_cast<DWORD>(text.size()), &written, nullptr) ||
        written != text.size() || !FlushFileBuffers(file.get())) {
      error = "cannot write the temporary journal (" + last_error_text() + ")";
      DeleteFileW(temporary.c_str());
      return false;
    }
  }
  if (!MoveFileExW(temporary.c_str(), to_wide(path_).c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    error = "cannot replace " + path_ + " (" + last_error_text() + ")";
    DeleteFileW(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace micdoctor::windows
