// Uses the installed library the way a municipal tool would: load a tree, query it, check the
// numbers it gets back. Exits non-zero on any surprise.
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <doelenboom/goal_tree.hpp>
#include <doelenboom/tree_io.hpp>
#include <doelenboom/version.hpp>

namespace db = doelenboom;

static int fail(const std::string& what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: consumer TREE.yaml");
  std::cout << "doelenboom " << DOELENBOOM_VERSION_STRING << "\n";

  const db::GoalTree tree = db::load_tree_yaml(argv[1]);
  auto roots = tree.roots();
  if (roots.size() != 1) return fail("expected one root");
  const auto root = roots.front();
  std::cout << "tree '" << tree.name() << "': " << tree.size() << " nodes, " << tree.num_edges() << " edges, root "
            << tree.node(root).id << " (" << tree.node(root).label << ")\n";

  // The effective weights of the leaves in the root add up to 1.
  const Eigen::VectorXd w = tree.effective_weights(root);
  double sum = 0.0;
  for (auto leaf : tree.leaves()) sum += w[static_cast<Eigen::Index>(leaf)];
  if (std::abs(sum - 1.0) > 1e-12) return fail("leaf weights sum to " + std::to_string(sum));
  std::cout << "leaf weights in the root sum to " << sum << "\n";

  // Errors carry their location.
  try {
    (void)db::load_tree_yaml_string("doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    lable: X\n", "bad.yaml");
    return fail("a bad tree was accepted");
  } catch (const db::ParseError& e) {
    std::cout << "bad tree rejected: " << e.what() << "\n";
  }

  // Save and load again: the same graph.
  const db::GoalTree again = db::load_tree_yaml_string(db::tree_to_yaml(tree), "again.yaml");
  if (!(again == tree)) return fail("save/load changed the tree");
  std::cout << "consumer: OK\n";
  return EXIT_SUCCESS;
}
