// Driver updates through the Windows Update Agent API (wuapi): an
// IUpdateSession's searcher asked for "IsInstalled=0 and Type='Driver'",
// each update's driver properties read through IDispatch by name (mingw-w64's
// wuapi.h lacks IWindowsDriverUpdate; late binding by name is also immune to
// vtable layout differences), and the policies that keep driver updates away
// read from the registry. The search runs on its own thread with its own COM
// apartment and a deadline: Windows Update can take minutes or hang, and a
// stub (Wine) must give a clear error, never a hang. Read only.
#include "platform/windows/windows_driver_updates.hpp"

#include <windows.h>
#include <oleauto.h>
#include <wuapi.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "checks/windows_driver_text.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

// CLSID_UpdateSession (wuapi.h declares it; mingw-w64 has no wuguid library to define it).
constexpr CLSID kUpdateSession = {0x4cb43d7f, 0x7eee, 0x4906, {0x86, 0x98, 0x60, 0xda, 0x1c, 0x38, 0xf2, 0xfe}};
// The Microsoft Update service (drivers beyond Windows Update's own catalogue).
constexpr const wchar_t* kMicrosoftUpdateService = L"7971f918-a847-4430-9279-4a52d1efe18d";
constexpr HRESULT kUnknownService = static_cast<HRESULT>(0x80248014);  // WU_E_DS_UNKNOWNSERVICE
constexpr const wchar_t* kCriteria = L"IsInstalled=0 and Type='Driver'";
// The local cache answers in well under a second on a healthy system; a
// check must not wait long. Asking Microsoft Update (--refresh) takes longer.
constexpr auto kCacheDeadline = std::chrono::seconds(5);
constexpr auto kOnlineDeadline = std::chrono::seconds(60);
constexpr LONG kMaxUpdates = 500;

class Bstr {
 public:
  explicit Bstr(const wchar_t* text) : value_(SysAllocString(text)) {}
  ~Bstr() { SysFreeString(value_); }
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  BSTR get() const { return value_; }

 private:
  BSTR value_;
};

class Variant {
 public:
  Variant() { VariantInit(&value_); }
  ~Variant() { VariantClear(&value_); }
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  VARIANT* put() {
    VariantClear(&value_);
    return &value_;
  }
  const VARIANT& get() const { return value_; }

 private:
  VARIANT value_;
};

// A property of an automation object by name ("DriverHardwareID").
bool get_property(IDispatch* object, const wchar_t* name, Variant& out) {
  DISPID id = 0;
  LPOLESTR names[] = {const_cast<LPOLESTR>(name)};
  if (FAILED(object->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id))) return false;
  DISPPARAMS none{};
  return SUCCEEDED(object->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none, out.put(), nullptr,
                                  nullptr));
}

std::string text_property(IDispatch* object, const wchar_t* name) {
  Variant value;
  if (!get_property(object, name, value) || value.get().vt != VT_BSTR || value.get().bstrVal == nullptr) return {};
  std::string text = to_utf8(value.get().bstrVal);
  if (text.size() > 1024) text.resize(1024);
  return text;
}

// DriverVerDate (an automation DATE) -> "2023-05-10".
std::string date_property(IDispatch* object, const wchar_t* name) {
  Variant value;
  SYSTEMTIME parts{};
  if (!get_property(object, name, value) || value.get().vt != VT_DATE ||
      VariantTimeToSystemTime(value.get().date, &parts) == FALSE) {
    return {};
  }
  char text[16];
  std::snprintf(text, sizeof text, "%04u-%02u-%02u", parts.wYear, parts.wMonth, parts.wDay);
  return text;
}

std::string update_id(IDispatch* update) {
  Variant identity;
  if (!get_property(update, L"Identity", identity) || identity.get().vt != VT_DISPATCH || identity.get().pdispVal == nullptr) {
    return {};
  }
  return text_property(identity.get().pdispVal, L"UpdateID");
}

DriverUpdate read_update(IUpdate* update) {
  DriverUpdate u;
  u.title = text_property(update, L"Title");
  u.hardware_id = text_property(update, L"DriverHardwareID");
  u.provider = text_property(update, L"DriverProvider");
  u.manufacturer = text_property(update, L"DriverManufacturer");
  u.model = text_property(update, L"DriverModel");
  u.driver_class = text_property(update, L"DriverClass");
  u.date = date_property(update, L"DriverVerDate");
  u.version = checks::driver_version_from_title(u.title);
  u.update_id = update_id(update);
  return u;
}

HRESULT run_search(IUpdateSession* session, bool online, bool microsoft_update, ComPtr<ISearchResult>& result) {
  ComPtr<IUpdateSearcher> searcher;
  HRESULT hr = session->CreateUpdateSearcher(searcher.put());
  if (FAILED(hr)) return hr;
  if (online && microsoft_update) {
    const Bstr service(kMicrosoftUpdateService);
    searcher->put_ServerSelection(ssOthers);
    searcher->put_ServiceID(service.get());
  }
  searcher->put_Online(online ? VARIANT_TRUE : VARIANT_FALSE);
  const Bstr criteria(kCriteria);
  return searcher->Search(criteria.get(), result.put());
}

// The search itself, on the calling thread (the worker).
WindowsDriverUpdates search(bool online) {
  WindowsDriverUpdates r;
  r.online = online;
  const ComScope com;
  if (!com.ok()) {
    r.error = "COM could not be initialised for the Windows Update search";
    return r;
  }
  ComPtr<IUpdateSession> session;
  HRESULT hr = CoCreateInstance(kUpdateSession, nullptr, CLSCTX_INPROC_SERVER, __uuidof(IUpdateSession), session.put_void());
  if (FAILED(hr)) {
    r.error = "Windows Update is not available: " + describe_hresult(hr);
    return r;
  }
  ComPtr<ISearchResult> result;
  hr = run_search(session.get(), online, true, result);
  // Microsoft Update is not registered on this computer: Windows Update's own catalogue.
  if (online && hr == kUnknownService) hr = run_search(session.get(), online, false, result);
  if (hr == E_NOTIMPL) {
    // Wine's wuapi: the session exists, the search is a stub.
    r.error = "Windows Update cannot search on this system: " + describe_hresult(hr);
    return r;
  }
  if (FAILED(hr) || !result) {
    r.error = "the Windows Update search failed: " + describe_hresult(hr);
    return r;
  }
  OperationResultCode code = orcNotStarted;
  if (FAILED(result->get_ResultCode(&code)) || (code != orcSucceeded && code != orcSucceededWithErrors)) {
    r.error = "the Windows Update search did not succeed (result code " + std::to_string(static_cast<int>(code)) + ")";
    return r;
  }
  ComPtr<IUpdateCollection> updates;
  LONG count = 0;
  if (FAILED(result->get_Updates(updates.put())) || !updates || FAILED(updates->get_Count(&count))) {
    r.error = "Windows Update's search result could not be read";
    return r;
  }
  r.searched = true;
  for (LONG i = 0; i < count && i < kMaxUpdates; ++i) {
    ComPtr<IUpdate> update;
    if (SUCCEEDED(updates->get_Item(i, update.put())) && update) r.updates.push_back(read_update(update.get()));
  }
  return r;
}

// What the worker hands back; shared so a worker that outlives its deadline
// writes into memory that is still there.
struct SearchJob {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  WindowsDriverUpdates result;
};

WindowsDriverUpdates search_with_deadline(bool online) {
  auto job = std::make_shared<SearchJob>();
  try {
    std::thread([job, online] {
      // Nothing may leave the thread: an exception escaping it ends the process.
      WindowsDriverUpdates found = checks::search_without_throwing([online] { return search(online); }, online);
      const std::lock_guard lock(job->mutex);
      job->result = std::move(found);
      job->done = true;
      job->finished.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    WindowsDriverUpdates r;
    r.online = online;
    r.error = std::string("the Windows Update search could not start: ") + e.what();
    return r;
  }
  const auto deadline = online ? kOnlineDeadline : kCacheDeadline;
  std::unique_lock lock(job->mutex);
  if (!job->finished.wait_for(lock, deadline, [&] { return job->done; })) {
    WindowsDriverUpdates r;
    r.online = online;
    r.error = "Windows Update did not answer within " + std::to_string(deadline.count()) +
              " seconds (it may be busy installing updates; try again later" +
              (online ? ")" : ", or run micdoctor drivers --refresh)");
    return r;
  }
  return job->result;
}

struct DriverPolicy {
  HKEY root;
  const wchar_t* path;
  const wchar_t* value;
  DWORD blocking;     // the value that keeps drivers away
  const char* name;   // blocked_by
  const char* words;  // what it means, for people
};

// Verified against the Group Policy ADMX documentation (WindowsUpdate.admx,
// DeviceSetup.admx) and the System Properties dialog; see docs/drivers.md.
const DriverPolicy kPolicies[] = {
    {HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate", L"ExcludeWUDriversInQualityUpdate", 1,
     "ExcludeWUDriversInQualityUpdate",
     "The group policy \"Do not include drivers with Windows Updates\" is on "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate ExcludeWUDriversInQualityUpdate = 1)."},
    {HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching", L"SearchOrderConfig", 0,
     "DriverSearching",
     "The group policy \"Specify search order for device driver source locations\" says \"Do not search Windows "
     "Update\" (HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching SearchOrderConfig = 0)."},
    {HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching", L"DontSearchWindowsUpdate", 1,
     "DontSearchWindowsUpdate",
     "The policy \"Configure driver search locations: Do not search Windows Update\" is on "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching DontSearchWindowsUpdate = 1)."},
    {HKEY_CURRENT_USER, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching", L"DontSearchWindowsUpdate", 1,
     "DontSearchWindowsUpdate",
     "The policy \"Configure driver search locations: Do not search Windows Update\" is on for this user "
     "(HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\DriverSearching DontSearchWindowsUpdate = 1)."},
};

void read_policies(WindowsDriverUpdates& updates) {
  for (const DriverPolicy& policy : kPolicies) {
    const auto value = registry_dword(policy.root, policy.path, policy.value);
    if (!value || *value != policy.blocking) continue;
    if (updates.blocked_by.empty()) updates.blocked_by = policy.name;
    if (!updates.blocked_detail.empty()) updates.blocked_detail += " ";
    updates.blocked_detail += policy.words;
  }
  // Not a policy: the person's (or the computer maker's) own choice in Device
  // Installation Settings, "No": Windows does not download drivers for newly
  // connected devices by itself. Windows Update still offers driver updates
  // under Optional updates, so it blocks nothing.
  const auto search_order = registry_dword(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\DriverSearching",
                                           L"SearchOrderConfig");
  if (search_order && *search_order == 0) {
    updates.install_setting =
        "Windows is set not to download drivers for new devices by itself (Control Panel > System > Advanced system "
        "settings > Hardware > Device Installation Settings: \"No\"; HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion"
        "\\DriverSearching SearchOrderConfig = 0). That does not stop Windows Update offering driver updates: they "
        "wait under Optional updates until you install them.";
  }
}

}  // namespace

WindowsDriverUpdates read_driver_updates(bool online) {
  WindowsDriverUpdates updates = search_with_deadline(online);
  read_policies(updates);
  return updates;
}

}  // namespace micdoctor::windows
