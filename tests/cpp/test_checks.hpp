#pragma once
// Assertions shared by the C++ tests: numbers close in relative terms, the message of an expected
// exception, and fragments a message must contain.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace doelenboom::testing {

// |actual - expected| <= rel * |expected| + 1e-15.
inline void expect_close(double actual, double expected, double rel = 1e-12) {
  EXPECT_LE(std::abs(actual - expected), rel * std::abs(expected) + 1e-15)
      << "actual " << ::testing::PrintToString(actual) << " expected " << ::testing::PrintToString(expected);
}

// The message of the exception of type E that `call` throws (a test failure when it throws none).
template <class E>
std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return {};
}

// Every fragment occurs in the text.
inline void expect_contains(const std::string& text, const std::vector<std::string>& fragments) {
  for (const auto& f : fragments) EXPECT_NE(text.find(f), std::string::npos) << "'" << f << "' not in: " << text;
}

}  // namespace doelenboom::testing
