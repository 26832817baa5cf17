#pragma once
/// A small, safe Markdown subset for rule guidance (`docs:` in the rule files) in the reports:
/// paragraphs, `-`/`*`/`1.` lists, `#` headings, ``` fences, **bold**, `code` and [links](url).
/// Everything is HTML-escaped first; nothing else (no raw HTML, no images) is ever produced.

#include <string>
#include <string_view>

namespace nprcheck {

/// HTML for the Markdown `md`: soft line breaks join lines into one paragraph; link targets
/// other than http(s):, mailto: and relative references are shown as text.
std::string markdown_to_html(std::string_view md);

/// Rule guidance split into its explanation and the "what to do" sentence.
struct RuleGuidance {
  std::string explanation;  ///< Markdown without the "what to do" paragraph
  std::string action;       ///< Markdown of that paragraph without its `**Hva du gjør:**` label
};

/// Splits off the paragraph that starts with `**Hva du gjør:**` (empty `action` if none).
RuleGuidance split_guidance(std::string_view md);

}  // namespace nprcheck
