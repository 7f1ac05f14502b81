#include "ui/server/request_guard.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace micdoctor::ui {
namespace {

constexpr std::string_view kSecretMissing =
    "micdoctor: this page opens only with the link micdoctor printed when it started "
    "(http://127.0.0.1:PORT/?key=...). Open that link in your browser.\n";

GuardVerdict refuse(int status, std::string message) {
  GuardVerdict verdict;
  verdict.kind = GuardVerdict::Kind::refuse;
  verdict.status = status;
  verdict.message = std::move(message);
  return verdict;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Characters that may stand unescaped in a path or query we send back in a
// Location header (RFC 3986 pchar plus '/' and '?'), so nothing in it can
// split the header or point elsewhere.
bool safe_in_location(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || std::string_view("-._~/?%!$&'()*+,;=:@").find(c) != std::string_view::npos;
  });
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  // The lengths are not secret (every key has the same length); the bytes are.
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = static_cast<unsigned char>(difference | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return difference == 0;
}

std::optional<std::string> percent_decode(std::string_view text, bool form_encoded) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && form_encoded) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    decoded.push_back(c);
  }
  return decoded;
}

const HeaderList& security_headers() {
  static const HeaderList headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
  return headers;
}

bool application_header_allowed(std::string_view name, std::string_view value) {
  const auto has_line_break = [](std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos || text.find('\0') != std::string_view::npos;
  };
  if (name.empty() || has_line_break(name) || has_line_break(value)) return false;
  if (name.find(':') != std::string_view::npos) return false;
  for (const auto& [owned, ignored] : security_headers()) {
    if (equals_ignoring_case(name, owned)) return false;
  }
  constexpr std::array<std::string_view, 8> kServerOwned = {"Set-Cookie",     "Content-Length", "Transfer-Encoding",
                                                            "Connection",     "Content-Type",   "Location",
                                                            "Server",         "Keep-Alive"};
  for (const std::string_view owned : kServerOwned) {
    if (equals_ignoring_case(name, owned)) return false;
  }
  constexpr std::string_view kCors = "access-control-";
  return !(name.size() >= kCors.size() && equals_ignoring_case(name.substr(0, kCors.size()), kCors));
}

RequestGuard::RequestGuard(std::uint16_t port, std::string key, std::string cookie_token)
    : port_(port),
      key_(std::move(key)),
      cookie_token_(std::move(cookie_token)),
      cookie_name_("micdoctor-") {
  cookie_name_ += std::to_string(port);
  port_suffix_ = std::to_string(port);
  port_suffix_.insert(port_suffix_.begin(), ':');
}

bool RequestGuard::host_allowed(std::string_view host) const {
  return names_loopback(host, "127.0.0.1", false) || names_loopback(host, "localhost", true);
}

bool RequestGuard::origin_allowed(std::string_view origin) const {
  constexpr std::string_view kScheme = "http://";
  if (origin.substr(0, kScheme.size()) != kScheme) return false;
  origin.remove_prefix(kScheme.size());
  return names_loopback(origin, "127.0.0.1", false) || names_loopback(origin, "localhost", true);
}

// "NAME:PORT" exactly (the name's case ignored where DNS ignores it).
bool RequestGuard::names_loopback(std::string_view authority, std::string_view name, bool ignore_case) const {
  if (authority.size() != name.size() + port_suffix_.size()) return false;
  const std::string_view given_name = authority.substr(0, name.size());
  const bool name_matches = ignore_case ? equals_ignoring_case(given_name, name) : given_name == name;
  return name_matches && authority.substr(name.size()) == port_suffix_;
}

bool RequestGuard::cookie_valid(std::string_view cookie_header) const {
  bool valid = false;
  for (const std::string_view pair : split(cookie_header, ';')) {
    const std::string_view item = trim(pair);
    const auto equals = item.find('=');
    if (equals == std::string_view::npos || trim(item.substr(0, equals)) != cookie_name_) continue;
    // Every cookie of our name is compared, so the time does not tell which one matched.
    if (constant_time_equal(trim(item.substr(equals + 1)), cookie_token_)) valid = true;
  }
  return valid;
}

GuardVerdict RequestGuard::check(const GuardRequest& request) const {
  // 1. DNS rebinding: a foreign name that resolves to 127.0.0.1 carries its own Host.
  if (!request.host || !host_allowed(*request.host)) {
    return refuse(403, "micdoctor answers only to http://127.0.0.1:" + std::to_string(port_) + "/\n");
  }
  // 2. Another site's page: browsers name it in Origin (on every POST) and in Sec-Fetch-Site.
  if (request.origin && !origin_allowed(*request.origin)) {
    return refuse(403, "micdoctor refuses requests from other web pages.\n");
  }
  const bool is_post = request.method == "POST";
  if (is_post) {
    // A browser always sends Origin with a POST; a POST without it is not
    // from micdoctor's page, so it changes nothing.
    if (!request.origin) return refuse(403, "micdoctor accepts changes only from its own page (no Origin).\n");
    if (request.sec_fetch_site && *request.sec_fetch_site != "same-origin") {
      return refuse(403, "micdoctor refuses requests from other web pages.\n");
    }
  }
  // 3. The method.
  if (!is_post && request.method != "GET" && request.method != "HEAD") {
    GuardVerdict verdict = refuse(405, "micdoctor answers GET, HEAD and POST only.\n");
    verdict.headers.emplace_back("Allow", "GET, HEAD, POST");
    return verdict;
  }
  // 4. The target: origin-form only ("/path?query").
  const std::string_view target = request.target;
  if (target.empty() || target.front() != '/' || target.find('#') != std::string_view::npos) {
    return refuse(400, "micdoctor: bad request target.\n");
  }
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  auto path = percent_decode(raw_path, false);
  if (!path) return refuse(400, "micdoctor: bad request target.\n");
  std::optional<std::string_view> key;
  std::vector<std::string_view> kept;  // the raw query parameters other than key=
  GuardVerdict verdict;
  if (!raw_query.empty()) {
    for (const std::string_view parameter : split(raw_query, '&')) {
      if (parameter.empty()) continue;
      const auto equals = parameter.find('=');
      auto name = percent_decode(parameter.substr(0, equals), true);
      auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : parameter.substr(equals + 1), true);
      if (!name || !value) return refuse(400, "micdoctor: bad request target.\n");
      if (*name == "key") {
        if (key) return refuse(403, std::string(kSecretMissing));  // two keys: no guessing games
        key = parameter.substr(equals == std::string_view::npos ? parameter.size() : equals + 1);
        continue;
      }
      kept.push_back(parameter);
      verdict.query.emplace_back(std::move(*name), std::move(*value));
    }
  }
  // 5. The secret: the key once (GET), then the cookie.
  if (key) {
    if (is_post || !constant_time_equal(*key, key_)) return refuse(403, std::string(kSecretMissing));
    GuardVerdict redirect;
    redirect.kind = GuardVerdict::Kind::redirect;
    redirect.status = 303;
    std::string location(raw_path);
    std::string rest;
    for (const std::string_view parameter : kept) {
      if (!rest.empty()) rest += '&';
      rest += parameter;
    }
    if (!rest.empty()) location += "?" + rest;
    // Never a scheme-relative "//host" or anything that could split the header.
    if (location.size() > 1 && (location[1] == '/' || location[1] == '\\')) location = "/";
    if (!safe_in_location(location)) location = "/";
    redirect.headers.emplace_back("Location", location);
    redirect.headers.emplace_back("Set-Cookie",
                                  cookie_name_ + "=" + cookie_token_ + "; HttpOnly; SameSite=Strict; Path=/");
    return redirect;
  }
  if (!cookie_valid(request.cookie)) return refuse(403, std::string(kSecretMissing));
  verdict.kind = GuardVerdict::Kind::pass;
  verdict.status = 200;
  verdict.path = std::move(*path);
  return verdict;
}

}  // namespace micdoctor::ui
