// The Markdown subset of rule guidance: escaped first, then paragraphs, lists, bold, code, links.
#include "nprcheck/markdown.hpp"

#include <catch2/catch.hpp>

using namespace nprcheck;

TEST_CASE("markdown: paragraphs join soft line breaks; bold and code render", "[report][md]") {
  const std::string html = markdown_to_html(
      "Koden finnes i kodeverket, men er utgått (ICD-10 `A90`\n"
      "Denguefeber finnes i 2015).\n\n**Hva du gjør:** bruk koden som gjelder.\n");
  CHECK(html ==
        "<p>Koden finnes i kodeverket, men er utgått (ICD-10 <code>A90</code> Denguefeber finnes "
        "i 2015).</p>\n<p><strong>Hva du gjør:</strong> bruk koden som gjelder.</p>\n");
  CHECK(html.find("**") == std::string::npos);
  CHECK(html.find('`') == std::string::npos);
}

TEST_CASE("markdown: everything is escaped; markup in code stays text", "[report][md]") {
  CHECK(markdown_to_html("<script>alert(1)</script> & `<b>`") ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; <code>&lt;b&gt;</code></p>\n");
  CHECK(markdown_to_html("**<img src=x onerror=alert(1)>**") ==
        "<p><strong>&lt;img src=x onerror=alert(1)&gt;</strong></p>\n");
  // A lone ** or ` is text; `ZXM*` codes keep their star.
  CHECK(markdown_to_html("2 ** 3 og `ZXM*`-koder og a`b") ==
        "<p>2 ** 3 og <code>ZXM*</code>-koder og a`b</p>\n");
}

TEST_CASE("markdown: lists, headings, fences", "[report][md]") {
  CHECK(markdown_to_html("Se:\n\n- `ZXM00` ultralyd\n- `ZXM10`\n  røntgen\n\n1. først\n2. så\n") ==
        "<p>Se:</p>\n<ul>\n<li><code>ZXM00</code> ultralyd</li>\n<li><code>ZXM10</code> "
        "røntgen</li>\n</ul>\n<ol>\n<li>først</li>\n<li>så</li>\n</ol>\n");
  // A number that wraps to the start of a line inside a paragraph is not a list.
  CHECK(markdown_to_html("type 2 og\n7. gang") == "<p>type 2 og 7. gang</p>\n");
  CHECK(markdown_to_html("## Eksempel\n```\n<a> & b\n```\n") ==
        "<h4>Eksempel</h4>\n<pre><code>&lt;a&gt; &amp; b\n</code></pre>\n");
}

TEST_CASE("markdown: links only to safe targets", "[report][md]") {
  CHECK(markdown_to_html("[FinnKode](https://finnkode.ehelse.no/)") ==
        "<p><a href=\"https://finnkode.ehelse.no/\">FinnKode</a></p>\n");
  CHECK(markdown_to_html("[KODE-003](KODE-003.html#x)") ==
        "<p><a href=\"KODE-003.html#x\">KODE-003</a></p>\n");
  CHECK(markdown_to_html("[klikk](javascript:alert)") == "<p>klikk (javascript:alert)</p>\n");
  CHECK(markdown_to_html("[x](data:text/html,hei)").find("href") == std::string::npos);
  CHECK(markdown_to_html("[x](//evil.example/)").find("href") == std::string::npos);
  CHECK(markdown_to_html("[x](\"onmouseover=\"a)").find("href=\"&quot;onmouseover") !=
        std::string::npos);
}

TEST_CASE("split_guidance takes the 'Hva du gjør' paragraph out", "[report][md]") {
  RuleGuidance g = split_guidance(
      "Forklaring linje 1\nlinje 2.\n\n**Hva du gjør:** rett koden\ni DIPS.\n\nMer tekst.\n");
  CHECK(g.action == "rett koden\ni DIPS.");
  CHECK(g.explanation.find("Hva du gjør") == std::string::npos);
  CHECK(markdown_to_html(g.explanation) ==
        "<p>Forklaring linje 1 linje 2.</p>\n<p>Mer tekst.</p>\n");
  RuleGuidance last = split_guidance("Tekst.\n\n**Hva du gjør:** fjern ZXM-koden.\n");
  CHECK(last.action == "fjern ZXM-koden.");
  CHECK(last.explanation == "Tekst.");
  RuleGuidance none = split_guidance("Bare forklaring.");
  CHECK(none.action.empty());
  CHECK(none.explanation == "Bare forklaring.");
}
