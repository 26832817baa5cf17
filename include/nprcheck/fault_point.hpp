#pragma once
/// Fault injection for the crash tests: named points in the commit sequence of a run where the
/// environment variable NPRCHECK_TEST_FAULT can make the process signal itself.

namespace nprcheck {

/// When NPRCHECK_TEST_FAULT is `point` (SIGKILL) or `point:SIGNUM`, raises that signal here.
/// Points: reports-written, sealed, history-committed, published. Costs one getenv per call.
void fault_point(const char* point);

}  // namespace nprcheck
