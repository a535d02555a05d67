// The thread pool of the sensitivity analysis: blocks of items handed out in order to a few
// std::threads; the calling thread only waits and polls the cancellation callback, so that a
// caller (the Python binding) can take its own locks in that callback.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "sensitivity/sensitivity_internal.hpp"

namespace doelenboom::detail {

unsigned worker_count(unsigned threads, std::size_t blocks) noexcept {
  unsigned n = threads != 0 ? threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  return static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(blocks, 1)));
}

void parallel_blocks(std::size_t count, std::size_t block, unsigned threads, const std::function<bool()>& cancelled,
                     const std::function<void(unsigned, std::size_t, std::size_t, const std::atomic<bool>&)>& body) {
  if (count == 0) return;
  block = std::max<std::size_t>(block, 1);
  const std::size_t blocks = (count + block - 1) / block;
  const unsigned workers = worker_count(threads, blocks);

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::atomic<std::size_t> failed{none};  // lowest block that threw
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable done_signal;
  unsigned done = 0;

  const auto work = [&](unsigned worker) {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) break;
      const std::size_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= blocks || b > failed.load(std::memory_order_acquire)) break;
      const std::size_t begin = b * block, end = std::min(count, begin + block);
      try {
        body(worker, begin, end, stop);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (b < failed.load(std::memory_order_relaxed)) {
          failed.store(b, std::memory_order_release);
          error = std::current_exception();
        }
      }
    }
    const std::lock_guard lock(mutex);
    ++done;
    done_signal.notify_all();
  };

  std::vector<std::thread> pool;
  pool.reserve(workers);
  try {
    for (unsigned w = 0; w < workers; ++w) pool.emplace_back(work, w);
  } catch (...) {
    stop = true;
    for (auto& t : pool) t.join();
    throw;
  }
  bool was_cancelled = false;
  std::exception_ptr callback_error;
  {
    std::unique_lock lock(mutex);
    while (done < workers) {
      done_signal.wait_for(lock, std::chrono::milliseconds(20));
      if (done < workers && cancelled && !was_cancelled) {
        lock.unlock();
        bool c = true;
        try {
          c = cancelled();
        } catch (...) {  // the callback's own error ends the work and is passed on
          callback_error = std::current_exception();
        }
        lock.lock();
        if (c) {
          was_cancelled = true;
          stop = true;
        }
      }
    }
  }
  for (auto& t : pool) t.join();
  if (callback_error) std::rethrow_exception(callback_error);
  if (was_cancelled) throw SensitivityCancelled("the sensitivity analysis was cancelled");
  if (error) std::rethrow_exception(error);
}

}  // namespace doelenboom::detail
