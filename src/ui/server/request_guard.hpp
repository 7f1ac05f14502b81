#pragma once
// The security rules of `micdoctor ui`'s local server, as a pure function
// from a request's first line and headers to a verdict: the server applies it
// to every request before anything reaches the application, and the unit
// tests prove each rule without a socket.
//
// Order: Host (DNS rebinding), Origin and Sec-Fetch-Site (another site's
// page), the method, the request target, then the secret (the URL's key once,
// the cookie after that).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace micdoctor::ui {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct GuardRequest {
  std::string_view method;
  std::string_view target;  // as on the request line: "/events?x=1"
  // nullopt when the header is missing or was given more than once (both refused).
  std::optional<std::string_view> host;
  // nullopt when missing; a duplicated Origin arrives as "" (refused).
  std::optional<std::string_view> origin;
  std::optional<std::string_view> sec_fetch_site;
  std::string_view cookie;  // every Cookie header, joined with "; "
};

struct GuardVerdict {
  enum class Kind { pass, redirect, refuse };
  Kind kind = Kind::refuse;
  // refuse: the status (400, 403, 405) and a short plain-text body.
  int status = 403;
  std::string message;
  HeaderList headers;  // Allow for a 405; Location and Set-Cookie for a redirect
  // pass: the decoded path and the decoded query without key=.
  std::string path;
  HeaderList query;
};

class RequestGuard {
 public:
  // key: the secret in the URL; cookie_token: the value of the cookie it is
  // traded for (a second secret, so the cookie never equals the URL's key).
  RequestGuard(std::uint16_t port, std::string key, std::string cookie_token);

  GuardVerdict check(const GuardRequest& request) const;

  // "micdoctor-PORT": cookies are not isolated by port, so two servers on
  // one machine must not overwrite each other's cookie.
  const std::string& cookie_name() const { return cookie_name_; }
  std::uint16_t port() const { return port_; }

 private:
  bool host_allowed(std::string_view host) const;
  bool origin_allowed(std::string_view origin) const;
  bool cookie_valid(std::string_view cookie_header) const;
  bool names_loopback(std::string_view authority, std::string_view name, bool ignore_case) const;

  std::uint16_t port_;
  std::string key_;
  std::string cookie_token_;
  std::string cookie_name_;
  std::string port_suffix_;  // ":PORT"
};

// Compares two secrets in a time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Decodes %XX (and '+' as a space when form_encoded); nullopt for a broken
// escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool form_encoded);

// The headers on every response: a Content-Security-Policy that allows
// nothing from outside, nosniff, no referrer, no caching. Never any
// Access-Control-* header.
const HeaderList& security_headers();

// Whether an application's extra header may go out: no CR/LF, and none of
// the headers the server owns (security headers, cookies, CORS, framing).
bool application_header_allowed(std::string_view name, std::string_view value);

}  // namespace micdoctor::ui
