// Fuzz target: the YAML tree file reader (parse_tree_yaml, GoalTree::build) and, for every input
// it accepts, the writer: the written text must read back as an equal tree.

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "doelenboom/tree_io.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace db = doelenboom;
  const auto text = db::fuzz::as_text(data, size);
  db::GoalTree tree;
  try {
    tree = db::load_tree_yaml_string(text, "fuzz.yaml");
  } catch (const db::Error&) {
    return 0;
  }
  const std::string written = db::tree_to_yaml(tree);
  try {
    if (!(db::load_tree_yaml_string(written, "written.yaml") == tree)) {
      db::fuzz::property_failed("tree_to_yaml does not read back as an equal tree");
    }
  } catch (const db::Error& e) {
    std::fputs(e.what(), stderr);
    db::fuzz::property_failed("\ntree_to_yaml wrote a file that does not read back");
  }
  return 0;
}
