#pragma once
/// Escaping text for HTML and XML outputs (reports, JUnit files).

#include <string>
#include <string_view>

namespace nprcheck {

/// Escapes & < > " ' for HTML or XML text and attributes; drops C0 control characters except
/// \t \n \r (and DEL), which XML 1.0 does not allow.
std::string html_escape(std::string_view text);

}  // namespace nprcheck
