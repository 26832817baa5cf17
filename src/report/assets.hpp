#pragma once
// The report assets (src/report/assets/*.css, *.js), embedded at build time by
// src/report/assets/embed_assets.cmake (private to the report module).

#include <string_view>

namespace nprcheck::report {

/// The text of an embedded asset (`report.css`, `report.js`); empty if there is none.
std::string_view report_asset(std::string_view name);

}  // namespace nprcheck::report
