// Fault injection points for the crash tests (NPRCHECK_TEST_FAULT).
#include "nprcheck/fault_point.hpp"

#include <signal.h>

#include <cstdlib>
#include <cstring>

namespace nprcheck {

void fault_point(const char* point) {
  const char* spec = std::getenv("NPRCHECK_TEST_FAULT");
  if (spec == nullptr) return;
  const size_t n = std::strlen(point);
  if (std::strncmp(spec, point, n) != 0) return;
  int sig = SIGKILL;
  if (spec[n] == ':') {
    sig = std::atoi(spec + n + 1);
  } else if (spec[n] != '\0') {
    return;
  }
  if (sig > 0) ::raise(sig);
}

}  // namespace nprcheck
