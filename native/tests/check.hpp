// A minimal test harness for ctest: no dependency beyond the standard library, so the core
// tests build on any machine with a compiler and BLAS. Failures print actual, expected,
// difference and tolerance; the process exits non-zero when any check failed.
#pragma once

#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace randla::test {

struct Case {
  std::string name;
  std::function<void()> body;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}
inline int& failures() {
  static int n = 0;
  return n;
}

struct Register {
  Register(const char* name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};

inline void fail(const char* file, int line, const std::string& what) {
  ++failures();
  std::fprintf(stderr, "%s:%d: FAILED %s\n", file, line, what.c_str());
}

inline void check_close(double actual, double expected, double tolerance, const char* what, const char* file,
                        int line) {
  const double diff = std::abs(actual - expected);
  if (!(diff <= tolerance)) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s: actual %.17g, expected %.17g, difference %.3g, tolerance %.3g", what, actual,
                  expected, diff, tolerance);
    fail(file, line, buf);
  }
}

inline void check_at_most(double actual, double bound, const char* what, const char* file, int line) {
  if (!(actual <= bound)) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s: actual %.17g, expected at most %.17g, excess %.3g", what, actual, bound,
                  actual - bound);
    fail(file, line, buf);
  }
}

inline int run_all() {
  int passed = 0, failed = 0;
  for (auto& c : cases()) {
    const int before = failures();
    try {
      c.body();
    } catch (const std::exception& e) {
      fail(__FILE__, __LINE__, c.name + " threw: " + e.what());
    }
    if (failures() == before) {
      ++passed;
      std::printf("ok   %s\n", c.name.c_str());
    } else {
      ++failed;
      std::printf("FAIL %s\n", c.name.c_str());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace randla::test

#define RANDLA_CONCAT_(a, b) a##b
#define RANDLA_CONCAT(a, b) RANDLA_CONCAT_(a, b)
#define TEST_CASE(name)                                                                   \
  static void RANDLA_CONCAT(test_body_, __LINE__)();                                      \
  static ::randla::test::Register RANDLA_CONCAT(test_reg_, __LINE__)(name, &RANDLA_CONCAT(test_body_, __LINE__)); \
  static void RANDLA_CONCAT(test_body_, __LINE__)()
#define CHECK_CLOSE(actual, expected, tol, what) \
  ::randla::test::check_close((actual), (expected), (tol), (what), __FILE__, __LINE__)
#define CHECK_AT_MOST(actual, bound, what) ::randla::test::check_at_most((actual), (bound), (what), __FILE__, __LINE__)
#define CHECK(cond, what)                                                   \
  do {                                                                      \
    if (!(cond)) ::randla::test::fail(__FILE__, __LINE__, std::string(what) + " [" #cond "]"); \
  } while (0)
#define TEST_MAIN() \
  int main() { return ::randla::test::run_all(); }
