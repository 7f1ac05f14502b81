// The security rules of micdoctor ui's server (ui/server/request_guard), as a
// pure function: every rule refuses what it must and lets through what the
// page itself sends.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ui/server/request_guard.hpp"
#include "ui/server/secret.hpp"
#include "ui/server/ui_server.hpp"

namespace micdoctor::ui {
namespace {

constexpr std::uint16_t kPort = 43117;
const std::string kKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kToken = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const std::string kCookie = "micdoctor-43117=" + kToken;

RequestGuard guard() { return RequestGuard(kPort, kKey, kToken); }

// What the page sends: the right Host and the cookie.
GuardRequest page_get(std::string_view target) {
  GuardRequest request;
  request.method = "GET";
  request.target = target;
  request.host = "127.0.0.1:43117";
  request.cookie = kCookie;
  return request;
}

GuardRequest page_post(std::string_view target) {
  GuardRequest request = page_get(target);
  request.method = "POST";
  request.origin = "http://127.0.0.1:43117";
  request.sec_fetch_site = "same-origin";
  return request;
}

std::string header(const GuardVerdict& verdict, const std::string& name) {
  for (const auto& [key, value] : verdict.headers) {
    if (key == name) return value;
  }
  return "(none)";
}

TEST(UiGuard, ThePagesOwnRequestsPass) {
  const auto get = guard().check(page_get("/api/state"));
  EXPECT_EQ(get.kind, GuardVerdict::Kind::pass);
  EXPECT_EQ(get.path, "/api/state");
  const auto post = guard().check(page_post("/api/fix"));
  EXPECT_EQ(post.kind, GuardVerdict::Kind::pass);
  GuardRequest localhost = page_post("/api/undo");
  localhost.host = "LocalHost:43117";
  localhost.origin = "http://localhost:43117";
  EXPECT_EQ(guard().check(localhost).kind, GuardVerdict::Kind::pass);
}

TEST(UiGuard, NoSecretIsRefused) {
  GuardRequest request = page_get("/");
  request.cookie = "";
  const auto verdict = guard().check(request);
  EXPECT_EQ(verdict.kind, GuardVerdict::Kind::refuse);
  EXPECT_EQ(verdict.status, 403);
  EXPECT_NE(verdict.message.find("link micdoctor printed"), std::string::npos);
}

TEST(UiGuard, AWrongCookieOrACookieOfAnotherPortIsRefused) {
  for (const std::string& cookie : std::vector<std::string>{"micdoctor-43117=" + kKey, "micdoctor-43118=" + kToken,
                                   "micdoctor-43117=" + kToken.substr(1), "other=1; micdoctor-43117=",
                                   "micdoctor-43117=" + kToken + "x"}) {
    GuardRequest request = page_get("/api/state");
    request.cookie = cookie;
    EXPECT_EQ(guard().check(request).status, 403) << cookie;
  }
  GuardRequest among_others = page_get("/api/state");
  const std::string cookies = "a=b; micdoctor-43117=wrong; micdoctor-43117=" + kToken + "; c=d";
  among_others.cookie = cookies;
  EXPECT_EQ(guard().check(among_others).kind, GuardVerdict::Kind::pass);
}

TEST(UiGuard, TheRightKeySetsTheCookieAndRedirectsWithoutTheKey) {
  GuardRequest request = page_get("/?key=" + kKey);
  const std::string target = "/?key=" + kKey;
  request.target = target;
  request.cookie = "";
  const auto verdict = guard().check(request);
  ASSERT_EQ(verdict.kind, GuardVerdict::Kind::redirect);
  EXPECT_EQ(verdict.status, 303);
  EXPECT_EQ(header(verdict, "Location"), "/");
  EXPECT_EQ(header(verdict, "Set-Cookie"), kCookie + "; HttpOnly; SameSite=Strict; Path=/");

  const std::string with_rest = "/report.html?a=1&key=" + kKey + "&b=2";
  request.target = with_rest;
  EXPECT_EQ(header(guard().check(request), "Location"), "/report.html?a=1&b=2");
}

TEST(UiGuard, TheRedirectNeverLeavesTheServer) {
  for (const std::string& target : std::vector<std::string>{"//evil.example/?key=" + kKey, "/\\evil.example/?key=" + kKey,
                                   "/a%0d%0aSet-Cookie:x?key=" + kKey, "/a\"b?key=" + kKey}) {
    GuardRequest request = page_get(target);
    request.cookie = "";
    const auto verdict = guard().check(request);
    ASSERT_EQ(verdict.kind, GuardVerdict::Kind::redirect) << target;
    const std::string location = header(verdict, "Location");
    EXPECT_EQ(location.front(), '/');
    EXPECT_NE(location.substr(0, 2), "//");
    EXPECT_EQ(location.find_first_of("\r\n\\\""), std::string::npos) << location;
  }
}

TEST(UiGuard, AWrongOrRepeatedKeyIsRefusedEvenWithTheCookie) {
  for (const std::string& target : std::vector<std::string>{"/?key=" + kKey.substr(0, 63) + "0", "/?key=", "/?key=" + kKey + "&key=" + kKey,
                                   "/?key=" + kToken}) {
    const auto verdict = guard().check(page_get(target));
    EXPECT_EQ(verdict.status, 403) << target;
    EXPECT_EQ(verdict.kind, GuardVerdict::Kind::refuse);
  }
}

TEST(UiGuard, TheKeyOpensThePageButIsNoCredentialForAChange) {
  GuardRequest request = page_post("/api/fix?key=" + kKey);
  const std::string target = "/api/fix?key=" + kKey;
  request.target = target;
  request.cookie = "";
  EXPECT_EQ(guard().check(request).status, 403);
}

TEST(UiGuard, AForeignHostIsRefusedFirst) {
  for (const std::string_view host : {"evil.example:43117", "127.0.0.1:43118", "127.0.0.1", "localhost",
                                      "127.0.0.2:43117", "[::1]:43117", "127.0.0.1:43117.evil.example", ""}) {
    GuardRequest request = page_get("/api/state");
    request.host = host;
    const auto verdict = guard().check(request);
    EXPECT_EQ(verdict.status, 403) << host;
    EXPECT_NE(verdict.message.find("answers only"), std::string::npos) << host;
  }
  GuardRequest missing = page_get("/?key=" + kKey);
  const std::string target = "/?key=" + kKey;
  missing.target = target;
  missing.host = std::nullopt;  // missing or given twice
  EXPECT_EQ(guard().check(missing).status, 403);
}

TEST(UiGuard, AForeignOriginIsRefused) {
  for (const std::string_view origin : {"http://evil.example", "null", "http://127.0.0.1:43118",
                                        "https://127.0.0.1:43117", "http://127.0.0.1:43117.evil.example", ""}) {
    GuardRequest post = page_post("/api/fix");
    post.origin = origin;
    EXPECT_EQ(guard().check(post).status, 403) << origin;
    GuardRequest get = page_get("/api/state");
    get.origin = origin;
    EXPECT_EQ(guard().check(get).status, 403) << origin;
  }
}

TEST(UiGuard, APostWithoutOriginOrFromAnotherSiteIsRefused) {
  GuardRequest no_origin = page_post("/api/fix");
  no_origin.origin = std::nullopt;
  EXPECT_EQ(guard().check(no_origin).status, 403);
  for (const std::string_view site : {"cross-site", "same-site", "none"}) {
    GuardRequest post = page_post("/api/fix");
    post.sec_fetch_site = site;
    EXPECT_EQ(guard().check(post).status, 403) << site;
  }
  GuardRequest old_browser = page_post("/api/fix");
  old_browser.sec_fetch_site = std::nullopt;
  EXPECT_EQ(guard().check(old_browser).kind, GuardVerdict::Kind::pass);
}

TEST(UiGuard, OnlyGetHeadAndPost) {
  for (const std::string_view method : {"PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "get"}) {
    GuardRequest request = page_get("/api/state");
    request.method = method;
    const auto verdict = guard().check(request);
    EXPECT_EQ(verdict.status, 405) << method;
    EXPECT_EQ(header(verdict, "Allow"), "GET, HEAD, POST");
  }
  GuardRequest head = page_get("/");
  head.method = "HEAD";
  EXPECT_EQ(guard().check(head).kind, GuardVerdict::Kind::pass);
}

TEST(UiGuard, TheTargetIsDecodedAndTheKeyNeverPassedOn) {
  const auto verdict = guard().check(page_get("/a%20b?x=1+2&y=%26"));
  ASSERT_EQ(verdict.kind, GuardVerdict::Kind::pass);
  EXPECT_EQ(verdict.path, "/a b");
  const HeaderList expected = {{"x", "1 2"}, {"y", "&"}};
  EXPECT_EQ(verdict.query, expected);
  for (const std::string_view target : {"http://127.0.0.1:43117/", "*", "", "/a%zz", "/a%0", "/a%00b", "/#x"}) {
    EXPECT_EQ(guard().check(page_get(target)).status, 400) << target;
  }
}

TEST(UiGuard, ConstantTimeEqualCompares) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(UiGuard, SecurityHeadersAllowNothingFromOutside) {
  std::set<std::string> names;
  for (const auto& [name, value] : security_headers()) {
    names.insert(name);
    EXPECT_EQ(name.find("Access-Control"), std::string::npos);
    if (name == "Content-Security-Policy") {
      EXPECT_NE(value.find("default-src 'none'"), std::string::npos);
      EXPECT_NE(value.find("frame-ancestors 'none'"), std::string::npos);
      EXPECT_EQ(value.find("http"), std::string::npos);
      EXPECT_EQ(value.find('*'), std::string::npos);
    }
  }
  for (const char* name : {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
}

TEST(UiGuard, TheApplicationCannotSetTheServersHeaders) {
  EXPECT_TRUE(application_header_allowed("Content-Disposition", "attachment; filename=\"report.html\""));
  EXPECT_TRUE(application_header_allowed("Allow", "POST"));
  for (const std::string_view name : {"Access-Control-Allow-Origin", "access-control-allow-credentials",
                                      "Set-Cookie", "Content-Security-Policy", "cache-control", "Location"}) {
    EXPECT_FALSE(application_header_allowed(name, "x")) << name;
  }
  EXPECT_FALSE(application_header_allowed("X-A", "b\r\nSet-Cookie: c=d"));
  EXPECT_FALSE(application_header_allowed("X-A\r\nB", "c"));
}

TEST(UiSecret, SecretsAreLongRandomAndDifferent) {
  std::string error;
  const auto a = random_secret(kSecretBytes, error);
  const auto b = random_secret(kSecretBytes, error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_GE(a->size() * 4, 128U);  // hex: 4 bits a character
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
}

TEST(UiEvents, AnEventCannotInjectAnotherEvent) {
  EXPECT_EQ(format_event("state", R"({"a":1})"), "event: state\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(format_event("le\nvel", "x\n\nevent: evil\r\ndata: y"),
            "event: level\ndata: x\ndata: \ndata: event: evil\ndata: data: y\n\n");
}

}  // namespace
}  // namespace micdoctor::ui
