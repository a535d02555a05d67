// The diagnostics home (src/core/diagnostics.hpp): the limit policy of messages and of problems
// collected per kind, and quoting.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/diagnostics.hpp"

namespace {

namespace db = doelenboom;

std::vector<db::Problem> problems_of_kind(const std::string& code, std::size_t count) {
  std::vector<db::Problem> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(db::make_problem(code, {"f.csv", 0, i + 1, {}}, {}, "bad"));
  return out;
}

TEST(Diagnostics, AMessageListsAtMostFiftyProblems) {
  const auto few = problems_of_kind("x", 50);
  EXPECT_EQ(db::join_problems(few).find("more"), std::string::npos);
  const auto many = problems_of_kind("x", 120);
  const std::string message = db::join_problems(many);
  EXPECT_EQ(message.rfind("120 problems:\n  f.csv, row 1: bad\n", 0), 0U);
  EXPECT_NE(message.find("\n  f.csv, row 50: bad\n  ... and 70 more"), std::string::npos);
  EXPECT_EQ(message.find("row 51:"), std::string::npos);
  EXPECT_TRUE(message.ends_with("... and 70 more"));
  EXPECT_TRUE(db::join_problems(many, "check lists them all").ends_with("... and 70 more (check lists them all)"));
  EXPECT_EQ(db::join_problems(problems_of_kind("x", 1)), "f.csv, row 1: bad");
}

TEST(Diagnostics, ASinkKeepsFiftyProblemsOfEachKindAndCountsTheRest) {
  std::vector<db::Problem> out;
  db::detail::ProblemSink sink{out, "f.csv"};
  for (auto& p : problems_of_kind("b", 60)) sink.add(p);
  for (auto& p : problems_of_kind("a", 3)) sink.add(p);
  sink.finish();
  ASSERT_EQ(out.size(), 54U);
  EXPECT_EQ(out.back().code, "b");
  EXPECT_EQ(out.back().message, "f.csv: ... and 10 more problems of kind 'b'");
}

TEST(Diagnostics, ASinkWithoutLocationOpensItsClosingLinesWithItsContext) {
  std::vector<db::Problem> out;
  db::detail::ProblemSink sink{out, {}, "sensitivity: weight_sets: "};
  for (std::size_t i = 0; i < 51; ++i) sink.add(db::make_problem("bad_weight", {}, {}, "sensitivity: weight_sets[0]: bad"));
  sink.finish();
  ASSERT_EQ(out.size(), 51U);
  EXPECT_EQ(out.back().message, "sensitivity: weight_sets: ... and 1 more problems of kind 'bad_weight'");
}

TEST(Diagnostics, ASentenceNamesAtMostTwentyWords) {
  std::vector<std::string> words;
  for (int i = 0; i < 22; ++i) words.push_back("w" + std::to_string(i));
  const std::string quoted = db::detail::join_words_capped(words, true);
  EXPECT_EQ(quoted.rfind("'w0', 'w1', ", 0), 0U);
  EXPECT_TRUE(quoted.ends_with("'w19' and 2 more"));
  words.resize(3);
  EXPECT_EQ(db::detail::join_words_capped(words, false), "w0, w1, w2");
}

TEST(Diagnostics, LongValuesAreShortenedInQuotes) {
  EXPECT_EQ(db::squote("GM0301"), "'GM0301'");
  EXPECT_EQ(db::detail::squote("x"), "'x'");
  const std::string cell(300, 'a');
  EXPECT_EQ(db::squote(cell), "'" + std::string(200, 'a') + "...' (300 bytes)");
  // Cut at a character boundary: 199 ASCII bytes and a two-byte 'e' with an accent.
  const std::string accented = std::string(199, 'a') + "\xC3\xA9" + std::string(10, 'b');
  EXPECT_EQ(db::squote(accented), "'" + std::string(199, 'a') + "...' (211 bytes)");
  EXPECT_EQ(db::detail::brief(1.0 / 3.0), "0.333333");
}

}  // namespace
