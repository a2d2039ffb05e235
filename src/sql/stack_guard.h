// Stack guards for the recursive walks over statement trees (parser, binder): a walk checks its
// frame address against StackFloor() and fails with an error instead of overflowing the stack on
// a deeply nested statement. Frames are several times larger in sanitizer builds, and threads may
// have small stacks, so a fixed depth limit alone cannot be right for every build and thread.
//
// Thread-safety: the stack bounds are computed once per thread (thread_local).
#pragma once

#include <cstdint>

namespace ark::sql {

// The lowest stack address this thread may recurse down to while keeping `reserve` bytes (at most
// a quarter of the stack) free below, or 0 when the thread's stack bounds are unknown.
uintptr_t StackFloor(uintptr_t reserve);

// True when the caller's frame lies below `floor`.
[[gnu::always_inline]] inline bool BelowStackFloor(uintptr_t floor) {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < floor;
}

}  // namespace ark::sql
