#include "sql/stack_guard.h"

#include <pthread.h>

#include <algorithm>
#include <cstddef>

namespace ark::sql {
namespace {

struct StackBounds {
  uintptr_t bottom = 0;  // lowest address; 0 = unknown
  size_t size = 0;
};

const StackBounds& ThisThreadStack() {
  thread_local const StackBounds bounds = [] {
    StackBounds b;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
    void* addr = nullptr;
    size_t size = 0;
    const int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (rc != 0 || addr == nullptr) return b;
    b.bottom = reinterpret_cast<uintptr_t>(addr);
    b.size = size;
    return b;
  }();
  return bounds;
}

}  // namespace

uintptr_t StackFloor(uintptr_t reserve) {
  const StackBounds& b = ThisThreadStack();
  if (b.bottom == 0) return 0;
  return b.bottom + std::min<uintptr_t>(reserve, b.size / 4);
}

}  // namespace ark::sql
