// Helpers for the connector tests: temporary directories, files, column reading, and helper
// scripts run as child processes.
//
// Thread-safety: test code, one thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/batch.h"

namespace ark::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/ark_test_XXXXXX";
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// The values of a string or binary column.
inline std::vector<std::string> Strings(const Batch& batch, std::string_view column) {
  std::vector<std::string> out;
  ColumnPtr c = batch.ColumnByName(column);
  if (c == nullptr) return out;
  for (int64_t i = 0; i < c->length(); ++i) out.emplace_back(c->GetView(i));
  return out;
}

// The values of an int64 column.
inline std::vector<int64_t> Int64s(const Batch& batch, std::string_view column) {
  std::vector<int64_t> out;
  ColumnPtr c = batch.ColumnByName(column);
  if (c == nullptr) return out;
  for (int64_t i = 0; i < c->length(); ++i) out.push_back(c->data<int64_t>()[i]);
  return out;
}

// Reads everything currently in a pipe whose write end was closed.
inline std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// A helper script of tests/support run with /usr/bin/python3 as a child process; its standard
// output is readable through out() (e.g. the port it prints when ready). On destruction it gets
// `stop_signal` (SIGINT lets a script clean up, e.g. stop the broker it started) and is waited
// for.
class ScriptProcess {
 public:
  ScriptProcess(std::vector<std::string> argv, int stop_signal = SIGTERM)
      : stop_signal_(stop_signal) {
    int fds[2];
    if (pipe(fds) != 0) return;
    argv.insert(argv.begin(), "python3");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> c;
      for (std::string& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      execv("/usr/bin/python3", c.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~ScriptProcess() {
    if (pid_ > 0) {
      kill(pid_, stop_signal_);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  ScriptProcess(const ScriptProcess&) = delete;
  ScriptProcess& operator=(const ScriptProcess&) = delete;

  // The script's standard output (null when it could not be started).
  FILE* out() const { return out_; }

 private:
  int stop_signal_;
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

}  // namespace ark::testing
