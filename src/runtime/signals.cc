#include "runtime/signals.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace ark {
namespace {

// Shared with the signal handler: only lock-free atomics and plain ints set before installation.
std::atomic<int> g_signal_count{0};
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

struct sigaction g_old_int;
struct sigaction g_old_term;
std::mutex g_install_mu;
bool g_installed = false;  // GUARDED_BY(g_install_mu)

constexpr unsigned char kWakeToExit = 0;

extern "C" void OnShutdownSignal(int sig) {
  int saved_errno = errno;
  if (g_signal_count.fetch_add(1) + 1 >= 2) _exit(130);
  int fd = g_write_fd.load();
  if (fd >= 0) {
    unsigned char b = static_cast<unsigned char>(sig);
    ssize_t n = write(fd, &b, 1);
    (void)n;
  }
  errno = saved_errno;
}

}  // namespace

Result<std::unique_ptr<ShutdownSignals>> ShutdownSignals::Install(Callback on_first_signal) {
  std::lock_guard lock(g_install_mu);
  if (g_installed) return Status::Internal("shutdown signal handlers are already installed");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "creating the signal pipe");
  // A full pipe must not block the handler; one pending byte is all the watcher needs.
  fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
  g_write_fd.store(fds[1]);
  g_signal_count.store(0);

  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);

  struct sigaction sa = {};
  sa.sa_handler = OnShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &sa, &g_old_int) != 0 || sigaction(SIGTERM, &sa, &g_old_term) != 0) {
    Status st = Status::FromErrno(errno, "installing the SIGINT/SIGTERM handlers");
    sigaction(SIGINT, &g_old_int, nullptr);
    g_write_fd.store(-1);
    close(fds[0]);
    close(fds[1]);
    return st;
  }
  g_installed = true;
  std::unique_ptr<ShutdownSignals> s(new ShutdownSignals(fds[0], std::move(on_first_signal)));
  s->watcher_ = std::thread([p = s.get()] { p->Watch(); });
  return s;
}

ShutdownSignals::ShutdownSignals(int read_fd, Callback callback)
    : read_fd_(read_fd), callback_(std::move(callback)) {}

ShutdownSignals::~ShutdownSignals() { Stop(); }

int ShutdownSignals::received() { return g_signal_count.load(); }

void ShutdownSignals::Watch() {
  pthread_setname_np(pthread_self(), "ark-signals");
  while (true) {
    unsigned char b = 0;
    ssize_t n = read(read_fd_, &b, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || b == kWakeToExit) return;
    if (callback_) callback_(static_cast<int>(b));
  }
}

void ShutdownSignals::Stop() {
  std::lock_guard lock(g_install_mu);
  if (stopped_) return;
  stopped_ = true;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  int fd = g_write_fd.exchange(-1);
  unsigned char wake = kWakeToExit;
  ssize_t n = write(fd, &wake, 1);
  (void)n;
  if (watcher_.joinable()) watcher_.join();
  close(fd);
  close(read_fd_);
  g_installed = false;
}

}  // namespace ark
