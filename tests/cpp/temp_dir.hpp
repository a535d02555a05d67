#pragma once
// Test helpers shared by the C++ tests: a fresh temporary folder or file per test and the shipped
// gemeenten list. Folder names carry a random token and a counter, so that tests run at the same
// time (ctest -j, two checkouts on one machine) never share a folder.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>

namespace doelenboom::testing {

inline const std::filesystem::path gemeenten_csv =
    std::filesystem::path(DOELENBOOM_SOURCE_DIR) / "python" / "doelenboom" / "data" / "gemeenten.csv";

// A unique name in the temporary folder: doelenboom_<name>_<random>_<counter>.
inline std::filesystem::path unique_temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() /
         ("doelenboom_" + name + "_" + std::to_string(std::random_device{}()) + "_" + std::to_string(counter++));
}

// A fresh folder per test, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name) : path_(unique_temp_path(name)) {
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

// One file with the given text in a fresh folder of its own, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& name = "data.csv") : dir_("file") {
    path_ = dir_.write(name, text);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  TempDir dir_;
  std::filesystem::path path_;
};

}  // namespace doelenboom::testing
