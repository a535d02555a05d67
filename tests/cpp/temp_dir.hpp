#pragma once
// Test helpers shared by the C++ tests: a fresh temporary folder per test and the shipped
// gemeenten list.

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace doelenboom::testing {

inline const std::filesystem::path gemeenten_csv =
    std::filesystem::path(DOELENBOOM_SOURCE_DIR) / "python" / "doelenboom" / "data" / "gemeenten.csv";

// A fresh folder per test, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name) : path_(std::filesystem::temp_directory_path() / ("doelenboom_" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace doelenboom::testing
