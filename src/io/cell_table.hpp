#pragma once
// The structure of a table given by column (doelenboom/cell_table.hpp), checked once for every
// reader of such tables (the estimators' readers, the data set's).

#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/error.hpp"

namespace doelenboom::detail {

/// Problems of a table itself: a column name given twice, a column of another length than the
/// table's rows, a code outside its column's texts. False when the cells cannot be read.
bool check_cell_table(const CellTable& table, std::vector<Problem>& out);

}  // namespace doelenboom::detail
